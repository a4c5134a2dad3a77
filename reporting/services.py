"""Writes of the monthly workflow: entering figures, submitting, reviewing, forwarding, reopening.

Every function here checks permission through `reporting.access`, works inside
one transaction, and leaves nothing half-written when it refuses.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from reporting import access
from reporting.deadlines import month_schedule
from reporting.models import Contribution, Figure, ReportingMonth, ReviewEvent, Submission
from reporting.selectors import previous_month_values, submission_snapshot
from reporting.validation import FigureInput, ValidationResult, validate_figures

OPEN_STATUSES = (Submission.Status.DRAFT, Submission.Status.RETURNED)
LOCKED_MESSAGE = _(
    "本月该项数据已提交或已审核锁定，不能修改。如需更正，请联系专班办公室（县人社局）退回或重新打开。"
)


class WorkflowError(Exception):
    """A refused action; the message is for the user, in Chinese."""


class LockedError(WorkflowError):
    pass


class ConflictError(WorkflowError):
    pass


def open_submission(*, reporting_month: ReportingMonth, task_row) -> Submission:
    submission, _created = Submission.objects.get_or_create(
        reporting_month=reporting_month, task_row=task_row
    )
    return submission


def open_contribution(*, submission: Submission, unit) -> Contribution:
    contribution, _created = Contribution.objects.get_or_create(submission=submission, unit=unit)
    return contribution


def _parse_funds(raw: str) -> tuple[Decimal | None, str | None]:
    text = (raw or "").strip().replace(",", "")
    if not text:
        return None, None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, _("“%(text)s”不是有效的金额。") % {"text": raw.strip()}
    if not value.is_finite() or value < 0:
        return None, _("投入资金不能为负数。")
    if value >= Decimal("1e10"):
        return None, _("数值过大。")
    if value != round(value, 2):
        return None, _("投入资金最多保留2位小数（单位：万元）。")
    return value, None


def save_contribution(
    *,
    user,
    contribution: Contribution,
    expected_version: int,
    inputs: list[FigureInput],
    funds: str = "",
    progress: str = "",
    problems: str = "",
) -> ValidationResult:
    """Save one unit's figures for one task row and month, all or nothing.

    Returns the validation result; when it has errors nothing is written.
    Raises LockedError when the submission is no longer open, ConflictError
    when someone else saved the same contribution since the page was loaded.
    """
    submission = contribution.submission
    access.require(access.owns_contribution(user, contribution), _("只能填报本单位的数据。"))
    task_row = submission.task_row
    access.require(access.unit_takes_part(contribution.unit, task_row), _("本单位不承担该项任务，不能填报。"))
    if not access.leads_row(contribution.unit, task_row):
        foreign = [item.indicator.name for item in inputs if not item.indicator.is_additive]
        access.require(
            not foreign,
            _("以下指标由牵头单位填报：%(names)s") % {"names": "、".join(foreign)},
        )
    if submission.status not in OPEN_STATUSES:
        raise LockedError(LOCKED_MESSAGE)
    result = validate_figures(
        inputs,
        previous_values=previous_month_values(
            unit=contribution.unit,
            reporting_month=submission.reporting_month,
            indicator_ids=[item.indicator.pk for item in inputs],
        ),
    )
    funds_value, funds_error = _parse_funds(funds)
    if funds_error:
        result.errors[0] = funds_error
    if not result.ok:
        return result
    if not _differs(contribution, result, funds_value, progress.strip(), problems.strip()):
        return result
    with transaction.atomic():
        # The submission's lock and the conditional update take the row locks and check state in one
        # step, so a concurrent submit, approval or second editor cannot slip in between.
        if not _hold_open(submission.pk):
            raise LockedError(LOCKED_MESSAGE)
        if not Contribution.objects.filter(pk=contribution.pk, version=expected_version).update(
            version=F("version") + 1
        ):
            current = Contribution.objects.select_related("updated_by").get(pk=contribution.pk)
            raise ConflictError(
                _(
                    "保存冲突：%(who)s 已于 %(when)s 修改了这部分数据。"
                    "您填写的内容仍保留在页面上，请核对后再次保存。"
                )
                % {
                    "who": current.updated_by or _("其他用户"),
                    "when": timezone.localtime(current.updated_at).strftime("%H:%M:%S"),
                }
            )
        # A correction after a return or reopening carries the reviewer's reason into the history.
        change_reason = (
            _("退回后更正：%(reason)s") % {"reason": submission.return_reason}
            if submission.status == Submission.Status.RETURNED and submission.return_reason
            else _("月度填报")
        )
        existing = {figure.indicator_id: figure for figure in contribution.figures.all()}
        for clean in result.figures:
            figure = existing.get(clean.indicator.pk) or Figure(
                contribution=contribution, indicator=clean.indicator
            )
            if (
                figure.pk
                and figure.value == clean.value
                and figure.stage == clean.stage
                and figure.explanation == clean.explanation
            ):
                continue
            figure.value, figure.stage, figure.explanation = clean.value, clean.stage, clean.explanation
            figure._change_reason = change_reason
            figure._history_user = user  # also outside a request (imports, commands)
            figure.save()
        contribution.refresh_from_db(fields=["version"])
        contribution.funds_invested = funds_value
        contribution.progress = progress.strip()
        contribution.problems = problems.strip()
        contribution.updated_by = user
        contribution._history_user = user
        contribution.save()
    return result


def _hold_open(submission_id: int) -> bool:
    """Keep the submission open until this transaction ends; False if it is no longer open.

    Every unit taking part in a row saves its own contribution, and a township's monthly form
    touches the same rows as every other township's. On PostgreSQL the savers take a shared row
    lock (FOR SHARE): they do not wait for one another, while submit, approve, return, reopen and
    forward take the row exclusively (`_locked_submission`, select_for_update), so they wait for
    the savers in progress and the savers wait for them, then find the row no longer open. (An
    exclusive lock here made every save of a shared row wait for the whole form of the unit before:
    under load, the saves of 300 liaisons queued one behind another.) SQLite has one writer at a
    time: the conditional update takes its write lock and checks the state in one step.
    """
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Submission._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {table} WHERE id = %s AND status = ANY(%s) FOR SHARE",  # noqa: S608 - a model's table
                [submission_id, list(OPEN_STATUSES)],
            )
            return cursor.fetchone() is not None
    return bool(
        Submission.objects.filter(pk=submission_id, status__in=OPEN_STATUSES).update(version=F("version") + 1)
    )


def _differs(
    contribution: Contribution, result: ValidationResult, funds, progress: str, problems: str
) -> bool:
    if contribution.pk is None:
        return True
    if (contribution.funds_invested, contribution.progress, contribution.problems) != (
        funds,
        progress,
        problems,
    ):
        return True
    existing = {figure.indicator_id: figure for figure in contribution.figures.all()}
    for clean in result.figures:
        figure = existing.get(clean.indicator.pk)
        if figure is None:
            if clean.value is not None or clean.stage is not None or clean.explanation:
                return True
        elif (figure.value, figure.stage, figure.explanation) != (
            clean.value,
            clean.stage,
            clean.explanation,
        ):
            return True
    return False


@dataclass
class SheetEntry:
    """One task row of a unit's monthly form, as posted."""

    task_row: object
    expected_version: int
    inputs: list[FigureInput]
    funds: str = ""
    progress: str = ""
    problems: str = ""

    @property
    def is_blank(self) -> bool:
        typed = [self.funds, self.progress, self.problems]
        typed += [text for item in self.inputs for text in (item.raw_value, item.raw_stage, item.explanation)]
        return not any((text or "").strip() for text in typed)


