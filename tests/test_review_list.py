"""The office's review list: which rows are missing or late this month, and how statuses read."""

import pytest
from django.urls import reverse

from projects.models import TaskRow
from reporting.models import Submission
from reporting.selectors import late_and_missing, review_queue
from tests.roles import client_for, deadline_moment, fill_employment, submit_row

pytestmark = pytest.mark.django_db


def submit_employment(liaison, row, month, *, days_late: int) -> Submission:
    fill_employment(liaison, row, month)
    submission = Submission.objects.get(task_row=row, reporting_month=month)
    submit_row(
        user=liaison, submission_id=submission.pk, now=deadline_moment(month, 10, days_after=days_late)
    )
    return submission


def test_a_row_submitted_on_time_is_neither_missing_nor_late(
    plan_2023, renshe_liaison, employment_row, march
):
    submit_employment(renshe_liaison, employment_row, march, days_late=0)
    lists = late_and_missing(reporting_month=march)
    assert employment_row not in lists["missing"]
    assert lists["late"] == []
    assert len(lists["missing"]) == TaskRow.objects.filter(project__tier__plan_year=plan_2023).count() - 1


def test_a_row_submitted_after_the_deadline_is_late(plan_2023, renshe_liaison, employment_row, march):
    submission = submit_employment(renshe_liaison, employment_row, march, days_late=3)
    lists = late_and_missing(reporting_month=march)
    assert lists["late"] == [(employment_row, submission)]
    assert employment_row not in lists["missing"]


def test_a_row_saved_but_not_submitted_is_missing(plan_2023, renshe_liaison, employment_row, march):
    fill_employment(renshe_liaison, employment_row, march)
    assert employment_row in late_and_missing(reporting_month=march)["missing"]


def test_the_missing_rows_come_in_plan_order(plan_2023, march):
    missing = late_and_missing(reporting_month=march)["missing"]
    assert missing == list(TaskRow.objects.filter(project__tier__plan_year=plan_2023))


def test_the_page_lists_a_late_row_with_its_submission_time(
    plan_2023, renshe_liaison, office_user, employment_row, march
):
    submit_employment(renshe_liaison, employment_row, march, days_late=3)
    page = client_for(office_user).get(f"/review/?year=2023&month={march.month}").content.decode()
    late_section = page.split("逾期报送")[1]
    assert f"{employment_row.lead_unit}：{employment_row}" in late_section
    assert '<span class="badge status-submitted">已提交</span>' in page


@pytest.mark.parametrize("status", Submission.Status.values)
def test_a_status_label_reads_as_its_display(status):
    assert Submission(status=status).status_label == Submission(status=status).get_status_display()


def test_a_submission_never_returned_counts_no_returns(plan_2023, renshe_liaison, employment_row, march):
    submission = submit_employment(renshe_liaison, employment_row, march, days_late=0)
    assert review_queue(reporting_month=march).get(pk=submission.pk).times_returned == 0


def test_the_page_links_each_submission_to_its_review(
    plan_2023, renshe_liaison, office_user, employment_row, march
):
    submission = submit_employment(renshe_liaison, employment_row, march, days_late=0)
    page = client_for(office_user).get(f"/review/?year=2023&month={march.month}").content.decode()
    assert (
        f'<a href="{reverse("reporting:review_detail", args=[submission.pk])}">{employment_row}</a>' in page
    )
