"""The monthly cycle, step by step.

draft → submit → return → resubmit → approve → verify → forward → reopen → correct → submit.
Each step is tested through reporting.workflow (data_entry, review), and the whole cycle once more
through the pages.
"""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from projects.models import Indicator, Unit
from reporting.models import Contribution, Figure, ReviewEvent, Submission
from reporting.selectors import changes_since_last_review, returned_count, review_queue, submission_totals
from reporting.workflow import data_entry, errors, review
from reporting.workflow.validation import FigureInput
from tests.roles import (
    EMPLOYMENT,
    STARTUP_TRAINING,
    TRAINING,
    client_for,
    contribution_of,
    database_state,
    deadline_moment,
    entry_data,
    entry_url,
    fill_employment,
    forward_whole_month,
    indicator,
    provincial_row,
    save_figures,
    submission_in,
    submit_row,
)

pytestmark = pytest.mark.django_db

Status = Submission.Status
Action = ReviewEvent.Action


@pytest.fixture
def drive(office_user, statistics_user, renshe_liaison, employment_row, march):
    """Item 3 for March 2023, brought through the real services to the status asked for."""

    def to(status):
        return submission_in(
            status,
            row=employment_row,
            month=march,
            liaison=renshe_liaison,
            office=office_user,
            statistics=statistics_user,
        )

    return to


def _actions(submission):
    # In the order taken: the tests back-date submissions with `now`, so `at` alone would not do.
    return list(submission.events.order_by("pk").values_list("action", flat=True))


def _value(row, name, unit_name="县人社局"):
    return Figure.objects.get(
        contribution__submission__task_row=row, contribution__unit__name=unit_name, indicator__name=name
    ).value


# --- draft and submit -----------------------------------------------------------------------------


def test_it_keeps_saved_figures_in_a_draft(renshe_liaison, employment_row, march):
    fill_employment(renshe_liaison, employment_row, march, employment="100")

    submission = Submission.objects.get(task_row=employment_row, reporting_month=march)
    assert submission.status == Status.DRAFT
    assert submission.submitted_at is None
    assert _value(employment_row, EMPLOYMENT) == 100
    assert not submission.events.exists()


def test_it_submits_a_draft_and_records_the_event_with_a_snapshot(drive, renshe_liaison, march):
    submission = drive(Status.DRAFT)
    now = deadline_moment(march, 9)

    submit_row(user=renshe_liaison, submission_id=submission.pk, now=now)

    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED
    assert submission.submitted_at == now == submission.first_submitted_at
    event = submission.events.get()
    assert (event.action, event.actor, event.at) == (Action.SUBMIT, renshe_liaison, now)
    employment = indicator(submission.task_row, EMPLOYMENT)
    assert event.snapshot["figures"][f"{submission.task_row.lead_unit_id}:{employment.pk}"] == "100"


def test_it_records_a_submission_on_the_deadline_day_as_on_time(drive, renshe_liaison, march):
    submission = drive(Status.DRAFT)

    submit_row(user=renshe_liaison, submission_id=submission.pk, now=deadline_moment(march, 23))

    submission.refresh_from_db()
    assert submission.on_time is True


def test_it_records_a_submission_after_the_deadline_as_late(drive, renshe_liaison, march):
    submission = drive(Status.DRAFT)

    submit_row(user=renshe_liaison, submission_id=submission.pk, now=deadline_moment(march, 9, days_after=1))

    submission.refresh_from_db()
    assert submission.on_time is False


def test_it_judges_timeliness_from_the_first_submission_only(drive, renshe_liaison, office_user, march):
    submission = drive(Status.RETURNED)  # first submitted on the deadline day
    late = deadline_moment(march, 9, days_after=5)

    submit_row(user=renshe_liaison, submission_id=submission.pk, now=late)

    submission.refresh_from_db()
    assert (submission.status, submission.on_time, submission.submitted_at) == (Status.SUBMITTED, True, late)
    assert submission.first_submitted_at == deadline_moment(march, 10)


