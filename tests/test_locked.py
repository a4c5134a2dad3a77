"""Locked means locked: a figure of an approved or forwarded month changes by no path at all.

The paths: the liaison's page, a crafted POST, the Excel import, the Django admin (change,
delete, bulk delete, history revert) and the services. Only the office's reopening (with a
reason) opens the month again. Nothing users entered is hard-deleted through the admin.
"""

import io

import pytest
from django.contrib.admin.sites import site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.urls import reverse
from openpyxl import load_workbook
from simple_history.admin import SimpleHistoryAdmin

from core.admin import HistoryAdmin
from demo.services import _office_group
from projects.models import Indicator, Person, TaskRow
from reporting.imports.template import FIRST_DATA_ROW, INDICATOR_ID, VALUE
from reporting.models import Contribution, Figure, ReviewEvent, Submission
from reporting.workflow import data_entry, errors, review
from reporting.workflow.validation import FigureInput
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

LOCKED = [Submission.Status.APPROVED, Submission.Status.FORWARDED]


@pytest.fixture
def office(office_user):
    """The office with its group's permissions on plan data and figures, as in the demo."""
    office_user.groups.add(_office_group())
    return office_user


@pytest.fixture(params=LOCKED)
def locked(request, renshe_liaison, office, statistics_user, employment_row, march):
    """Item 3's March figures, first saved as 50 and then as 100, approved or forwarded."""
    fill_employment(renshe_liaison, employment_row, march, employment="50")
    submission = submission_in(
        request.param,
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office,
        statistics=statistics_user,
    )
    figure = Figure.objects.get(contribution__submission=submission, indicator__name=EMPLOYMENT)
    assert figure.value == 100
    return figure


def unchanged(before, figure):
    figure.refresh_from_db()
    return database_state() == before and figure.value == 100


# --- the liaison's page, and a crafted POST -----------------------------------------------------


def test_the_liaisons_page_refuses_a_change(renshe_liaison, employment_row, march, locked):
    before = database_state()
    contribution = locked.contribution
    data = entry_data(employment_row, {EMPLOYMENT: "999"}, version=contribution.version)
    response = client_for(renshe_liaison).post(entry_url(march), data)
    assert response.status_code in (302, 409)
    assert unchanged(before, locked)


def test_a_crafted_post_with_any_version_is_refused(renshe_liaison, employment_row, march, locked):
    before = database_state()
    client = client_for(renshe_liaison)
    for version in (0, locked.contribution.version, locked.contribution.version + 1, 10**6):
        data = entry_data(employment_row, {EMPLOYMENT: "999"}, version=version, progress="改")
        data["submit_row"] = str(employment_row.pk)
        client.post(entry_url(march), data)
    assert unchanged(before, locked)


def test_the_service_refuses_a_change(renshe_liaison, employment_row, locked):
    before = database_state()
    with pytest.raises(errors.LockedError):
        data_entry.save_contribution(
            user=renshe_liaison,
            contribution=locked.contribution,
            expected_version=locked.contribution.version,
            inputs=[FigureInput(indicator=indicator(employment_row, EMPLOYMENT), raw_value="999")],
        )
    assert unchanged(before, locked)


# --- the Excel import --------------------------------------------------------------------------


def test_the_excel_import_refuses_a_change(renshe_liaison, march, locked, tmp_path, settings):
    settings.IMPORT_PENDING_DIR = str(tmp_path / "pending")
    client = client_for(renshe_liaison)
    response = client.get(f"{reverse('reporting:import_template')}?year=2023&month=3")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    row = next(
        row
        for row in range(FIRST_DATA_ROW, sheet.max_row + 1)
        if sheet.cell(row, INDICATOR_ID.index).value == locked.indicator_id
    )
    sheet.cell(row, VALUE.index).value = 999
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = database_state()

    upload = client.post(
        reverse("reporting:import_upload"), {"file": SimpleUploadedFile("x.xlsx", buffer.getvalue())}
    )
    if upload.status_code == 302:
        client.post(upload["Location"])  # confirm

    assert unchanged(before, locked)


