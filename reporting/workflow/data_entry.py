"""Entering figures: one unit's month of rows saved whole or not at all (web form, Excel import).

Every function here checks permission through `reporting.access`, works inside one
transaction, and leaves nothing half-written when it refuses.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from audit.signals import record_bulk_history, tracked_values
from core.numbers import NotANumber, read_decimal
from core.permissions import require
from projects import participation
from reporting.increments import previous_counted_values
from reporting.models import Contribution, Figure, ReportingMonth, Submission
from reporting.workflow.errors import CLOSED_MONTH_MESSAGE, LOCKED_MESSAGE, ConflictError, LockedError
from reporting.workflow.validation import (
    FUNDS_KEY,
    PROBLEMS_KEY,
    PROGRESS_KEY,
    TEXT_LIMIT,
    FigureInput,
    ValidationResult,
    text_error,
    validate_figures,
)


def open_submission(*, reporting_month: ReportingMonth, task_row) -> Submission:
    """The row's submission of the month, created on the first figure; none in a closed month."""
    existing = Submission.objects.filter(reporting_month=reporting_month, task_row=task_row).first()
    if existing is not None:
        return existing
    if reporting_month.is_closed:
        raise LockedError(CLOSED_MONTH_MESSAGE)
    submission, _created = Submission.objects.get_or_create(
        reporting_month=reporting_month, task_row=task_row
    )
    return submission


def open_contribution(*, submission: Submission, unit) -> Contribution:
    contribution, _created = Contribution.objects.get_or_create(submission=submission, unit=unit)
    return contribution


def _parse_funds(raw: str) -> tuple[Decimal | None, str | None]:
    try:
        value = read_decimal(raw)
    except NotANumber:
        return None, _("“%(text)s”不是有效的金额。") % {"text": raw.strip()}
    if value is None:
        return None, None
    if value < 0:
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
    """Save one unit's figures for one task row and month, all or nothing: `save_month_sheet` for one row.

    Returns the validation result; when it has errors nothing is written.
    Raises LockedError when the submission is no longer open, ConflictError
    when someone else saved the same contribution since the page was loaded.
    """
    submission = contribution.submission
    entry = SheetEntry(
        task_row=submission.task_row,
        expected_version=expected_version,
        inputs=inputs,
        funds=funds,
        progress=progress,
        problems=problems,
    )
    results = save_month_sheet(
        user=user, unit=contribution.unit, reporting_month=submission.reporting_month, entries=[entry]
    )
    return results.get(submission.task_row_id) or ValidationResult()


def _hold_open(submission_ids: list[int]) -> bool:
    """Keep the submissions open until this transaction ends; False if any is no longer open.

    Every unit taking part in a row saves its own contribution, and a township's monthly form
    touches the same rows as every other township's. On PostgreSQL the savers take a shared row
    lock (FOR SHARE): they do not wait for one another, while submit, approve, return, reopen and
    forward take the row exclusively (`_locked_submission`, select_for_update), so they wait for
    the savers in progress and the savers wait for them, then find the row no longer open. (An
    exclusive lock here made every save of a shared row wait for the whole form of the unit before:
    under load, the saves of 300 liaisons queued one behind another.) SQLite has one writer at a
    time: the conditional update takes its write lock and checks the state in one step.
    """
    wanted = sorted(set(submission_ids))
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Submission._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {table} WHERE id = ANY(%s) AND status = ANY(%s) ORDER BY id FOR SHARE",  # noqa: S608 - a model's table
                [wanted, list(Submission.OPEN_STATUSES)],
            )
            return len(cursor.fetchall()) == len(wanted)
    held = Submission.objects.filter(pk__in=wanted, status__in=Submission.OPEN_STATUSES).update(
        version=F("version") + 1
    )
    return held == len(wanted)