def test_it_refuses_to_submit_while_an_indicator_is_missing(renshe_liaison, employment_row, march):
    save_figures(renshe_liaison, employment_row, march, {EMPLOYMENT: "100"})
    submission = Submission.objects.get(task_row=employment_row)

    with pytest.raises(
        errors.WorkflowError, match="以下指标尚未填报，不能提交：补贴性职业技能培训、其中创业培训"
    ):
        submit_row(user=renshe_liaison, submission_id=submission.pk)

    submission.refresh_from_db()
    assert submission.status == Status.DRAFT
    assert not submission.events.exists()


# --- return and resubmit --------------------------------------------------------------------------


def test_it_returns_a_submission_with_its_reason(drive, office_user):
    submission = drive(Status.SUBMITTED)

    review.return_submission(user=office_user, submission_id=submission.pk, reason=" 请补充培训人数来源。 ")

    submission.refresh_from_db()
    assert (submission.status, submission.return_reason) == (Status.RETURNED, "请补充培训人数来源。")
    event = submission.events.order_by("pk").last()
    assert (event.action, event.actor, event.reason) == (Action.RETURN, office_user, "请补充培训人数来源。")
    assert returned_count(submission) == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_refuses_a_return_without_a_reason_and_changes_nothing(drive, office_user, reason):
    submission = drive(Status.SUBMITTED)
    before = database_state()

    with pytest.raises(errors.WorkflowError, match="退回时必须填写退回原因"):
        review.return_submission(user=office_user, submission_id=submission.pk, reason=reason)

    assert database_state() == before


def test_it_resubmits_a_returned_submission_and_clears_the_reason(drive, renshe_liaison, march):
    submission = drive(Status.RETURNED)
    fill_employment(renshe_liaison, submission.task_row, march, employment="110")

    submit_row(user=renshe_liaison, submission_id=submission.pk, now=deadline_moment(march, 11))

    submission.refresh_from_db()
    assert (submission.status, submission.return_reason) == (Status.SUBMITTED, "")
    assert _actions(submission) == [Action.SUBMIT, Action.RETURN, Action.SUBMIT]
    assert returned_count(submission) == 1


def test_it_counts_every_return_in_the_review_queue(drive, renshe_liaison, office_user, march):
    submission = drive(Status.RETURNED)
    submit_row(user=renshe_liaison, submission_id=submission.pk, now=deadline_moment(march, 11))
    review.return_submission(user=office_user, submission_id=submission.pk, reason="仍有疑问。")

    assert returned_count(submission) == 2
    assert review_queue(reporting_month=march).get(pk=submission.pk).times_returned == 2


def test_it_shows_the_reviewer_what_changed_between_two_submissions(drive, renshe_liaison, march):
    submission = drive(Status.RETURNED)
    fill_employment(renshe_liaison, submission.task_row, march, employment="110")
    submit_row(user=renshe_liaison, submission_id=submission.pk, now=deadline_moment(march, 11))

    changes = changes_since_last_review(submission)

    assert [(change.label, change.old, change.new) for change in changes] == [
        (f"县人社局 · {EMPLOYMENT}", "100", "110")
    ]


# --- approve, lock, verify, forward ---------------------------------------------------------------


def test_it_approves_a_submitted_submission(drive, office_user):
    submission = drive(Status.SUBMITTED)

    review.approve(user=office_user, submission_id=submission.pk)

    submission.refresh_from_db()
    assert submission.status == Status.APPROVED
    assert submission.is_locked
    event = submission.events.order_by("pk").last()
    assert event.action == Action.APPROVE
    assert event.snapshot["figures"]


def test_it_refuses_to_save_into_an_approved_submission_and_names_the_office(drive, renshe_liaison, march):
    submission = drive(Status.APPROVED)
    contribution = contribution_of(renshe_liaison, submission.task_row, march)
    before = database_state()

    with pytest.raises(errors.LockedError, match="专班办公室"):
        data_entry.save_contribution(
            user=renshe_liaison,
            contribution=contribution,
            expected_version=contribution.version,
            inputs=[FigureInput(indicator=indicator(submission.task_row, EMPLOYMENT), raw_value="999")],
        )

    assert database_state() == before


def test_it_refuses_an_approval_by_the_statistics_bureau(drive, statistics_user):
    submission = drive(Status.SUBMITTED)

    with pytest.raises(PermissionDenied):
        review.approve(user=statistics_user, submission_id=submission.pk)

    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED


