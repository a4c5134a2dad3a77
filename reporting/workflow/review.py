"""The steps of a submission after entry: submitting, returning, approving, verifying, reopening.

Forwarding a month and 补报 are `reporting.workflow.forwarding`.

Each step checks permission through `reporting.access`, locks the submission row, writes its
review event and audit row in one transaction, and refuses with a message for the user.
"""

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from audit.services import record
from core.permissions import require
from core.text import control_characters_message
from reporting import access
from reporting.calendar.deadlines import month_schedule
from reporting.models import ReviewEvent, Submission
from reporting.selectors import submission_snapshot
from reporting.workflow.completeness import mark_no_data, parts_of
from reporting.workflow.errors import LockedError, WorkflowError


def log_step(
    submission: Submission, action: str, user, *, reason: str = "", now=None, snapshot=None
) -> ReviewEvent:
    """The review step and its audit row, in the transaction of the step: one fails, both do."""
    event = ReviewEvent.objects.create(
        submission=submission,
        action=action,
        actor=user,
        at=now or timezone.now(),
        reason=reason,
        snapshot=snapshot if snapshot is not None else {},
    )
    detail = {"status": submission.status, "review_event": event.pk}
    if reason:
        detail["reason"] = reason[:500]
    record(event=f"submission.{action}", user=user, obj=submission, detail=detail)
    return event


def locked_submission(submission_id: int) -> Submission:
    return (
        Submission.objects.select_for_update()
        .select_related("reporting_month__plan_year", "task_row__lead_unit")
        .get(pk=submission_id)
    )


# The steps that take a row out of its units' hands, and how a refusal names them.
LOCKING_STEPS = {
    ReviewEvent.Action.SUBMIT: _lazy("由%(who)s提交"),
    ReviewEvent.Action.APPROVE: _lazy("由%(who)s审核通过"),
    ReviewEvent.Action.VERIFY: _lazy("由%(who)s核验通过"),
    ReviewEvent.Action.FORWARD: _lazy("由%(who)s随整月上报"),
    ReviewEvent.Action.CLOSE: _lazy("在%(who)s整月上报时按截止未报处理"),
}


def how_locked(submission: Submission) -> str:
    """When and by which step a row stopped being open: "已于2023年3月21日 10:05由renshe提交（…）"."""
    event = (
        submission.events.filter(action__in=list(LOCKING_STEPS))
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    status = submission.status_label
    if event is None:
        return _("当前状态为“%(status)s”") % {"status": status}
    who = event.actor.get_full_name() or event.actor.username
    return _("已于%(when)s%(step)s（当前状态：%(status)s）") % {
        "when": formats.date_format(timezone.localtime(event.at), "Y年n月j日 H:i"),
        "step": LOCKING_STEPS[event.action] % {"who": who},
        "status": status,
    }


def locked_row_message(submission: Submission) -> str:
    """The refusal of a save into a row that is no longer open, saying when and by what it was locked."""
    return _(
        "“%(row)s”%(how)s，不能再修改，本次未保存任何内容。如需更正，请联系专班办公室（县人社局）退回或重新打开。"
    ) % {"row": submission.task_row, "how": how_locked(submission)}


def missing_indicators(submission: Submission) -> list[str]:
    snapshot = submission_snapshot(submission)
    filled = {key.split(":")[1] for key, value in snapshot["figures"].items() if value not in (None, "")}
    return [
        indicator.name
        for indicator in submission.task_row.indicators.all()
        if str(indicator.pk) not in filled
    ]


@transaction.atomic
def submit(*, user, submission_id: int, now=None, no_data: dict[int, str] | None = None) -> Submission:
    """The lead unit submits the row: every indicator filled, every responsible unit's part filled
    or marked 本月无数据 with a reason in `no_data` (unit id → reason)."""
    now = now or timezone.now()
    submission = locked_submission(submission_id)
    if submission.status not in Submission.OPEN_STATUSES:
        raise LockedError(_("该报送已提交或已审核，不能重复提交。"))
    require(access.can_submit(user, submission), _("只有牵头单位可以提交本行数据。"))
    missing = missing_indicators(submission)
    if missing:
        raise WorkflowError(_("以下指标尚未填报，不能提交：%(names)s") % {"names": "、".join(missing)})
    for reason in (no_data or {}).values():
        if error := control_characters_message(reason or "", what=_("无数据原因")):
            raise WorkflowError(error)
    unmarked = mark_no_data(
        user=user, submission=submission, parts=parts_of(submission), reasons=no_data or {}
    )
    if unmarked:
        raise WorkflowError(
            _(
                "以下责任单位尚未填报本行：%(units)s。请等待其填报，或为每个单位勾选“本月无数据”并填写原因后再提交。"
            )
            % {"units": "、".join(part.unit.name for part in unmarked)}
        )
    schedule = month_schedule(submission.reporting_month)
    if submission.first_submitted_at is None:
        submission.first_submitted_at = now
        # Timeliness is judged once, from the first real submission against the working-day deadline.
        submission.on_time = timezone.localdate(now) <= schedule.submit_deadline
    submission.submitted_at = now
    submission.status = Submission.Status.SUBMITTED
    submission.return_reason = ""
    submission._history_user = user
    submission.save()
    log_step(submission, ReviewEvent.Action.SUBMIT, user, now=now, snapshot=submission_snapshot(submission))
    return submission


@transaction.atomic
def return_submission(*, user, submission_id: int, reason: str) -> Submission:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("退回时必须填写退回原因。"))
    submission = locked_submission(submission_id)
    require(access.can_return(user, submission), _("该报送当前状态下您不能退回。"))
    submission.status = Submission.Status.RETURNED
    submission.return_reason = reason
    submission._history_user = user
    submission.save()
    log_step(submission, ReviewEvent.Action.RETURN, user, reason=reason)
    return submission


@transaction.atomic
def approve(*, user, submission_id: int) -> Submission:
    submission = locked_submission(submission_id)
    require(access.can_approve(user, submission), _("只有专班办公室可以审核已提交的报送。"))
    submission.status = Submission.Status.APPROVED
    submission._history_user = user
    submission.save()
    log_step(submission, ReviewEvent.Action.APPROVE, user, snapshot=submission_snapshot(submission))
    return submission


@transaction.atomic
def verify(*, user, submission_id: int) -> Submission:
    submission = locked_submission(submission_id)
    require(access.can_verify(user, submission), _("只有县统计局可以核验已审核的报送。"))
    submission.status = Submission.Status.VERIFIED
    submission._history_user = user
    submission.save()
    log_step(submission, ReviewEvent.Action.VERIFY, user)
    return submission


@transaction.atomic
def reopen(*, user, submission_id: int, reason: str) -> Submission:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("重新打开时必须填写原因。"))
    submission = locked_submission(submission_id)
    require(access.can_reopen(user, submission), _("只有专班办公室可以重新打开已锁定的数据。"))
    submission.status = Submission.Status.RETURNED
    submission.return_reason = reason
    submission._history_user = user
    submission.save()
    log_step(submission, ReviewEvent.Action.REOPEN, user, reason=reason)
    return submission
