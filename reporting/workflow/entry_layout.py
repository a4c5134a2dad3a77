"""How a unit's monthly sheet is laid out for entry (本月填报), first of all on a phone.

The rows where the unit has figures to fill come first; the rows where it only reports
progress (funds, progress, problems: the row's indicators are the lead unit's) are set apart.
Each figure shows the unit's own share of the target where an approved adjustment allocated
one, with the county's target in force beside it. The rows still open are named, counted
from what the form holds: after a refused save, from the values now in its fields.
"""

from dataclasses import dataclass

from projects.models import Indicator
from projects.targets import target_display, targets_for_month, unit_shares_for_month
from reporting.models import ReportingMonth
from reporting.selectors import EntryRow


def split_rows(sheet: list[EntryRow]) -> tuple[list[EntryRow], list[EntryRow]]:
    """(rows with figures for the unit, rows where it only reports progress), each in plan order."""
    with_figures = [row for row in sheet if row.indicators]
    progress_only = [row for row in sheet if not row.indicators]
    return with_figures, progress_only


def missing_indicators(row: EntryRow, typed: dict[int, str] | None = None) -> list[Indicator]:
    """The unit's indicators of an open row that are still blank.

    `typed` (indicator id → the value, or the stage of a milestone, as posted) is what the form
    holds when a refused save is shown again; without it, what is stored counts.
    """
    if not row.is_open:
        return []
    if typed is None:
        return row.missing
    return [item for item in row.indicators if not (typed.get(item.pk) or "").strip()]


def submits_nothing(sheet: list[EntryRow]) -> bool:
    """The unit leads none of its rows (a township): its lead units submit what it enters."""
    return bool(sheet) and not any(row.is_lead for row in sheet)


def saved_row(*, written: list[int], asked: str = "") -> int | None:
    """The row to come back to after a save: the one submitted, else the last one written."""
    if asked.isdigit() and int(asked) in written:
        return int(asked)
    return written[-1] if written else None


@dataclass(frozen=True)
class UnitTarget:
    """What the unit is asked for (its share, "" when none was allocated) and the county's target."""

    own: str
    county: str


def unit_targets(*, unit, reporting_month: ReportingMonth, sheet: list[EntryRow]) -> dict[int, UnitTarget]:
    """Indicator id → its UnitTarget in the month, for every indicator on the sheet; two queries."""
    plan_year, month = reporting_month.plan_year, reporting_month.month
    in_force = targets_for_month(plan_year=plan_year, month=month)
    shares = unit_shares_for_month(unit=unit, plan_year=plan_year, month=month)
    targets = {}
    for row in sheet:
        for item in row.indicators:
            county = target_display(item, in_force.get(item.pk, item.target_value))
            share = shares.get(item.pk)
            own = f"{item.format_number(share)}{item.measure}" if share is not None else ""
            targets[item.pk] = UnitTarget(own=own, county=county)
    return targets