def test_it_refuses_a_verification_by_the_office(drive, office_user):
    submission = drive(Status.APPROVED)

    with pytest.raises(PermissionDenied):
        review.verify(user=office_user, submission_id=submission.pk)

    submission.refresh_from_db()
    assert submission.status == Status.APPROVED


def test_it_verifies_an_approved_submission(drive, statistics_user):
    submission = drive(Status.APPROVED)

    review.verify(user=statistics_user, submission_id=submission.pk)

    submission.refresh_from_db()
    assert submission.status == Status.VERIFIED
    event = submission.events.order_by("pk").last()
    assert (event.action, event.actor) == (Action.VERIFY, statistics_user)


# --- reopen and correct ---------------------------------------------------------------------------


def test_it_reopens_a_forwarded_submission_with_its_reason(drive, office_user):
    submission = drive(Status.FORWARDED)

    review.reopen(user=office_user, submission_id=submission.pk, reason="省厅反馈数据口径有误。")

    submission.refresh_from_db()
    assert (submission.status, submission.return_reason) == (Status.RETURNED, "省厅反馈数据口径有误。")
    event = submission.events.order_by("pk").last()
    assert (event.action, event.actor, event.reason) == (Action.REOPEN, office_user, "省厅反馈数据口径有误。")


@pytest.mark.parametrize("reason", ["", "  \n "])
def test_it_refuses_a_reopen_without_a_reason_and_changes_nothing(drive, office_user, reason):
    submission = drive(Status.FORWARDED)
    before = database_state()

    with pytest.raises(errors.WorkflowError, match="重新打开时必须填写原因"):
        review.reopen(user=office_user, submission_id=submission.pk, reason=reason)

    assert database_state() == before


def test_it_shows_the_reviewer_old_and_new_values_after_a_correction(
    drive, office_user, renshe_liaison, march
):
    submission = drive(Status.FORWARDED)
    review.reopen(user=office_user, submission_id=submission.pk, reason="更正培训人数。")

    save_figures(
        renshe_liaison, submission.task_row, march, {TRAINING: "60", STARTUP_TRAINING: "10"}, funds="12.5"
    )

    changes = {change.label: (change.old, change.new) for change in changes_since_last_review(submission)}
    assert changes == {f"县人社局 · {TRAINING}": ("50", "60"), "县人社局 · 投入资金（万元）": ("", "12.50")}


def test_it_runs_the_whole_cycle_through_the_services(
    drive, office_user, statistics_user, renshe_liaison, employment_row, march
):
    submission = drive(Status.DRAFT)
    steps = [
        (
            lambda: submit_row(
                user=renshe_liaison, submission_id=submission.pk, now=deadline_moment(march, 9)
            ),
            Status.SUBMITTED,
        ),
        (
            lambda: review.return_submission(
                user=office_user, submission_id=submission.pk, reason="请核实。"
            ),
            Status.RETURNED,
        ),
        (lambda: fill_employment(renshe_liaison, employment_row, march, employment="105"), Status.RETURNED),
        (
            lambda: submit_row(
                user=renshe_liaison, submission_id=submission.pk, now=deadline_moment(march, 9, days_after=1)
            ),
            Status.SUBMITTED,
        ),
        (lambda: review.approve(user=office_user, submission_id=submission.pk), Status.APPROVED),
        (lambda: review.verify(user=statistics_user, submission_id=submission.pk), Status.VERIFIED),
        (lambda: forward_whole_month(office_user, march), Status.FORWARDED),
        (
            lambda: review.reopen(user=office_user, submission_id=submission.pk, reason="更正。"),
            Status.RETURNED,
        ),
        (lambda: fill_employment(renshe_liaison, employment_row, march, employment="120"), Status.RETURNED),
        (lambda: submit_row(user=renshe_liaison, submission_id=submission.pk), Status.SUBMITTED),
    ]
    for step, expected in steps:
        step()
        submission.refresh_from_db()
        assert submission.status == expected

    assert _actions(submission) == [
        Action.SUBMIT,
        Action.RETURN,
        Action.SUBMIT,
        Action.APPROVE,
        Action.VERIFY,
        Action.FORWARD,
        Action.REOPEN,
        Action.SUBMIT,
    ]
    assert list(submission.events.order_by("pk").values_list("actor__username", flat=True)) == [
        "renshe",
        "zhuanban",
        "renshe",
        "zhuanban",
        "tongji",
        "zhuanban",
        "zhuanban",
        "renshe",
    ]
    assert submission.on_time is True
    assert returned_count(submission) == 1
    assert [(c.old, c.new) for c in changes_since_last_review(submission)] == [("105", "120")]


