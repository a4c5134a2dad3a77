"""The audit log: every action an assessor asks about leaves a row, in the action's own transaction."""

import io
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import record
from projects.models import Indicator, Person
from reporting.models import Figure, ReviewEvent, Submission
from reporting.workflow import review
from tests.beneficiaries import form_data, grant, id_number_for
from tests.roles import (
    EMPLOYMENT,
    client_for,
    database_state,
    entry_data,
    entry_url,
    fill_employment,
    indicator,
    submission_in,
)

pytestmark = pytest.mark.django_db


def new_rows(since: int):
    return AuditEvent.objects.filter(pk__gt=since).order_by("pk")


def last_pk() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture
def people(renshe_liaison, office_user, statistics_user):
    return {"liaison": renshe_liaison, "office": office_user, "statistics": statistics_user}


@pytest.fixture
def submitted(people, employment_row, march):
    return submission_in(
        Submission.Status.SUBMITTED,
        row=employment_row,
        month=march,
        liaison=people["liaison"],
        office=people["office"],
        statistics=people["statistics"],
    )


# --- what is recorded -----------------------------------------------------------------------------


def test_each_row_says_when_who_which_unit_from_where_what_on_which_object_and_how_it_ended(
    office_user, submitted
):
    start = last_pk()
    client = client_for(office_user)
    client.post(reverse("reporting:review_action", args=[submitted.pk, "approve"]), REMOTE_ADDR="10.8.3.7")
    row = new_rows(start).get(event="submission.approve")
    assert row.at is not None and timezone.now() - row.at < timedelta(minutes=1)
    assert (row.user, row.username, row.unit, row.client_address) == (
        office_user,
        "zhuanban",
        "县人社局",
        "10.8.3.7",
    )
    assert (row.object_type, row.object_id, row.outcome) == (
        "reporting.Submission",
        str(submitted.pk),
        "success",
    )
    assert str(submitted.task_row.project.title) in row.object_repr or row.object_repr


def test_every_step_of_the_monthly_workflow_is_recorded(people, employment_row, march):
    start = last_pk()
    submission = submission_in(
        Submission.Status.FORWARDED,
        row=employment_row,
        month=march,
        liaison=people["liaison"],
        office=people["office"],
        statistics=people["statistics"],
    )
    review.reopen(user=people["office"], submission_id=submission.pk, reason="统计口径更正")
    steps = list(
        new_rows(start)
        .filter(event__startswith="submission.", object_id=str(submission.pk))
        .values_list("event", "username")
    )
    assert steps == [
        ("submission.submit", "renshe"),
        ("submission.approve", "zhuanban"),
        ("submission.verify", "tongji"),
        ("submission.forward", "zhuanban"),
        ("submission.reopen", "zhuanban"),
    ]
    forwarded = new_rows(start).get(event="reporting_month.forward")
    assert (forwarded.username, forwarded.object_id) == ("zhuanban", str(march.pk))
    reopen = new_rows(start).get(event="submission.reopen")
    assert reopen.detail["reason"] == "统计口径更正"


def test_a_return_is_recorded_with_its_reason(office_user, submitted):
    start = last_pk()
    review.return_submission(user=office_user, submission_id=submitted.pk, reason="请补充进展情况")
    assert new_rows(start).get(event="submission.return").detail["reason"] == "请补充进展情况"


def test_each_figure_written_is_recorded_with_its_old_and_new_value(renshe_liaison, employment_row, march):
    fill_employment(renshe_liaison, employment_row, march, employment="100")
    start = last_pk()
    fill_employment(renshe_liaison, employment_row, march, employment="150")
    changed = new_rows(start).get(event="reporting.figure.changed")
    assert [Decimal(value) for value in changed.detail["changes"]["value"]] == [100, 150]
    assert (changed.username, changed.unit) == ("renshe", "县人社局")
    created = AuditEvent.objects.filter(event="reporting.figure.created", pk__lte=start)
    assert created.count() == 3  # the three indicators of the first save