def _differs(
    contribution: Contribution | None, result: ValidationResult, funds, progress: str, problems: str
) -> bool:
    if contribution is None:
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
    """One task row of a unit's monthly form, as posted.

    `expected_version` is the version of the unit's part the page showed (a change since then is a
    conflict); None where no page was shown (the API): the version stored when the write locks it.
    """

    task_row: object
    expected_version: int | None
    inputs: list[FigureInput]
    funds: str = ""
    progress: str = ""
    problems: str = ""

    @property
    def is_blank(self) -> bool:
        typed = [self.funds, self.progress, self.problems]
        typed += [text for item in self.inputs for text in (item.raw_value, item.raw_stage, item.explanation)]
        return not any((text or "").strip() for text in typed)


@dataclass
class _Change:
    """A validated row that differs from what is stored: what `_write_sheet` writes."""

    entry: SheetEntry
    result: ValidationResult
    contribution: Contribution | None
    funds: Decimal | None
    progress: str
    problems: str


def save_month_sheet(*, user, unit, reporting_month: ReportingMonth, entries: list[SheetEntry]) -> dict:
    """Save a unit's whole monthly form (or an imported file), as its liaison: every row or none.

    `write_month_sheet` once the user is known to be the unit's liaison.
    """
    own_unit = roles.unit_of(user)
    require(own_unit is not None and own_unit.pk == unit.pk, _("只能填报本单位的数据。"))
    return write_month_sheet(actor=user, unit=unit, reporting_month=reporting_month, entries=entries)


def write_month_sheet(
    *, actor, unit, reporting_month: ReportingMonth, entries: list[SheetEntry], dry_run: bool = False
) -> dict:
    """The one write of monthly figures: the web form, the Excel import and the API all come here.

    Returns {task_row_id: ValidationResult}; if any row has errors, nothing is written. Reads
    everything it checks in a fixed number of queries, validates, and only then writes, in bulk:
    figures, their history and their audit rows take a few statements for the whole form, not
    a few per figure. Raises PermissionDenied (the unit does not take part in a row), LockedError
    or ConflictError, writing nothing. `actor` is who the history names; the caller has checked
    that it may write for `unit` (the unit's liaison, or an API client allowed to). `dry_run`
    checks everything the write would and writes nothing.
    """
    user = actor
    rows = [entry.task_row for entry in entries]
    prefetch_related_objects(rows, "project")  # skipped where the caller has it
    prefetch_related_objects([reporting_month], "plan_year")
    submissions = {
        item.task_row_id: item
        for item in Submission.objects.filter(reporting_month=reporting_month, task_row__in=rows).order_by()
    }
    contributions = {
        item.submission.task_row_id: item
        for item in Contribution.objects.filter(
            submission__reporting_month=reporting_month, submission__task_row__in=rows, unit=unit
        )
        .select_related("submission")
        .prefetch_related("figures")
    }
    # Untouched rows leave no empty drafts behind.
    entries = [entry for entry in entries if entry.task_row.pk in contributions or not entry.is_blank]
    _check_rows(unit, entries)
    if any(
        entry.task_row.pk in submissions
        and submissions[entry.task_row.pk].status not in Submission.OPEN_STATUSES
        for entry in entries
    ):
        raise LockedError(LOCKED_MESSAGE)
    if reporting_month.is_closed and any(entry.task_row.pk not in submissions for entry in entries):
        raise LockedError(CLOSED_MONTH_MESSAGE)
    previous = {
        indicator_id: value
        for (_unit_id, indicator_id), value in previous_counted_values(
            reporting_month=reporting_month,
            indicator_ids=[item.indicator.pk for entry in entries for item in entry.inputs],
            unit_ids=[unit.pk],
        ).items()
    }
    results, changes = {}, []
    for entry in entries:
        result = validate_figures(entry.inputs, previous_values=previous)
        funds, funds_error = _parse_funds(entry.funds)
        if funds_error:
            result.errors[FUNDS_KEY] = funds_error
        results[entry.task_row.pk] = result
        contribution = contributions.get(entry.task_row.pk)
        progress, problems = entry.progress.strip(), entry.problems.strip()
        for key, text in ((PROGRESS_KEY, progress), (PROBLEMS_KEY, problems)):
            if error := text_error(text, TEXT_LIMIT):
                result.errors[key] = error
        if result.ok and _differs(contribution, result, funds, progress, problems):
            changes.append(_Change(entry, result, contribution, funds, progress, problems))
    if changes and all(result.ok for result in results.values()) and not dry_run:
        with transaction.atomic():
            _write_sheet(
                user=user,
                unit=unit,
                reporting_month=reporting_month,
                changes=changes,
                submissions=submissions,
            )
    return results