# --- contributions of several units ---------------------------------------------------------------


def test_it_sums_the_townships_contribution_into_the_lead_units_total(
    renshe_liaison, township_liaison, employment_row, march
):
    fill_employment(renshe_liaison, employment_row, march, employment="100", training="50", startup="10")
    save_figures(
        township_liaison, employment_row, march, {EMPLOYMENT: "20", TRAINING: "5", STARTUP_TRAINING: ""}
    )
    submission = Submission.objects.get(task_row=employment_row)

    totals = {total.indicator.name: total for total in submission_totals(submission)}

    assert {name: total.total for name, total in totals.items()} == {
        EMPLOYMENT: Decimal(120),
        TRAINING: Decimal(55),
        STARTUP_TRAINING: Decimal(10),
    }
    assert sorted((unit.name, figure.value) for unit, figure in totals[EMPLOYMENT].breakdown) == [
        ("县人社局", 100),
        ("金石桥镇人民政府", 20),
    ]


def test_it_takes_a_non_additive_figure_from_the_lead_unit(office_user, plan_2023, march, minzheng_liaison):
    allowance = provincial_row(plan_2023, 7, 1)
    save_figures(minzheng_liaison, allowance, march, {"城乡低保标准": "650", "农村低保标准": "5000"})

    totals = {total.indicator.name: total.total for total in submission_totals(Submission.objects.get())}

    assert totals == {"城乡低保标准": 650, "农村低保标准": 5000}


# --- concurrent edits -----------------------------------------------------------------------------


def test_it_keeps_the_first_of_two_concurrent_saves_and_refuses_the_second(
    renshe_liaison, employment_row, march
):
    contribution = fill_employment(renshe_liaison, employment_row, march, employment="100")
    first = Contribution.objects.get(pk=contribution.pk)
    second = Contribution.objects.get(pk=contribution.pk)
    loaded_version = first.version
    employment = indicator(employment_row, EMPLOYMENT)
    training = indicator(employment_row, TRAINING)

    data_entry.save_contribution(
        user=renshe_liaison,
        contribution=first,
        expected_version=loaded_version,
        inputs=[FigureInput(indicator=employment, raw_value="111")],
    )
    with pytest.raises(errors.ConflictError, match="保存冲突"):
        data_entry.save_contribution(
            user=renshe_liaison,
            contribution=second,
            expected_version=loaded_version,
            inputs=[
                FigureInput(indicator=employment, raw_value="222"),
                FigureInput(indicator=training, raw_value="77"),
            ],
            progress="第二个人写的进展",
        )

    contribution.refresh_from_db()
    assert contribution.version == loaded_version + 1
    assert contribution.progress == ""
    assert (_value(employment_row, EMPLOYMENT), _value(employment_row, TRAINING)) == (111, 50)


def test_it_answers_409_to_a_stale_entry_post_and_keeps_the_typed_value(
    renshe_liaison, employment_row, march
):
    page_a, page_b = client_for(renshe_liaison), client_for(renshe_liaison)
    values = {EMPLOYMENT: "100", TRAINING: "50", STARTUP_TRAINING: "10"}

    saved = page_a.post(entry_url(march), entry_data(employment_row, values, version=0))
    stale = page_b.post(
        entry_url(march), entry_data(employment_row, {**values, EMPLOYMENT: "2345"}, version=0)
    )

    assert saved.status_code == 302
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "保存冲突" in page
    assert (
        f'name="r{employment_row.pk}-i{indicator(employment_row, EMPLOYMENT).pk}-value" value="2345"' in page
    )
    assert _value(employment_row, EMPLOYMENT) == 100
    assert contribution_of(renshe_liaison, employment_row, march).version == 1


