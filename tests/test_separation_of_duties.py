"""三员分立: the system, security and audit administrators, each with one duty and no other."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Membership, Role
from audit.models import AuditEvent
from audit.services import record
from reporting.models import Figure
from tests.roles import client_for, fill_employment

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Xiang-Jiang7"


@pytest.fixture
def figure(renshe_liaison, employment_row, march):
    return fill_employment(renshe_liaison, employment_row, march).figures.first()


# page → the roles that may open it; everyone else is refused (403), or sent to a login page.
PAGES = {
    "user_add": ({"sysadmin", "superuser"}, lambda f: reverse("admin:auth_user_add")),
    "user_list": ({"sysadmin", "security", "superuser"}, lambda f: reverse("admin:auth_user_changelist")),
    "group_add": ({"security", "superuser"}, lambda f: reverse("admin:auth_group_add")),
    "membership_add": ({"security", "superuser"}, lambda f: reverse("admin:accounts_membership_add")),
    "audit_log": ({"auditor"}, lambda f: reverse("audit:list")),
    "audit_export": ({"auditor"}, lambda f: reverse("audit:export")),
    "audit_admin": (set(), lambda f: reverse("admin:audit_auditevent_changelist")),
    "monthly_entry": ({"renshe"}, lambda f: reverse("reporting:entry")),
    "review_list": ({"office", "statistics", "leader"}, lambda f: reverse("reporting:review_list")),
}
ROLES = ["sysadmin", "security", "auditor", "superuser", "office", "statistics", "leader", "renshe"]


def _cases():
    for page, (allowed, _url) in PAGES.items():
        for role in ROLES:
            yield pytest.param(page, role, role in allowed, id=f"{page}-{role}")


@pytest.mark.parametrize(("screen", "role", "allowed"), list(_cases()))
def test_each_duty_belongs_to_one_role(user_in_role, figure, screen, role, allowed):
    response = client_for(user_in_role(role)).get(PAGES[screen][1](figure))
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 403), response.status_code
        if response.status_code == 302:
            assert "login" in response["Location"]


# --- one role per account -----------------------------------------------------------------------


def test_no_account_holds_two_roles(sysadmin_user):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=sysadmin_user, role=Role.AUDITOR)


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECURITY, Role.AUDITOR])
def test_an_administrator_is_never_a_superuser(plan_2023, django_user_model, role):
    user = django_user_model.objects.create_superuser("root2", password=GOOD_PASSWORD)
    with pytest.raises(ValidationError, match="三员分立"):
        Membership.objects.create(user=user, role=role)


def test_an_administrator_cannot_be_made_a_superuser(security_user):
    security_user.is_superuser = True
    with pytest.raises(ValidationError, match="三员分立"):
        security_user.save()


def test_an_administrator_joins_no_group_and_holds_no_permission(sysadmin_user):
    office = Group.objects.create(name="专班办公室")
    grants = [
        lambda: sysadmin_user.groups.add(office),
        lambda: office.user_set.add(sysadmin_user),
        lambda: sysadmin_user.user_permissions.add(Permission.objects.get(codename="change_figure")),
    ]
    for grant in grants:
        with pytest.raises(ValidationError, match="三员分立"), transaction.atomic():
            grant()
    assert not sysadmin_user.groups.exists() and not sysadmin_user.user_permissions.exists()


def test_a_group_member_cannot_be_given_an_administrator_role(security_user, office_user):
    office_user.groups.add(Group.objects.create(name="专班办公室"))
    membership = office_user.membership
    response = client_for(security_user).post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": office_user.pk, "role": Role.AUDITOR, "unit": "", "person": ""},
    )
    assert response.status_code == 200
    assert "三员分立" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.OFFICE


# --- the security administrator ---------------------------------------------------------------


def test_the_security_administrator_grants_a_role_and_it_is_audited(
    security_user, django_user_model, plan_2023
):
    newcomer = django_user_model.objects.create_user("xinren", password=GOOD_PASSWORD)
    response = client_for(security_user).post(
        reverse("admin:accounts_membership_add"),
        {"user": newcomer.pk, "role": Role.LEADER, "unit": "", "person": ""},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=newcomer).role == Role.LEADER
    event = AuditEvent.objects.get(event="accounts.membership.created", object_repr__startswith="xinren")
    assert event.username == "anquan"


def test_a_role_change_is_audited_with_the_old_and_new_role(security_user, leader_user):
    membership = leader_user.membership
    client_for(security_user).post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": leader_user.pk, "role": Role.STATISTICS, "unit": "", "person": ""},
    )
    event = AuditEvent.objects.get(event="accounts.membership.changed", object_id=str(membership.pk))
    assert event.detail["changes"]["role"] == ["leader", "statistics"]
    assert event.username == "anquan"


def test_the_security_administrator_cannot_change_their_own_grants(security_user):
    client = client_for(security_user)
    membership = security_user.membership
    response = client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": security_user.pk, "role": Role.OFFICE, "unit": "", "person": ""},
    )
    assert response.status_code == 403
    response = client.post(
        reverse("admin:auth_user_change", args=[security_user.pk]),
        {"is_staff": "on", "groups": [Group.objects.create(name="专班办公室").pk]},
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.SECURITY and not security_user.groups.exists()


def test_the_security_administrator_puts_a_user_in_a_group_and_it_is_audited(security_user, office_user):
    group = Group.objects.create(name="专班办公室")
    response = client_for(security_user).post(
        reverse("admin:auth_user_change", args=[office_user.pk]),
        {"is_staff": "on", "groups": [group.pk], "user_permissions": []},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(office_user.groups.all()) == [group]
    event = AuditEvent.objects.get(event="permission.changed", object_id=str(office_user.pk))
    assert event.detail == {"relation": "groups", "action": "add", "items": ["专班办公室"]}
    assert event.username == "anquan"


def test_the_security_administrator_cannot_reset_a_password(security_user, renshe_liaison):
    response = client_for(security_user).get(
        reverse("admin:auth_user_password_change", args=[renshe_liaison.pk])
    )
    assert response.status_code == 403


# --- the system administrator -------------------------------------------------------------------


def test_the_system_administrator_cannot_grant_groups_or_superuser(sysadmin_user, renshe_liaison):
    group = Group.objects.create(name="专班办公室")
    response = client_for(sysadmin_user).post(
        reverse("admin:auth_user_change", args=[renshe_liaison.pk]),
        {
            "username": "renshe",
            "first_name": "县人社局联络员",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [group.pk],
            "date_joined_0": "2023-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    renshe_liaison.refresh_from_db()
    assert (renshe_liaison.first_name, renshe_liaison.is_staff, renshe_liaison.is_superuser) == (
        "县人社局联络员",
        False,
        False,
    )
    assert not renshe_liaison.groups.exists()


def test_the_system_administrator_deactivates_an_account_and_it_is_audited(sysadmin_user, renshe_liaison):
    client_for(sysadmin_user).post(
        reverse("admin:auth_user_change", args=[renshe_liaison.pk]),
        {"username": "renshe", "first_name": "renshe", "last_name": "", "email": ""},
    )
    renshe_liaison.refresh_from_db()
    assert not renshe_liaison.is_active
    event = AuditEvent.objects.get(event="account.changed", object_id=str(renshe_liaison.pk))
    assert event.detail == {"changes": {"is_active": [True, False]}, "password_changed": False}


def test_the_system_administrator_cannot_take_over_another_administrator(
    sysadmin_user, security_user, auditor_user
):
    client = client_for(sysadmin_user)
    for target in (security_user, auditor_user):
        response = client.post(
            reverse("admin:auth_user_password_change", args=[target.pk]),
            {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD, "usable_password": "true"},
        )
        assert response.status_code == 403
        target.refresh_from_db()
        assert not target.check_password(GOOD_PASSWORD)


def test_nobody_deletes_an_account_but_the_installation_superuser(
    sysadmin_user, security_user, renshe_liaison
):
    url = reverse("admin:auth_user_delete", args=[renshe_liaison.pk])
    for user in (sysadmin_user, security_user):
        assert client_for(user).post(url, {"post": "yes"}).status_code == 403
    assert type(renshe_liaison).objects.filter(pk=renshe_liaison.pk).exists()


def test_no_administrator_reads_or_changes_figures(user_in_role, figure):
    for role in ("sysadmin", "security", "auditor"):
        client = client_for(user_in_role(role))
        url = reverse("admin:reporting_figure_change", args=[figure.pk])
        assert client.post(url, {"value": "999"}).status_code in (302, 403)
        submission = figure.contribution.submission
        assert client.get(reverse("reporting:review_detail", args=[submission.pk])).status_code == 404
    figure.refresh_from_db()
    assert figure.value != 999 and Figure.objects.filter(value=999).count() == 0


# --- the audit administrator --------------------------------------------------------------------


@pytest.fixture
def logged(renshe_liaison, office_user):
    """A few audit rows of today, by two users of two units and one unknown name."""
    return [
        record(event="login", user=renshe_liaison),
        record(event="export", user=office_user, detail={"export": "monthly_report"}),
        record(event="login", username="ghost", outcome=AuditEvent.Outcome.FAILURE),
    ]


def rows_shown(response) -> list[str]:
    return [event.event + ":" + event.username for event in response.context["page"].object_list]


def test_the_auditor_filters_by_user_unit_event_and_date(auditor_user, logged):
    client = client_for(auditor_user)
    today = timezone.localdate().isoformat()
    by_user = client.get(reverse("audit:list"), {"username": "renshe", "event": "login"})
    assert rows_shown(by_user) == ["login:renshe"]
    by_unit = client.get(reverse("audit:list"), {"unit": "县人社局", "event": "export"})
    assert rows_shown(by_unit) == ["export:zhuanban"]
    failures = client.get(reverse("audit:list"), {"outcome": "failure", "date_from": today, "date_to": today})
    assert "login:ghost" in rows_shown(failures) and "login:renshe" not in rows_shown(failures)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert rows_shown(client.get(reverse("audit:list"), {"date_to": yesterday})) == []


def test_the_auditor_is_told_when_the_dates_are_the_wrong_way_round(auditor_user, logged):
    response = client_for(auditor_user).get(
        reverse("audit:list"), {"date_from": "2023-05-02", "date_to": "2023-05-01"}
    )
    assert response.status_code == 400
    assert "截止日期不能早于起始日期" in response.content.decode()


def test_the_auditor_exports_the_filtered_log_to_excel(auditor_user, logged):
    response = client_for(auditor_user).get(reverse("audit:export"), {"username": "renshe", "event": "login"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(index for index, row in enumerate(values) if row[0] == "时间")
    assert values[header][:6] == ["时间", "用户", "单位", "客户端地址", "事件", "事件代码"]
    assert [row[1] for row in values[header + 1 :]] == ["renshe"]
    assert values[header + 1][2] == "县人社局" and values[header + 1][4] == "登录"
    assert any(row[0] == "用户：renshe" for row in values[:header])
    event = AuditEvent.objects.filter(event="export", username="shenji").get()
    assert event.detail["export"] == "audit_log"
