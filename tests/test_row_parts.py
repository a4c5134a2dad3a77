"""The lead unit submits complete rows: each township's part filled, or closed as 本月无数据 with a reason."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Membership, Role
from reporting.models import Contribution, Submission
from reporting.workflow import completeness, errors, review
from tests.roles import (
    EMPLOYMENT,
    STARTUP_TRAINING,
    TRAINING,
    client_for,
    database_state,
    entry_data,
    entry_url,
    fill_employment,
    save_figures,
)

pytestmark = pytest.mark.django_db

Status = Submission.Status
TOWNSHIP = "金石桥镇人民政府"


@pytest.fixture
def drafted(renshe_liaison, township_liaison, employment_row, march):
    """县人社局 has filled item 3 for March; 金石桥镇, a responsible party, has not."""
    fill_employment(renshe_liaison, employment_row, march)
    return Submission.objects.get(task_row=employment_row, reporting_month=march)


def _township_id(submission):
    return next(part.unit.pk for part in completeness.parts_of(submission) if part.unit.name == TOWNSHIP)


def _submit_page(client, row, month, **fields):
    version = Contribution.objects.get(
        submission__task_row=row, submission__reporting_month=month, unit=row.lead_unit
    ).version
    values = {EMPLOYMENT: "100", TRAINING: "50", STARTUP_TRAINING: "10"}  # as fill_employment saved them
    data = {**entry_data(row, values, version=version), "submit_row": str(row.pk), **fields}
    return client.post(entry_url(month), data)


def test_the_leads_page_shows_each_townships_figure_and_state(
    renshe_liaison, township_liaison, drafted, employment_row, march
):
    save_figures(township_liaison, employment_row, march, {EMPLOYMENT: "12"})

    page = client_for(renshe_liaison).get(entry_url(march)).content.decode()

    assert "各责任单位填报情况：已填报 0/1" in page
    assert f'<td>{TOWNSHIP}</td><td>部分填报</td><td class="num">12</td>' in page


def test_it_refuses_a_row_with_a_townships_part_missing_and_names_it(renshe_liaison, drafted):
    before = database_state()

    with pytest.raises(errors.WorkflowError, match=f"以下责任单位尚未填报本行：{TOWNSHIP}"):
        review.submit(user=renshe_liaison, submission_id=drafted.pk)

    assert database_state() == before


def test_it_refuses_a_no_data_mark_without_a_reason(renshe_liaison, drafted):
    before = database_state()

    with pytest.raises(errors.WorkflowError, match="勾选“本月无数据”并填写原因"):
        review.submit(user=renshe_liaison, submission_id=drafted.pk, no_data={_township_id(drafted): "  "})

    assert database_state() == before


def test_it_records_the_no_data_mark_with_who_when_and_why(renshe_liaison, drafted):
    township = _township_id(drafted)

    review.submit(user=renshe_liaison, submission_id=drafted.pk, no_data={township: "本月该镇无新增就业"})

    drafted.refresh_from_db()
    part = Contribution.objects.get(submission=drafted, unit_id=township)
    assert drafted.status == Status.SUBMITTED
    assert (part.no_data_reason, part.no_data_by) == ("本月该镇无新增就业", renshe_liaison)
    assert part.no_data_at is not None
    assert part.history.first().history_change_reason == "牵头单位标记本月无数据：本月该镇无新增就业"


def test_the_lead_ticks_the_township_on_the_page_with_the_rows_reason(
    renshe_liaison, drafted, employment_row, march
):
    township = _township_id(drafted)

    response = _submit_page(
        client_for(renshe_liaison),
        employment_row,
        march,
        **{
            f"r{employment_row.pk}-nodata-{township}": "on",
            f"r{employment_row.pk}-nodata-reason": "镇未开展",
        },
    )

    assert response.status_code == 302
    drafted.refresh_from_db()
    assert drafted.status == Status.SUBMITTED
    assert Contribution.objects.get(submission=drafted, unit_id=township).no_data_reason == "镇未开展"


def test_the_page_says_why_when_the_township_is_not_ticked(renshe_liaison, drafted, employment_row, march):
    response = _submit_page(client_for(renshe_liaison), employment_row, march)

    messages = [str(message) for message in response.wsgi_request._messages]
    assert any(TOWNSHIP in message and "未能提交" in message for message in messages)
    drafted.refresh_from_db()
    assert drafted.status == Status.DRAFT


def test_the_reviewer_sees_the_mark(office_user, renshe_liaison, drafted):
    review.submit(user=renshe_liaison, submission_id=drafted.pk, no_data={_township_id(drafted): "镇未开展"})

    page = client_for(office_user).get(reverse("reporting:review_detail", args=[drafted.pk])).content.decode()

    assert "牵头单位标记“本月无数据”" in page and "镇未开展" in page


def test_the_township_is_told_on_its_page(renshe_liaison, township_liaison, drafted, march):
    review.submit(user=renshe_liaison, submission_id=drafted.pk, no_data={_township_id(drafted): "镇未开展"})

    page = client_for(township_liaison).get(entry_url(march)).content.decode()

    assert "牵头单位已将本单位本行标记为“本月无数据”后提交：镇未开展" in page


def test_the_township_is_told_by_the_reminder_mail(renshe_liaison, township_liaison, drafted):
    township_liaison.email = "jsq@example.com"
    township_liaison.save()
    assert Membership.objects.filter(user=township_liaison, role=Role.LIAISON).exists()
    review.submit(user=renshe_liaison, submission_id=drafted.pk, no_data={_township_id(drafted): "镇未开展"})

    call_command("send_reminders", "--year", "2023", "--month", "3")

    [message] = [item for item in mail.outbox if item.to == ["jsq@example.com"]]
    assert "标记为“本月无数据”" in message.body and "镇未开展" in message.body


def test_the_townships_own_figures_replace_the_mark(
    office_user, renshe_liaison, township_liaison, drafted, employment_row, march
):
    review.submit(user=renshe_liaison, submission_id=drafted.pk, no_data={_township_id(drafted): "镇未开展"})
    review.return_submission(user=office_user, submission_id=drafted.pk, reason="请金石桥镇补填。")

    part = save_figures(township_liaison, employment_row, march, {EMPLOYMENT: "8", TRAINING: "2"})

    assert (part.no_data_reason, part.no_data_by) == ("", None)


def test_a_complete_row_needs_no_mark(renshe_liaison, township_liaison, drafted, employment_row, march):
    save_figures(
        township_liaison, employment_row, march, {EMPLOYMENT: "8", TRAINING: "2", STARTUP_TRAINING: "1"}
    )

    review.submit(user=renshe_liaison, submission_id=drafted.pk)

    drafted.refresh_from_db()
    assert drafted.status == Status.SUBMITTED
    assert not Contribution.objects.filter(submission=drafted).exclude(no_data_reason="").exists()