def test_it_keeps_every_saved_value_in_the_figure_history_with_its_user(
    renshe_liaison, employment_row, march
):
    client = client_for(renshe_liaison)
    values = {EMPLOYMENT: "100", TRAINING: "50", STARTUP_TRAINING: "10"}

    client.post(entry_url(march), entry_data(employment_row, values, version=0))
    client.post(entry_url(march), entry_data(employment_row, {**values, EMPLOYMENT: "130"}, version=1))

    figure = Figure.objects.get(indicator__name=EMPLOYMENT)
    history = list(figure.history.order_by("history_date").values_list("value", "history_user__username"))
    assert history == [(Decimal(100), "renshe"), (Decimal(130), "renshe")]


# --- through the pages ----------------------------------------------------------------------------


def _post_entry(client, row, month, values, *, submit=False):
    version = (
        Contribution.objects.filter(
            submission__task_row=row, submission__reporting_month=month, unit=row.lead_unit
        )
        .values_list("version", flat=True)
        .first()
        or 0
    )
    data = entry_data(row, values, version=version)
    if submit:
        data["submit_row"] = str(row.pk)
        # The township of the row has not filled its part: the lead closes it as 本月无数据.
        for unit in Unit.objects.filter(kind=Unit.Kind.TOWNSHIP):
            data[f"r{row.pk}-nodata-{unit.pk}"] = "on"
        data[f"r{row.pk}-nodata-reason"] = "本月该镇无新增"
    return client.post(entry_url(month), data)


def _act(client, submission, action, reason=None):
    data = {} if reason is None else {"reason": reason}
    return client.post(reverse("reporting:review_action", args=[submission.pk, action]), data)


def test_it_runs_the_whole_cycle_through_the_pages(
    office_user, statistics_user, renshe_liaison, employment_row, march
):
    liaison, office, statistics = (
        client_for(user) for user in (renshe_liaison, office_user, statistics_user)
    )
    values = {EMPLOYMENT: "100", TRAINING: "50", STARTUP_TRAINING: "10"}

    def status():
        return Submission.objects.get(task_row=employment_row, reporting_month=march).status

    assert _post_entry(liaison, employment_row, march, values).status_code == 302
    assert status() == Status.DRAFT
    submission = Submission.objects.get(task_row=employment_row, reporting_month=march)

    assert _post_entry(liaison, employment_row, march, values, submit=True).status_code == 302
    assert status() == Status.SUBMITTED
    submission.refresh_from_db()
    assert submission.on_time is False  # the 2023 deadline is long past

    assert _act(office, submission, "return", "请补充培训明细。").status_code == 302
    assert status() == Status.RETURNED
    page = liaison.get(entry_url(march)).content.decode()
    assert "退回原因" in page and "请补充培训明细。" in page

    assert (
        _post_entry(liaison, employment_row, march, {**values, TRAINING: "55"}, submit=True).status_code
        == 302
    )
    assert status() == Status.SUBMITTED
    detail = office.get(reverse("reporting:review_detail", args=[submission.pk])).content.decode()
    assert "与上次审核版本相比的变化" in detail and "退回次数：1" in detail

    assert _act(office, submission, "approve").status_code == 302
    assert status() == Status.APPROVED
    assert _act(statistics, submission, "verify").status_code == 302
    assert status() == Status.VERIFIED
    forward_page = office.get(reverse("reporting:forward_month", args=[march.pk]))
    assert "上报确认" in forward_page.content.decode()
    confirmed = {
        "fingerprint": forward_page.context["fingerprint"],
        "close_not_ready": "on",
        "reason": "按时未报单位按未报送处理",
    }
    assert office.post(reverse("reporting:forward_month", args=[march.pk]), confirmed).status_code == 302
    assert status() == Status.FORWARDED

    assert _act(office, submission, "reopen", "省厅要求更正。").status_code == 302
    assert status() == Status.RETURNED
    assert _post_entry(liaison, employment_row, march, {**values, TRAINING: "58"}).status_code == 302
    assert status() == Status.RETURNED
    detail = office.get(reverse("reporting:review_detail", args=[submission.pk])).content.decode()
    assert "<td>县人社局 · 补贴性职业技能培训</td><td>55</td><td><strong>58</strong></td>" in detail

    assert (
        _post_entry(liaison, employment_row, march, {**values, TRAINING: "58"}, submit=True).status_code
        == 302
    )
    assert status() == Status.SUBMITTED
    assert _actions(submission) == [
        Action.SUBMIT,
        Action.RETURN,
        Action.SUBMIT,
        Action.APPROVE,
        Action.VERIFY,
        Action.FORWARD,
        Action.REOPEN,
        Action.SUBMIT,
    ]
    assert returned_count(submission) == 1


