"""A month is forwarded upstream and closed as a whole, and a 补报 is the only way in afterwards.

`forwarding_plan` is what the confirmation page lists: the rows that go upstream (verified) and
the rows not ready, by why. `forward_month` acts on that plan only: the page hands back the
plan's fingerprint, so a row that changed meanwhile sends the office back to confirm again.
Forwarding with rows not ready needs the office's explicit choice and a reason; those rows, the
ones never submitted included, are closed (截止未报) with the month. From then on the month
is closed: its figures come in only through a 补报 the office opens per row, with a reason
(`open_late_report`), flagged as late wherever shown. Reopening a forwarded row stays per row
(`reporting.workflow.review.reopen`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from core.permissions import require
from projects.models import TaskRow
from reporting import access
from reporting.models import ReportingMonth, ReviewEvent, Submission
from reporting.workflow.errors import WorkflowError
from reporting.workflow.review import locked_submission, log_step

Status = Submission.Status


@dataclass(frozen=True)
class PlanRow:
    task_row: TaskRow
    submission: Submission | None

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else ""

    @property
    def status_label(self) -> str:
        return self.submission.status_label if self.submission else _("未填报")


@dataclass
class ForwardingPlan:
    """The month's rows, grouped by what forwarding does with them."""

    reporting_month: ReportingMonth
    ready: list[PlanRow] = field(default_factory=list)  # verified: go upstream
    not_submitted: list[PlanRow] = field(default_factory=list)  # none, draft or returned
    awaiting_approval: list[PlanRow] = field(default_factory=list)  # submitted
    awaiting_verification: list[PlanRow] = field(default_factory=list)  # approved
    forwarded: list[PlanRow] = field(default_factory=list)  # forwarded before
    closed: list[PlanRow] = field(default_factory=list)  # closed unreported before

    @property
    def not_ready(self) -> list[PlanRow]:
        return self.not_submitted + self.awaiting_approval + self.awaiting_verification

    @property
    def units_not_submitted(self) -> list[str]:
        return sorted({row.task_row.lead_unit.name for row in self.not_submitted})

    @property
    def fingerprint(self) -> str:
        """Changes whenever a row changes group: the confirmation holds for what was shown."""
        states = sorted(
            (row.task_row.pk, row.status, row.submission.version if row.submission else -1)
            for group in (self.ready, self.not_ready, self.forwarded, self.closed)
            for row in group
        )
        return hashlib.sha256(repr(states).encode()).hexdigest()[:16]


def forwarding_plan(*, reporting_month: ReportingMonth) -> ForwardingPlan:
    """Every task row of the month's year, with its submission; two queries."""
    submissions = {
        item.task_row_id: item
        for item in Submission.objects.filter(reporting_month=reporting_month).order_by()
    }
    rows = (
        TaskRow.objects.filter(project__tier__plan_year_id=reporting_month.plan_year_id)
        .select_related("project__tier", "lead_unit")
        .order_by("project__tier__position", "project__number", "position")
    )
    plan = ForwardingPlan(reporting_month)
    groups = {
        Status.VERIFIED: plan.ready,
        Status.SUBMITTED: plan.awaiting_approval,
        Status.APPROVED: plan.awaiting_verification,
        Status.FORWARDED: plan.forwarded,
        Status.CLOSED: plan.closed,
    }
    for row in rows:
        submission = submissions.get(row.pk)
        group = groups.get(submission.status, plan.not_submitted) if submission else plan.not_submitted
        group.append(PlanRow(row, submission))
    return plan


@dataclass(frozen=True)
class Forwarded:
    forwarded: int
    closed: int


@transaction.atomic
def forward_month(
    *,
    user,
    reporting_month: ReportingMonth,
    fingerprint: str,
    close_not_ready: bool = False,
    reason: str = "",
) -> Forwarded:
    """Forward the verified rows upstream and close the month; rows not ready only by choice."""
    require(access.can_forward(user), _("只有专班办公室可以报送。"))
    reporting_month = ReportingMonth.objects.select_for_update().get(pk=reporting_month.pk)
    # Hold every submission of the month while the plan is read and acted on.
    list(Submission.objects.select_for_update().filter(reporting_month=reporting_month).values_list("pk"))
    plan = forwarding_plan(reporting_month=reporting_month)
    if fingerprint != plan.fingerprint:
        raise WorkflowError(_("上报确认后本月报送情况已有变化，请重新查看确认页后再上报。"))
    if not plan.ready:
        raise WorkflowError(_("%(month)s没有已审核并已核验的报送，无法上报。") % {"month": reporting_month})
    reason = (reason or "").strip()
    if plan.not_ready:
        if not close_not_ready:
            raise WorkflowError(
                _(
                    "本月还有%(count)s行未就绪。请选择“未就绪的行按未报送处理”并填写原因，或等待其报送、审核和核验。"
                )
                % {"count": len(plan.not_ready)}
            )
        if not reason:
            raise WorkflowError(_("未就绪的行按未报送处理时，必须填写原因。"))
    now = timezone.now()
    for row in plan.ready:
        submission = row.submission
        submission.status = Status.FORWARDED
        submission._history_user = user
        submission.save()
        log_step(submission, ReviewEvent.Action.FORWARD, user, now=now)
    for row in plan.not_ready:
        submission = row.submission or Submission(reporting_month=reporting_month, task_row=row.task_row)
        submission.status = Status.CLOSED
        submission._history_user = user
        submission.save()
        log_step(submission, ReviewEvent.Action.CLOSE, user, reason=reason, now=now)
    if reporting_month.forwarded_at is None:
        reporting_month.forwarded_at, reporting_month.forwarded_by = now, user
    if reason:
        reporting_month.forward_note = "\n".join(filter(None, [reporting_month.forward_note, reason]))
    reporting_month._history_user = user
    reporting_month.save()
    result = Forwarded(forwarded=len(plan.ready), closed=len(plan.not_ready))
    record(
        event="reporting_month.forward",
        user=user,
        obj=reporting_month,
        detail={"forwarded": result.forwarded, "closed": result.closed, "reason": reason[:500]},
    )
    return result


@transaction.atomic
def open_late_report(*, user, submission_id: int, reason: str) -> Submission:
    """Open a row closed unreported for a 补报: its units fill it in, and it is flagged late."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("开放补报时必须填写原因。"))
    submission = locked_submission(submission_id)
    require(access.can_open_late_report(user, submission), _("只有专班办公室可以为截止未报的行开放补报。"))
    # A row never submitted goes back to draft; one submitted before goes back as returned.
    submission.status = Status.DRAFT if submission.submitted_at is None else Status.RETURNED
    submission.late_report = True
    submission.return_reason = reason
    submission._history_user = user
    submission.save()
    log_step(submission, ReviewEvent.Action.LATE_OPEN, user, reason=reason)
    return submission
