"""Who may see and do what. Views, admin and exports ask this module, and only this one.

- 单位联络员 (liaison): the task rows where the unit takes part (lead, co-lead,
  responsible unit or member of a responsible group); edits its own
  contribution while the submission is open; submits when the unit leads the row.
- 专班办公室 (office): sees everything; returns, approves, forwards, reopens.
- 县统计局 (statistics): sees everything; verifies approved submissions, or returns them.
- 领导 (leader): reads everything, changes nothing.

The three administrators (三员分立) read and change no figures; what they may do is `accounts.roles`.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import READ_ALL_ROLES, Role
from accounts.roles import role_of, unit_of
from core.errors import OutOfScope
from projects.models import TargetAdjustment, TaskRow, Unit
from projects.participation import leads_row, rows_of_unit
from reporting.models import Submission


def visible_submissions(user) -> QuerySet:
    role = role_of(user)
    if role in READ_ALL_ROLES:
        return Submission.objects.all()
    if role == Role.LIAISON:
        return Submission.objects.filter(task_row__in=rows_of_unit(unit_of(user)))
    return Submission.objects.none()


def can_submit(user, submission: Submission) -> bool:
    return leads_row(unit_of(user), submission.task_row) and submission.is_open


def can_approve(user, submission: Submission) -> bool:
    return role_of(user) == Role.OFFICE and submission.status == Submission.Status.SUBMITTED


def can_verify(user, submission: Submission) -> bool:
    return role_of(user) == Role.STATISTICS and submission.status == Submission.Status.APPROVED


def can_return(user, submission: Submission) -> bool:
    role = role_of(user)
    return (role == Role.OFFICE and submission.status == Submission.Status.SUBMITTED) or (
        role == Role.STATISTICS and submission.status == Submission.Status.APPROVED
    )


def can_forward(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_reopen(user, submission: Submission) -> bool:
    """A reviewed row, reopened for a correction; a row closed unreported opens for a 补报 instead."""
    return (
        role_of(user) == Role.OFFICE
        and submission.is_locked
        and submission.status != Submission.Status.CLOSED
    )


def can_open_late_report(user, submission: Submission) -> bool:
    """A row closed unreported when its month was forwarded: the office opens it for a 补报."""
    return role_of(user) == Role.OFFICE and submission.status == Submission.Status.CLOSED


def can_view_dashboards(user) -> bool:
    """The leaders' dashboards (驾驶舱): read-only, for everyone who reads all figures."""
    return role_of(user) in READ_ALL_ROLES


def can_export_reports(user) -> bool:
    """The exports page, the monthly report and the responsibility matrix: who reads every unit's figures.

    Every URL that hands out one of these files asks here; the three administrators never may.
    """
    return role_of(user) in READ_ALL_ROLES


def can_export_notice_list(user) -> bool:
    """The task force's notice list (通报名单) as a spreadsheet: the office's to circulate."""
    return role_of(user) == Role.OFFICE


def can_change_status_rule(user) -> bool:
    """The year's red-amber-green thresholds are set by the office, in the admin."""
    return role_of(user) == Role.OFFICE and user.is_staff


def _not_found(exists: bool, message: str) -> Http404:
    """The same page either way; only a refusal of something that exists is audited."""
    return OutOfScope(message) if exists else Http404(message)


def get_submission_for_user(user, pk: int) -> Submission:
    """Fetch and check together: 404 outside the user's scope (OutOfScope: audited), or unknown."""
    submission = (
        visible_submissions(user)
        .select_related("reporting_month__plan_year", "task_row__project__tier", "task_row__lead_unit")
        .prefetch_related("task_row__parties")
        .filter(pk=pk)
        .first()
    )
    if submission is None:
        raise _not_found(Submission.objects.filter(pk=pk).exists(), _("找不到该报送，或您无权查看。"))
    return submission


# --- Target adjustments, year-end evaluation and unit scores (projects.targets, evaluation) ---------
# A liaison acts for the rows its unit leads (lead or co-lead, as `leads_row`); the office reviews
# adjustments, records the county government's decisions, returns self-evaluations, runs the public
# notice and sets the score weights; the statistics bureau certifies final figures; the leader reads.


def can_file_adjustment(user, task_row: TaskRow) -> bool:
    return leads_row(unit_of(user), task_row)


def can_review_adjustment(user, adjustment) -> bool:
    return role_of(user) == Role.OFFICE and adjustment.status == "submitted"


def can_record_adjustment_decision(user, adjustment) -> bool:
    return role_of(user) == Role.OFFICE and adjustment.status == "reviewed"


def visible_adjustments(user) -> QuerySet:
    role = role_of(user)
    if role in READ_ALL_ROLES:
        return TargetAdjustment.objects.all()
    if role == Role.LIAISON:
        return TargetAdjustment.objects.filter(unit=unit_of(user))
    return TargetAdjustment.objects.none()


def get_adjustment_for_user(user, pk: int):
    """Fetch and check together: 404 outside the user's scope."""
    adjustment = visible_adjustments(user).select_related("plan_year", "unit").filter(pk=pk).first()
    if adjustment is None:
        exists = TargetAdjustment.objects.filter(pk=pk).exists()
        raise _not_found(exists, _("找不到该调整申请，或您无权查看。"))
    return adjustment


def can_read_evaluation(user, task_row: TaskRow) -> bool:
    return role_of(user) in READ_ALL_ROLES or leads_row(unit_of(user), task_row)


def get_evaluation_row_for_user(user, pk: int) -> TaskRow:
    """A task row's year-end evaluation page: 404 for anyone but the readers and the row's lead unit."""
    task_row = (
        TaskRow.objects.select_related("project__tier__plan_year", "lead_unit")
        .prefetch_related("parties")
        .filter(pk=pk)
        .first()
    )
    if task_row is None or not can_read_evaluation(user, task_row):
        raise _not_found(task_row is not None, _("找不到该任务，或您无权查看。"))
    return task_row


def can_edit_self_evaluation(user, task_row: TaskRow, self_evaluation=None) -> bool:
    return leads_row(unit_of(user), task_row) and (self_evaluation is None or self_evaluation.is_open)


def can_return_self_evaluation(user, self_evaluation) -> bool:
    return role_of(user) == Role.OFFICE and self_evaluation is not None and self_evaluation.is_submitted


def can_certify(user) -> bool:
    return role_of(user) == Role.STATISTICS


def can_manage_notice(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_read_scores(user) -> bool:
    return role_of(user) in READ_ALL_ROLES


def can_read_unit_score(user, unit: Unit) -> bool:
    own = unit_of(user)
    return can_read_scores(user) or (own is not None and own.pk == unit.pk)


def can_set_score_weights(user) -> bool:
    return role_of(user) == Role.OFFICE
