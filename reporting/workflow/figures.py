"""Writing figures by value (the API, the exchange): grouped into units' monthly sheets and saved through
`data_entry.write_month_sheet`, the one write of the entry form and the Excel import too.

So a value sent by a machine meets the same validation, lock rule, messages and history as one
typed into the form. Each unit's month is saved whole or not at all; with `all_or_nothing` (the
default) every unit and month of the call is, too. A value names one indicator; the unit's other
figures of the same row are checked with it as stored, as the form would check them, and its
row's funds and texts are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from core.numbers import NotANumber, read_decimal
from projects.models import Indicator, Unit
from reporting.models import Contribution, ReportingMonth
from reporting.workflow import data_entry
from reporting.workflow.errors import ConflictError, LockedError
from reporting.workflow.validation import FUNDS_KEY, PROBLEMS_KEY, PROGRESS_KEY, FigureInput

ROW_FIELDS = {FUNDS_KEY: _("投入资金"), PROGRESS_KEY: _("进展情况"), PROBLEMS_KEY: _("存在问题")}


@dataclass
class ValueInput:
    """One value to write, as sent: `index` is its place in the request."""

    index: int
    unit: Unit
    reporting_month: ReportingMonth
    indicator: Indicator
    raw_value: str = ""
    raw_stage: str = ""
    explanation: str = ""


@dataclass
class GroupOutcome:
    unit: Unit
    reporting_month: ReportingMonth
    indexes: list[int]
    state: str = "saved"  # saved, unchanged, invalid, locked, refused
    message: str = ""
    changed: int = 0
    warnings: list[dict] = field(default_factory=list)


@dataclass
class WriteOutcome:
    groups: list[GroupOutcome] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {index, message}
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and all(group.state in ("saved", "unchanged") for group in self.groups)


class _RollBack(Exception):
    pass


def write_figures(
    *, actor, values: list[ValueInput], dry_run: bool = False, all_or_nothing: bool = True
) -> WriteOutcome:
    """Write `values` as `actor`; the caller has checked that it may write for each value's unit.

    With `all_or_nothing`, LockedError and PermissionDenied propagate (nothing written) and a
    validation error anywhere writes nothing; otherwise each unit's month stands on its own.
    """
    groups: dict[tuple[int, int], list[ValueInput]] = {}
    for value in values:
        groups.setdefault((value.unit.pk, value.reporting_month.pk), []).append(value)
    outcome = WriteOutcome()
    try:
        with transaction.atomic():
            for items in groups.values():
                group = _write_group(actor, items, dry_run=dry_run, strict=all_or_nothing, outcome=outcome)
                outcome.groups.append(group)
            if all_or_nothing and not outcome.ok:
                raise _RollBack
    except _RollBack:
        for group in outcome.groups:
            if group.state == "saved":
                group.state, group.changed = "unchanged", 0
    outcome.written = not dry_run and any(
        group.state == "saved" and group.changed for group in outcome.groups
    )
    return outcome


def _write_group(actor, items: list[ValueInput], *, dry_run: bool, strict: bool, outcome) -> GroupOutcome:
    unit, month = items[0].unit, items[0].reporting_month
    group = GroupOutcome(unit, month, [item.index for item in items])
    try:
        with transaction.atomic():
            for attempt in (1, 2):
                try:
                    results, entries = _save(actor, unit, month, items, dry_run=dry_run)
                    break
                except ConflictError:
                    # Another writer created the same unit's part meanwhile: read it again, once.
                    if attempt == 2:
                        raise
            by_indicator = {item.indicator.pk: item.index for item in items}
            for result in results.values():
                for key, message in result.errors.items():
                    if key in by_indicator:
                        outcome.errors.append({"index": by_indicator[key], "message": message})
                    elif key in ROW_FIELDS:
                        outcome.errors.append(
                            {"index": items[0].index, "message": f"{ROW_FIELDS[key]}：{message}"}
                        )
                    else:  # a stored figure of the same row no longer passes
                        name = Indicator.objects.filter(pk=key).values_list("name", flat=True).first()
                        outcome.errors.append({"index": items[0].index, "message": f"{name}：{message}"})
                for key, message in result.warnings.items():
                    if key in by_indicator:
                        group.warnings.append({"index": by_indicator[key], "message": message})
            if any(not result.ok for result in results.values()):
                group.state = "invalid"
                raise _RollBack
            group.changed = entries
            group.state = "saved" if entries else "unchanged"
    except _RollBack:
        pass
    except (LockedError, PermissionDenied) as exc:
        if strict:
            raise
        group.state = "locked" if isinstance(exc, LockedError) else "refused"
        group.message = str(exc)
    return group


def _save(actor, unit, month, items: list[ValueInput], *, dry_run: bool) -> tuple[dict, int]:
    """Save one unit's month; returns (results by row, number of rows that would change)."""
    rows = {}
    for item in items:
        rows.setdefault(item.indicator.task_row_id, (item.indicator.task_row, []))[1].append(item)
    stored = {
        contribution.submission.task_row_id: contribution
        for contribution in Contribution.objects.filter(
            submission__reporting_month=month, submission__task_row_id__in=list(rows), unit=unit
        )
        .select_related("submission")
        .prefetch_related("figures__indicator")
    }
    entries = []
    for row_id, (task_row, row_items) in rows.items():
        given = {item.indicator.pk for item in row_items}
        inputs = [
            FigureInput(
                indicator=item.indicator,
                raw_value=item.raw_value,
                raw_stage=item.raw_stage,
                explanation=item.explanation,
            )
            for item in row_items
        ]
        contribution = stored.get(row_id)
        if contribution is not None:
            for figure in contribution.figures.all():
                if figure.indicator_id not in given:
                    inputs.append(_as_typed(figure))
        entries.append(
            data_entry.SheetEntry(
                task_row=task_row,
                expected_version=None,
                inputs=inputs,
                funds=""
                if contribution is None or contribution.funds_invested is None
                else str(contribution.funds_invested),
                progress=contribution.progress if contribution else "",
                problems=contribution.problems if contribution else "",
            )
        )
    before = _fingerprint(unit, month, list(rows))
    results = data_entry.write_month_sheet(
        actor=actor, unit=unit, reporting_month=month, entries=entries, dry_run=dry_run
    )
    if dry_run:
        changed = _would_change(stored, rows)
    else:
        changed = _changed_rows(before, _fingerprint(unit, month, list(rows)))
    return results, changed