def test_a_change_to_plan_data_in_the_admin_is_recorded(office_user, employment_row):
    item = indicator(employment_row, EMPLOYMENT)
    office_user.groups.add(_office_group())
    client = client_for(office_user)
    data = _indicator_form(client, item, target="9999")
    start = last_pk()
    response = client.post(reverse("admin:projects_indicator_change", args=[item.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    row = new_rows(start).get(event="projects.indicator.changed")
    assert row.detail["changes"]["target_value"][1].startswith("9999")
    assert row.username == "zhuanban"


def test_personal_fields_of_plan_data_are_recorded_as_changed_without_their_value(plan_2023):
    person = Person.objects.filter(phone="").first() or Person.objects.first()
    person.phone = "13907391111"
    person.save()
    row = AuditEvent.objects.filter(event="projects.person.changed").latest("pk")
    assert row.detail["changes"]["phone"] == ["***", "***"]
    assert "13907391111" not in str(row.detail)


@pytest.mark.parametrize(
    "url",
    [
        lambda m, s: f"{reverse('reporting:monthly_report')}?year=2023&month=3",
        lambda m, s: f"{reverse('reporting:exports_matrix')}?year=2023",
        lambda m, s: reverse("reporting:dashboard_notice_export") + "?year=2023",
        lambda m, s: reverse("beneficiaries:grassroots_export", args=[s.pk]),
    ],
    ids=["monthly_report", "matrix", "notice_list", "grassroots"],
)
def test_every_export_is_recorded(office_user, submitted, march, url):
    start = last_pk()
    response = client_for(office_user).get(url(march, submitted))
    assert response.status_code == 200
    rows = new_rows(start).filter(event="export")
    assert rows.count() == 1 and rows.get().username == "zhuanban"


def test_the_import_template_download_is_recorded(renshe_liaison, march):
    start = last_pk()
    client_for(renshe_liaison).get(f"{reverse('reporting:import_template')}?year=2023&month=3")
    assert new_rows(start).get(event="export").detail["export"] == "import_template"


def test_an_admin_export_is_recorded_and_neutralises_formulas(office_user, plan_2023):
    office_user.groups.add(_office_group())
    unit = plan_2023.tiers.first().projects.first().task_rows.first().lead_unit
    unit.note = '=HYPERLINK("http://evil")'
    unit.save()
    start = last_pk()
    response = client_for(office_user).post(
        reverse("admin:projects_unit_export"),
        {
            "format": "0",
            "resource": "0",
            "unitresource_id": "on",
            "unitresource_name": "on",
            "unitresource_note": "on",
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    assert new_rows(start).get(event="admin.export").detail["model"] == "projects.Unit"


def test_an_admin_import_is_recorded_with_each_row_it_writes(office_user):
    office_user.groups.add(_office_group())
    client = client_for(office_user)
    upload = SimpleUploadedFile("days.csv", "日期,是否工作日,说明\n2027-01-01,否,元旦\n".encode())
    preview = client.post(
        reverse("admin:reporting_workcalendarday_import"),
        {"format": "0", "resource": "0", "import_file": upload},
    )
    assert preview.status_code == 200 and preview.context["confirm_form"] is not None
    start = last_pk()
    response = client.post(
        reverse("admin:reporting_workcalendarday_process_import"), preview.context["confirm_form"].initial
    )
    assert response.status_code == 302
    event = new_rows(start).get(event="admin.import")
    assert event.detail["model"] == "reporting.WorkCalendarDay" and event.detail["totals"]["new"] == 1
    assert new_rows(start).filter(event="reporting.workcalendarday.created", username="zhuanban").count() == 1


def test_a_role_or_permission_change_is_recorded(office_user):
    group = _office_group()
    start = last_pk()
    office_user.groups.add(group)
    office_user.groups.remove(group)
    actions = list(
        new_rows(start)
        .filter(event="permission.changed", object_id=str(office_user.pk))
        .values_list("detail", flat=True)
    )
    assert [item["action"] for item in actions] == ["add", "remove"]


def test_no_row_ever_holds_a_password_or_a_full_id_number(
    township_liaison, elderly_row, elderly_indicator, office_user
):
    typed = "Typed-Secret-77"
    Client().post(reverse("login"), {"username": "jinshiqiao", "password": typed})
    number = id_number_for(551)
    client_for(township_liaison).post(
        reverse("beneficiaries:entry_create", args=[elderly_row.pk]),
        form_data(indicator=elderly_indicator, id_number=number),
    )
    grant(office_user, "view_full_id_number")
    client_for(office_user).get(reverse("beneficiaries:row_export", args=[elderly_row.pk]) + "?full=1")
    township_liaison.set_password("Another-Secret-88")
    township_liaison.save()
    text = "\n".join(str(row) for row in AuditEvent.objects.values_list())
    for secret in (typed, "Another-Secret-88", number, township_liaison.password):
        assert secret not in text
    assert AuditEvent.objects.filter(event="account.changed", detail__password_changed=True).exists()


# --- written in the action's transaction ---------------------------------------------------------


@contextmanager
def audit_log_refuses_inserts():
    """A real database refusal of every audit insert, as if the audit table could not be written."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION pg_temp.audit_refuse() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'audit log unavailable'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER audit_refuse BEFORE INSERT ON audit_auditevent "
                "FOR EACH ROW EXECUTE FUNCTION pg_temp.audit_refuse()"
            )
        else:
            cursor.execute(
                "CREATE TEMP TRIGGER audit_refuse BEFORE INSERT ON main.audit_auditevent "
                "BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER audit_refuse ON audit_auditevent"
                if connection.vendor == "postgresql"
                else "DROP TRIGGER audit_refuse"
            )


def test_an_approval_does_not_happen_when_its_audit_row_cannot_be_written(office_user, submitted):
    before = database_state()
    with audit_log_refuses_inserts(), pytest.raises(DatabaseError, match="audit log unavailable"):
        review.approve(user=office_user, submission_id=submitted.pk)
    assert database_state() == before
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED
    assert not ReviewEvent.objects.filter(submission=submitted, action="approve").exists()


def test_a_figure_is_not_saved_when_its_audit_row_cannot_be_written(renshe_liaison, employment_row, march):
    contribution = fill_employment(renshe_liaison, employment_row, march, employment="100")
    before = database_state()
    client = Client(raise_request_exception=False)
    client.force_login(renshe_liaison)
    data = entry_data(employment_row, {EMPLOYMENT: "180"}, version=contribution.version)
    with audit_log_refuses_inserts():
        response = client.post(entry_url(march), data)
    assert response.status_code == 500
    assert database_state() == before
    assert Figure.objects.get(contribution=contribution, indicator__name=EMPLOYMENT).value == Decimal(100)


def test_a_plan_change_in_the_admin_is_not_saved_when_its_audit_row_cannot_be_written(
    office_user, employment_row
):
    item = indicator(employment_row, EMPLOYMENT)
    office_user.groups.add(_office_group())
    client = Client(raise_request_exception=False)
    client.force_login(office_user)
    data = _indicator_form(client, item, target="9999")
    with audit_log_refuses_inserts():
        response = client.post(reverse("admin:projects_indicator_change", args=[item.pk]), data)
    assert response.status_code == 500
    item.refresh_from_db()
    assert item.target_value != Decimal(9999)
    assert not Indicator.history.filter(id=item.pk, target_value=Decimal(9999)).exists()


def test_an_export_does_not_leave_when_its_audit_row_cannot_be_written(office_user, submitted):
    client = Client(raise_request_exception=False)
    client.force_login(office_user)
    with audit_log_refuses_inserts():
        response = client.get(f"{reverse('reporting:monthly_report')}?year=2023&month=3")
    assert response.status_code == 500
    assert "spreadsheet" not in response.get("Content-Type", "")


# --- retention ------------------------------------------------------------------------------------


def _aged(days: int) -> AuditEvent:
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(days=days)):
        return record(event="login", username=f"aged-{days}")


def test_it_purges_only_rows_older_than_180_days():
    old, young = _aged(181), _aged(179)
    out = io.StringIO()
    call_command("purge_audit_log", stdout=out)
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=young.pk).exists()
    assert "1" in out.getvalue()
    assert AuditEvent.objects.get(event="audit.purged").detail["deleted"] == 1


def test_it_keeps_longer_when_asked():
    old = _aged(300)
    call_command("purge_audit_log", "--days", "365", stdout=io.StringIO())
    assert AuditEvent.objects.filter(pk=old.pk).exists()


@pytest.mark.parametrize("days", ["179", "30", "0"])
def test_it_refuses_a_retention_shorter_than_180_days(days):
    old = _aged(200)
    with pytest.raises(CommandError, match="180"):
        call_command("purge_audit_log", "--days", days, stdout=io.StringIO())
    assert AuditEvent.objects.filter(pk=old.pk).exists()


# --- helpers --------------------------------------------------------------------------------------


def _office_group() -> Group:
    from demo.services import _office_group as office_group

    return office_group()


def _indicator_form(client, item: Indicator, *, target: str) -> dict:
    """The indicator's change form as the admin shows it, with a new target."""
    form = client.get(reverse("admin:projects_indicator_change", args=[item.pk])).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else str(value) for name, value in data.items()}
    data["target_value"] = target
    return data