def _check_rows(unit, entries: list[SheetEntry]) -> None:
    # {row id: the unit leads it} for the rows the unit takes part in, in one query.
    taking_part = dict(
        participation.rows_of_unit(unit)
        .filter(pk__in=[entry.task_row.pk for entry in entries])
        .annotate(leads=participation.unit_leads(unit))
        .values_list("pk", "leads")
    )
    for entry in entries:
        task_row = entry.task_row
        require(task_row.pk in taking_part, _("本单位不承担该项任务，不能填报。"))
        # Reports and dashboards count a figure under its submission's row: it must be that row's.
        strays = [item.indicator.name for item in entry.inputs if item.indicator.task_row_id != task_row.pk]
        require(
            not strays, _("以下指标不属于该项任务，不能在此填报：%(names)s") % {"names": "、".join(strays)}
        )
        if not taking_part[task_row.pk]:
            foreign = [item.indicator.name for item in entry.inputs if not item.indicator.is_additive]
            require(
                not foreign,
                _("以下指标由牵头单位填报：%(names)s") % {"names": "、".join(foreign)},
            )


def _conflict(contribution_id: int | None) -> ConflictError:
    current = (
        Contribution.objects.select_related("updated_by").filter(pk=contribution_id).first()
        if contribution_id
        else None
    )
    when = current.updated_at if current else timezone.now()
    return ConflictError(
        _("保存冲突：%(who)s 已于 %(when)s 修改了这部分数据。您填写的内容仍保留在页面上，请核对后再次保存。")
        % {
            "who": (current.updated_by if current else None) or _("其他用户"),
            "when": timezone.localtime(when).strftime("%H:%M:%S"),
        }
    )


