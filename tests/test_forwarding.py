"""A month goes upstream as a whole: confirmed, closed with its unready rows, and open only to 补报."""

import pytest
from django.urls import reverse

from projects.models import TaskRow
from reporting.dashboards.board import board
from reporting.models import ReviewEvent, Submission
from reporting.workflow import errors, forwarding, review
from tests.roles import (
    EMPLOYMENT,
    client_for,
    database_state,
    deadline_moment,
    entry_data,
    entry_url,
    fill_employment,
    provincial_row,
    submission_in,
    submit_row,
)

pytestmark = pytest.mark.django_db

Status = Submission.Status
Action = ReviewEvent.Action
REASON = "按时未报单位按未报送处理"


@pytest.fixture
def verified(office_user, statistics_user, renshe_liaison, employment_row, march):
    """Item 3 for March 2023, verified by the statistics bureau: the one row ready to go up."""
    return submission_in(
        Status.VERIFIED,
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )


@pytest.fixture
def waiting(plan_2023, march):
    """Item 6 for March, submitted and waiting for the office: not ready."""
    return Submission.objects.create(
        reporting_month=march,
        task_row=provincial_row(plan_2023, 6),
        status=Status.SUBMITTED,
        submitted_at=deadline_moment(march, 9),
    )


def _forward(office_user, march, **kwargs):
    plan = forwarding.forwarding_plan(reporting_month=march)
    return forwarding.forward_month(
        user=office_user,
        reporting_month=march,
        fingerprint=kwargs.pop("fingerprint", plan.fingerprint),
        **kwargs,
    )


def _confirm_page(office_user, march):
    return client_for(office_user).get(reverse("reporting:forward_month", args=[march.pk]))


# --- the confirmation page ---------------------------------------------------------------------


def test_its_confirmation_page_lists_what_goes_up_and_what_is_not_ready(
    office_user, verified, waiting, march
):
    response = _confirm_page(office_user, march)

    plan = response.context["plan"]
    assert [row.submission for row in plan.ready] == [verified]
    assert [row.submission for row in plan.awaiting_approval] == [waiting]
    assert (
        len(plan.not_submitted)
        == TaskRow.objects.filter(project__tier__plan_year=march.plan_year).count() - 2
    )
    page = response.content.decode()
    assert 'data-count="ready">1<' in page
    assert 'data-count="awaiting_approval">1<' in page
    assert "县人社局：" in page and "上报后本月截止" in page


def test_opening_the_confirmation_page_forwards_nothing(office_user, verified, waiting, march):
    before = database_state()

    _confirm_page(office_user, march)

    assert database_state() == before
    verified.refresh_from_db()
    assert verified.status == Status.VERIFIED


def test_it_forwards_nothing_without_the_confirmation(office_user, verified, march):
    before = database_state()

    response = client_for(office_user).post(reverse("reporting:forward_month", args=[march.pk]))

    assert response.status_code == 400
    assert database_state() == before


def test_it_sends_the_office_back_when_the_month_changed_after_confirming(
    office_user, verified, march, plan_2023
):
    stale = forwarding.forwarding_plan(reporting_month=march).fingerprint
    Submission.objects.create(
        reporting_month=march,
        task_row=provincial_row(plan_2023, 6),
        status=Status.SUBMITTED,
        submitted_at=deadline_moment(march, 9),
    )
    before = database_state()

    with pytest.raises(errors.WorkflowError, match="请重新查看确认页后再上报"):
        _forward(office_user, march, fingerprint=stale, close_not_ready=True, reason=REASON)

    assert database_state() == before


def test_it_refuses_to_forward_a_month_with_nothing_verified(office_user, waiting, march):
    before = database_state()

    with pytest.raises(errors.WorkflowError, match="没有已审核并已核验的报送，无法上报"):
        _forward(office_user, march, close_not_ready=True, reason=REASON)

    assert database_state() == before