def _as_typed(figure) -> FigureInput:
    indicator = figure.indicator
    return FigureInput(
        indicator=indicator,
        raw_value=indicator.format_number(figure.value) if figure.value is not None else "",
        raw_stage="" if figure.stage is None else str(figure.stage),
        explanation=figure.explanation,
    )


def _fingerprint(unit, month, row_ids) -> dict:
    return dict(
        Contribution.objects.filter(
            submission__reporting_month=month, submission__task_row_id__in=row_ids, unit=unit
        ).values_list("submission__task_row_id", "version")
    )


def _changed_rows(before: dict, after: dict) -> int:
    return sum(1 for row_id, version in after.items() if before.get(row_id) != version)


def _would_change(stored: dict, rows: dict) -> int:
    """Rows where a value differs from the stored figure (what a dry run would write)."""
    count = 0
    for row_id, (_task_row, row_items) in rows.items():
        contribution = stored.get(row_id)
        existing = (
            {figure.indicator_id: figure for figure in contribution.figures.all()} if contribution else {}
        )
        if any(_differs(existing.get(item.indicator.pk), item) for item in row_items):
            count += 1
    return count


def _differs(figure, item: ValueInput) -> bool:
    try:
        value = read_decimal(item.raw_value)
    except NotANumber:
        return True
    stage = int(item.raw_stage) if item.raw_stage.strip().isdigit() else None
    if figure is None:
        return value is not None or stage is not None or bool(item.explanation.strip())
    return (figure.value, figure.stage, figure.explanation) != (value, stage, item.explanation.strip())