# --- the Django admin ----------------------------------------------------------------------------


@pytest.fixture(params=["office", "superuser"])
def admin_client(request, office, superuser):
    return client_for(office if request.param == "office" else superuser)


def test_the_admin_refuses_a_change(admin_client, locked):
    before = database_state()
    url = reverse("admin:reporting_figure_change", args=[locked.pk])
    response = admin_client.post(
        url, {"contribution": locked.contribution_id, "indicator": locked.indicator_id, "value": "999"}
    )
    assert response.status_code == 403
    assert unchanged(before, locked)


def test_the_admin_refuses_a_history_revert(admin_client, locked):
    """simple_history saves a posted history form for mere viewers; the project's HistoryAdmin refuses it."""
    before = database_state()
    earlier = locked.history.get(value=50)
    url = reverse("admin:reporting_figure_simple_history", args=[locked.pk, earlier.history_id])
    response = admin_client.post(
        url, {"contribution": locked.contribution_id, "indicator": locked.indicator_id, "value": "50"}
    )
    assert response.status_code == 403
    assert unchanged(before, locked)


@pytest.mark.parametrize("model", ["figure", "contribution", "submission", "reviewevent"])
def test_the_admin_refuses_to_delete_what_users_entered(admin_client, locked, model):
    before = database_state()
    obj = {
        "figure": locked,
        "contribution": locked.contribution,
        "submission": locked.contribution.submission,
        "reviewevent": ReviewEvent.objects.filter(submission=locked.contribution.submission).first(),
    }[model]
    delete = admin_client.post(reverse(f"admin:reporting_{model}_delete", args=[obj.pk]), {"post": "yes"})
    bulk = admin_client.post(
        reverse(f"admin:reporting_{model}_changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert delete.status_code == 403
    assert bulk.status_code in (200, 302)
    assert unchanged(before, locked)


def test_plan_rows_with_figures_cannot_be_deleted(office, locked):
    """An indicator or a task row that has figures is protected; plan rows are deactivated instead."""
    before = database_state()
    client = client_for(office)
    for model, obj in (("indicator", locked.indicator), ("taskrow", locked.indicator.task_row)):
        response = client.post(reverse(f"admin:projects_{model}_delete", args=[obj.pk]), {"post": "yes"})
        assert response.status_code in (200, 403)  # Django lists the protected figures instead
    assert Indicator.objects.filter(pk=locked.indicator_id).exists()
    assert TaskRow.objects.filter(pk=locked.indicator.task_row_id).exists()
    with pytest.raises(ProtectedError):
        locked.indicator.delete()
    assert unchanged(before, locked)


@pytest.mark.parametrize("model", ["unit", "person"])
def test_units_and_people_are_deactivated_not_deleted(admin_client, locked, model):
    obj = locked.contribution.unit if model == "unit" else Person.objects.first()
    response = admin_client.post(reverse(f"admin:projects_{model}_delete", args=[obj.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_every_admin_with_history_refuses_reverts_without_change_permission():
    plain = [
        type(model_admin).__name__
        for model_admin in site._registry.values()
        if isinstance(model_admin, SimpleHistoryAdmin) and not isinstance(model_admin, HistoryAdmin)
    ]
    assert plain == []


def test_history_keeps_every_value_of_a_figure(locked):
    assert sorted(locked.history.values_list("value", flat=True)) == [50, 100]
    assert Contribution.history.filter(id=locked.contribution_id).exists()


# --- and reopening is the only way back ----------------------------------------------------------


def test_a_reopened_month_can_be_corrected_and_the_correction_is_in_the_history(
    office, renshe_liaison, employment_row, march, locked
):
    review.reopen(user=office, submission_id=locked.contribution.submission_id, reason="统计口径更正")
    fill_employment(renshe_liaison, employment_row, march, employment="120")
    locked.refresh_from_db()
    assert locked.value == 120
    assert "统计口径更正" in locked.history.first().history_change_reason