def test_it_refuses_rows_not_ready_without_the_explicit_choice(office_user, verified, waiting, march):
    before = database_state()

    with pytest.raises(errors.WorkflowError, match="请选择“未就绪的行按未报送处理”"):
        _forward(office_user, march, reason=REASON)

    assert database_state() == before


def test_it_refuses_rows_not_ready_without_a_reason(office_user, verified, waiting, march):
    before = database_state()

    with pytest.raises(errors.WorkflowError, match="必须填写原因"):
        _forward(office_user, march, close_not_ready=True, reason="  ")

    assert database_state() == before


def test_its_page_shows_the_refusal_in_chinese_and_changes_nothing(office_user, verified, waiting, march):
    fingerprint = forwarding.forwarding_plan(reporting_month=march).fingerprint
    before = database_state()

    response = client_for(office_user).post(
        reverse("reporting:forward_month", args=[march.pk]), {"fingerprint": fingerprint}
    )

    assert response.status_code == 409
    assert "本月还有" in response.content.decode()
    assert database_state() == before


# --- forwarding with rows not ready --------------------------------------------------------------


def test_it_forwards_the_verified_rows_and_closes_the_rest_with_the_reason(
    office_user, verified, waiting, march
):
    result = _forward(office_user, march, close_not_ready=True, reason=REASON)

    verified.refresh_from_db()
    waiting.refresh_from_db()
    assert (verified.status, waiting.status) == (Status.FORWARDED, Status.CLOSED)
    assert result.forwarded == 1
    assert result.closed == Submission.objects.filter(reporting_month=march, status=Status.CLOSED).count()
    assert waiting.events.get(action=Action.CLOSE).reason == REASON
    march.refresh_from_db()
    assert (march.is_closed, march.forwarded_by, march.forward_note) == (True, office_user, REASON)


def test_every_row_of_the_month_is_locked_after_forwarding(office_user, verified, waiting, march, plan_2023):
    _forward(office_user, march, close_not_ready=True, reason=REASON)

    rows = TaskRow.objects.filter(project__tier__plan_year=plan_2023).count()
    submissions = Submission.objects.filter(reporting_month=march)
    assert submissions.count() == rows
    assert all(submission.is_locked for submission in submissions)


# --- 补报 ----------------------------------------------------------------------------------------


@pytest.fixture
def closed_employment(office_user, renshe_liaison, employment_row, march, plan_2023):
    """Item 3 drafted but not submitted when the office forwarded March with item 6 verified."""
    fill_employment(renshe_liaison, employment_row, march)
    Submission.objects.create(
        reporting_month=march,
        task_row=provincial_row(plan_2023, 6),
        status=Status.VERIFIED,
        submitted_at=deadline_moment(march, 9),
    )
    _forward(office_user, march, close_not_ready=True, reason=REASON)
    submission = Submission.objects.get(reporting_month=march, task_row=employment_row)
    assert submission.status == Status.CLOSED
    return submission


def test_a_liaison_cannot_enter_figures_in_a_row_closed_with_its_month(
    renshe_liaison, employment_row, closed_employment, march
):
    before = database_state()

    response = client_for(renshe_liaison).post(
        entry_url(march), entry_data(employment_row, {EMPLOYMENT: "120"}, version=1)
    )

    assert response.status_code == 409
    assert database_state() == before


def test_the_office_opens_a_closed_row_for_a_late_report_with_a_reason(office_user, closed_employment):
    forwarding.open_late_report(
        user=office_user, submission_id=closed_employment.pk, reason="县人社局申请补报"
    )

    closed_employment.refresh_from_db()
    assert (closed_employment.status, closed_employment.late_report) == (Status.DRAFT, True)
    assert closed_employment.events.get(action=Action.LATE_OPEN).reason == "县人社局申请补报"