def test_it_refuses_a_return_without_a_reason_through_the_page(drive, office_user):
    submission = drive(Status.SUBMITTED)
    before = database_state()

    response = _act(client_for(office_user), submission, "return", "")

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["请填写原因。"]
    assert database_state() == before


def test_it_refuses_a_reopen_without_a_reason_through_the_page(drive, office_user):
    submission = drive(Status.APPROVED)
    before = database_state()

    response = _act(client_for(office_user), submission, "reopen")

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["请填写原因。"]
    assert database_state() == before


# --- refusals at save time (each was a bug when these tests were written) -------------------------


def test_it_tells_a_liaison_when_the_row_was_locked_after_the_page_was_loaded(
    drive, township_liaison, employment_row, march
):
    client = client_for(township_liaison)
    client.get(entry_url(march))  # the page is loaded while the row is still a draft …
    drive(Status.SUBMITTED)  # … then the lead unit submits it

    before = database_state()

    response = client.post(entry_url(march), entry_data(employment_row, {EMPLOYMENT: "20"}, version=0))

    assert response.status_code == 409
    assert "专班办公室" in response.content.decode()
    assert database_state() == before


def test_it_refuses_a_contribution_to_a_row_the_unit_takes_no_part_in(
    minzheng_liaison, employment_row, march
):
    with pytest.raises(PermissionDenied):
        save_figures(minzheng_liaison, employment_row, march, {EMPLOYMENT: "5000"})

    assert not Figure.objects.filter(contribution__unit__name="县民政局").exists()


def test_it_refuses_a_township_figure_for_a_non_additive_indicator(township_liaison, plan_2023, march):
    allowance = provincial_row(plan_2023, 7, 1)
    with pytest.raises(PermissionDenied):
        save_figures(township_liaison, allowance, march, {"城乡低保标准": "9999"})

    assert not Figure.objects.filter(indicator__name="城乡低保标准").exists()


def test_it_refuses_an_indicator_of_another_row_and_writes_nothing(renshe_liaison, employment_row, march):
    contribution = fill_employment(renshe_liaison, employment_row, march, employment="100")
    other = Indicator.objects.filter(task_row__lead_unit=employment_row.lead_unit).exclude(
        task_row=employment_row
    )[0]

    with pytest.raises(PermissionDenied, match="不属于该项任务"):
        data_entry.save_contribution(
            user=renshe_liaison,
            contribution=contribution,
            expected_version=contribution.version,
            inputs=[
                FigureInput(indicator=indicator(employment_row, EMPLOYMENT), raw_value="120"),
                FigureInput(indicator=other, raw_value="5"),
            ],
        )

    assert _value(employment_row, EMPLOYMENT) == 100
    assert not Figure.objects.filter(indicator=other).exists()


@pytest.mark.parametrize(
    ("start", "action", "who", "message"),
    [
        (Status.SUBMITTED, "return", "office", "已退回县人社局（原因：请核实。）。"),
        (Status.SUBMITTED, "approve", "office", "已审核通过，等待县统计局核验。"),
        (Status.APPROVED, "verify", "statistics", "已核验通过，等待专班办公室整月上报。"),
        (Status.APPROVED, "reopen", "office", "已重新打开，县人社局可更正后重新提交（原因：请核实。）。"),
    ],
)
def test_it_says_what_each_review_step_did(drive, user_in_role, start, action, who, message):
    submission = drive(start)

    response = _act(client_for(user_in_role(who)), submission, action, "请核实。")

    assert [str(m) for m in get_messages(response.wsgi_request)] == [message]