def _write_sheet(*, user, unit, reporting_month, changes: list[_Change], submissions: dict) -> None:
    """Write the changed rows of a form, inside the caller's transaction."""
    _open_submissions(
        user=user,
        reporting_month=reporting_month,
        task_rows=[change.entry.task_row for change in changes],
        submissions=submissions,
    )
    # The submissions' locks, then the versions of the unit's own parts, then the writes: a
    # concurrent submit, approval or second editor cannot slip in between.
    if not _hold_open([submissions[change.entry.task_row.pk].pk for change in changes]):
        raise LockedError(LOCKED_MESSAGE)
    stored = [change for change in changes if change.contribution is not None]
    versions = dict(
        Contribution.objects.select_for_update()
        .filter(pk__in=[change.contribution.pk for change in stored])
        .values_list("pk", "version")
    )
    for change in stored:
        if change.entry.expected_version is None:  # no page shown: whatever is stored now
            change.entry.expected_version = versions.get(change.contribution.pk, 0)
        if versions.get(change.contribution.pk) != change.entry.expected_version:
            raise _conflict(change.contribution.pk)
    if any(change.contribution is None and change.entry.expected_version for change in changes):
        raise _conflict(None)  # the page showed a part that is no longer there

    now = timezone.now()
    before = {change.contribution.pk: tracked_values(change.contribution) for change in stored}
    created, updated = [], []
    for change in changes:
        submission = submissions[change.entry.task_row.pk]
        contribution = change.contribution or Contribution(submission=submission, unit=unit, version=0)
        contribution.submission = submission
        contribution.unit = unit
        contribution.funds_invested, contribution.progress, contribution.problems = (
            change.funds,
            change.progress,
            change.problems,
        )
        contribution.version = (change.entry.expected_version or 0) + 1
        contribution.updated_by, contribution.updated_at = user, now
        # The unit's own figures replace a lead's 本月无数据 mark on its part.
        contribution.no_data_reason, contribution.no_data_at, contribution.no_data_by = "", None, None
        contribution._change_reason = _change_reason(submission)
        (updated if contribution.pk else created).append(contribution)
        change.contribution = contribution
    if created:
        try:
            # A savepoint: another tab of the same unit may have created the same part meanwhile.
            with transaction.atomic():
                Contribution.objects.bulk_create(created)
        except IntegrityError:
            raise _conflict(None) from None
    if updated:
        Contribution.objects.bulk_update(
            updated,
            [
                "funds_invested",
                "progress",
                "problems",
                "version",
                "updated_by",
                "updated_at",
                "no_data_reason",
                "no_data_at",
                "no_data_by",
            ],
        )
    history = _bulk_history(Contribution, created, user=user) + _bulk_history(
        Contribution, updated, user=user, before=before
    )

    new_figures, changed_figures, figures_before = [], [], {}
    for change in changes:
        contribution = change.contribution
        reason = contribution._change_reason
        existing = (
            {figure.indicator_id: figure for figure in contribution.figures.all()}
            if contribution.pk in before
            else {}
        )
        for clean in change.result.figures:
            figure = existing.get(clean.indicator.pk)
            if figure is not None and (figure.value, figure.stage, figure.explanation) == (
                clean.value,
                clean.stage,
                clean.explanation,
            ):
                continue
            if figure is None:
                figure = Figure(contribution=contribution, indicator=clean.indicator)
                new_figures.append(figure)
            else:
                figure.contribution = contribution
                figures_before[figure.pk] = tracked_values(figure)
                changed_figures.append(figure)
            figure.value, figure.stage, figure.explanation = clean.value, clean.stage, clean.explanation
            figure._change_reason = reason
    Figure.objects.bulk_create(new_figures)
    if changed_figures:
        Figure.objects.bulk_update(changed_figures, ["value", "stage", "explanation"])
    history += _bulk_history(Figure, new_figures, user=user)
    history += _bulk_history(Figure, changed_figures, user=user, before=figures_before)
    record_bulk_history(history, user=user)


def _open_submissions(*, user, reporting_month, task_rows: list, submissions: dict) -> None:
    """Create the submissions not there yet (the first save of a row this month, by any unit)."""
    missing = sorted((row for row in task_rows if row.pk not in submissions), key=lambda row: row.pk)
    if missing:
        try:
            # A savepoint: another unit's first save of the same rows may be creating them too.
            with transaction.atomic():
                created = Submission.objects.bulk_create(
                    [Submission(reporting_month=reporting_month, task_row=row) for row in missing]
                )
        except IntegrityError:
            for row in missing:  # then one by one, taking those the other unit made
                submissions[row.pk] = open_submission(reporting_month=reporting_month, task_row=row)
        else:
            submissions.update((item.task_row_id, item) for item in created)
            record_bulk_history(_bulk_history(Submission, created, user=user), user=user)
    for row in task_rows:
        submission = submissions[row.pk]
        submission.reporting_month, submission.task_row = reporting_month, row


def _change_reason(submission: Submission) -> str:
    # A correction after a return or reopening carries the reviewer's reason into the history.
    if submission.status == Submission.Status.RETURNED and submission.return_reason:
        return _("退回后更正：%(reason)s") % {"reason": submission.return_reason}
    return _("月度填报")


def _bulk_history(model, objects: list, *, user, before: dict | None = None) -> list[tuple]:
    """History rows for objects written in bulk, with what `record_bulk_history` needs."""
    if not objects:
        return []
    for item in objects:
        item._history_user = user
    rows = model.history.bulk_history_create(objects, update=before is not None, default_user=user)
    return [
        (item, row, before[item.pk] if before is not None else None)
        for item, row in zip(objects, rows, strict=True)
    ]