def test_a_late_report_needs_a_reason(office_user, closed_employment):
    before = database_state()

    with pytest.raises(errors.WorkflowError, match="开放补报时必须填写原因"):
        forwarding.open_late_report(user=office_user, submission_id=closed_employment.pk, reason="")

    assert database_state() == before


@pytest.mark.parametrize("role", ["statistics", "leader", "renshe"])
def test_only_the_office_opens_a_late_report(user_in_role, closed_employment, role):
    response = client_for(user_in_role(role)).post(
        reverse("reporting:review_action", args=[closed_employment.pk, "late_open"]), {"reason": "补报"}
    )

    assert response.status_code in (403, 404)
    closed_employment.refresh_from_db()
    assert closed_employment.status == Status.CLOSED


def test_a_closed_row_is_not_reopened_but_opened_for_a_late_report(office_user, closed_employment):
    page = client_for(office_user).get(reverse("reporting:review_detail", args=[closed_employment.pk]))

    text = page.content.decode()
    assert "开放补报" in text
    assert "重新打开以便更正" not in text


@pytest.fixture
def late_report_verified(
    office_user, statistics_user, renshe_liaison, employment_row, closed_employment, march
):
    """The closed row opened for a 补报, filled (130), submitted, approved and verified."""
    forwarding.open_late_report(
        user=office_user, submission_id=closed_employment.pk, reason="县人社局申请补报"
    )
    fill_employment(renshe_liaison, employment_row, march, employment="130")
    submit_row(user=renshe_liaison, submission_id=closed_employment.pk)
    review.approve(user=office_user, submission_id=closed_employment.pk)
    review.verify(user=statistics_user, submission_id=closed_employment.pk)
    return closed_employment


def test_a_late_report_goes_through_review_and_up_flagged_as_late(office_user, late_report_verified, march):
    result = _forward(office_user, march)

    late_report_verified.refresh_from_db()
    assert (result.forwarded, result.closed) == (1, 0)
    assert (late_report_verified.status, late_report_verified.late_report) == (Status.FORWARDED, True)
    assert late_report_verified.on_time is False
    listing = client_for(office_user).get(reverse("reporting:review_list") + "?year=2023&month=3")
    assert "补报" in listing.content.decode()


def test_reopen_stays_per_row_with_its_reason(office_user, verified, march):
    _forward(office_user, march, close_not_ready=True, reason=REASON)

    review.reopen(user=office_user, submission_id=verified.pk, reason="省厅反馈口径有误")

    verified.refresh_from_db()
    assert verified.status == Status.RETURNED
    others = Submission.objects.filter(reporting_month=march).exclude(pk=verified.pk)
    assert set(others.values_list("status", flat=True)) == {Status.CLOSED}


def test_the_entry_page_shows_a_closed_row_as_locked(office_user, renshe_liaison, closed_employment, march):
    page = client_for(renshe_liaison).get(entry_url(march)).content.decode()

    assert "截止未报" in page
    version = f'name="r{closed_employment.task_row_id}-version" value="1" disabled>'
    assert version in page


def test_the_boards_flag_a_late_report(office_user, late_report_verified, march, plan_2023):
    _forward(office_user, march)

    the_board = board(plan_year=plan_2023, month=3)

    line = next(item for item in the_board.lines if item.indicator.name == EMPLOYMENT)
    assert line.late_report and line.total.value == 130
    page = client_for(office_user).get(reverse("reporting:dashboard_indicators") + "?year=2023&month=3")
    assert '<span class="badge late">补报</span>' in page.content.decode()


def test_the_admin_cannot_close_or_reopen_a_month_by_hand(superuser, march):
    url = reverse("admin:reporting_reportingmonth_change", args=[march.pk])
    client = client_for(superuser)

    page = client.get(url).content.decode()
    client.post(url, {"forwarded_at_0": "2023-03-22", "forwarded_at_1": "16:00", "override_reason": ""})

    assert 'name="forwarded_at' not in page
    march.refresh_from_db()
    assert march.forwarded_at is None