def save_month_sheet(*, user, unit, reporting_month: ReportingMonth, entries: list[SheetEntry]) -> dict:
    """Save a unit's whole monthly form: every row or none.

    Returns {task_row_id: ValidationResult}; if any row has errors, nothing is kept.
    """
    results = {}
    with transaction.atomic():
        for entry in entries:
            existing = Contribution.objects.filter(
                submission__reporting_month=reporting_month, submission__task_row=entry.task_row, unit=unit
            ).first()
            if existing is None and entry.is_blank:
                continue  # untouched rows leave no empty drafts behind
            submission = open_submission(reporting_month=reporting_month, task_row=entry.task_row)
            contribution = existing or open_contribution(submission=submission, unit=unit)
            contribution.submission = submission
            results[entry.task_row.pk] = save_contribution(
                user=user,
                contribution=contribution,
                expected_version=entry.expected_version,
                inputs=entry.inputs,
                funds=entry.funds,
                progress=entry.progress,
                problems=entry.problems,
            )
        if any(not result.ok for result in results.values()):
            transaction.set_rollback(True)
    return results


def _log(
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


def _locked_submission(submission_id: int) -> Submission:
    return (
        Submission.objects.select_for_update()
        .select_related("reporting_month__plan_year", "task_row__lead_unit")
        .get(pk=submission_id)
    )


def missing_indicators(submission: Submission) -> list[str]:
    snapshot = submission_snapshot(submission)
    filled = {key.split(":")[1] for key, value in snapshot["figures"].items() if value not in (None, "")}
    return [
        indicator.name
        for indicator in submission.task_row.indicators.all()
        if str(indicator.pk) not in filled
    ]


@transaction.atomic
def submit(*, user, submission_id: int, now=None) -> Submission:
    now = now or timezone.now()
    submission = _locked_submission(submission_id)
    if submission.status not in OPEN_STATUSES:
        raise LockedError(_("该报送已提交或已审核，不能重复提交。"))
    access.require(access.can_submit(user, submission), _("只有牵头单位可以提交本行数据。"))
    missing = missing_indicators(submission)
    if missing:
        raise WorkflowError(_("以下指标尚未填报，不能提交：%(names)s") % {"names": "、".join(missing)})
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
    _log(submission, ReviewEvent.Action.SUBMIT, user, now=now, snapshot=submission_snapshot(submission))
    return submission


@transaction.atomic
def return_submission(*, user, submission_id: int, reason: str) -> Submission:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("退回时必须填写退回原因。"))
    submission = _locked_submission(submission_id)
    access.require(access.can_return(user, submission), _("该报送当前状态下您不能退回。"))
    submission.status = Submission.Status.RETURNED
    submission.return_reason = reason
    submission._history_user = user
    submission.save()
    _log(submission, ReviewEvent.Action.RETURN, user, reason=reason)
    return submission


@transaction.atomic
def approve(*, user, submission_id: int) -> Submission:
    submission = _locked_submission(submission_id)
    access.require(access.can_approve(user, submission), _("只有专班办公室可以审核已提交的报送。"))
    submission.status = Submission.Status.APPROVED
    submission._history_user = user
    submission.save()
    _log(submission, ReviewEvent.Action.APPROVE, user, snapshot=submission_snapshot(submission))
    return submission


@transaction.atomic
def verify(*, user, submission_id: int) -> Submission:
    submission = _locked_submission(submission_id)
    access.require(access.can_verify(user, submission), _("只有县统计局可以核验已审核的报送。"))
    submission.status = Submission.Status.VERIFIED
    submission._history_user = user
    submission.save()
    _log(submission, ReviewEvent.Action.VERIFY, user)
    return submission


@transaction.atomic
def forward_month(*, user, reporting_month: ReportingMonth) -> int:
    """Forward every verified submission of the month upstream; they stay locked from then on."""
    access.require(access.can_forward(user), _("只有专班办公室可以报送。"))
    ready = list(
        Submission.objects.select_for_update().filter(
            reporting_month=reporting_month, status=Submission.Status.VERIFIED
        )
    )
    if not ready:
        raise WorkflowError(_("%(month)s没有已审核并已核验的报送，无法上报。") % {"month": reporting_month})
    now = timezone.now()
    for submission in ready:
        submission.status = Submission.Status.FORWARDED
        submission._history_user = user
        submission.save()
        _log(submission, ReviewEvent.Action.FORWARD, user, now=now)
    return len(ready)


@transaction.atomic
def reopen(*, user, submission_id: int, reason: str) -> Submission:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("重新打开时必须填写原因。"))
    submission = _locked_submission(submission_id)
    access.require(access.can_reopen(user, submission), _("只有专班办公室可以重新打开已锁定的数据。"))
    submission.status = Submission.Status.RETURNED
    submission.return_reason = reason
    submission._history_user = user
    submission.save()
    _log(submission, ReviewEvent.Action.REOPEN, user, reason=reason)
    return submission
