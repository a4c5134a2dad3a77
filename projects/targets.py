"""Targets in force, month by month: the plan target, and the approved adjustments layered on it.

`Indicator.target_value` is the plan target and never changes with an adjustment; an approved
`TargetAdjustment` layers a new target on top from its effective month on (see its docstring for
the unchanged-total rule). Reports, dashboards and the year-end evaluation ask `targets_for_month`
for the targets of one month (one query), or `target_history` for every step of the year (one
query), and pass the target to `reporting.progress.judge(..., target=...)`; `target_display`
shows it the way `Indicator.target_display` shows the plan's. Filing, reviewing and deciding an
adjustment (指标调整) is `evaluation.adjustments`.
"""

import copy
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from projects import participation
from projects.models import (
    ADDITIVE_KINDS,
    Indicator,
    PlanYear,
    TargetAdjustment,
    TargetAdjustmentLine,
    TaskRowParty,
    Unit,
)

# An approved adjustment of the indicator as a whole (not one unit's share) replaces the target from
# its effective month on; of several, the latest effective month wins, then the latest recorded.
IN_FORCE_ORDER = ("-adjustment__effective_month", "-adjustment__recorded_at", "-adjustment_id")


def adjusted_target(*, month: int, indicator=None) -> Subquery:
    """The approved adjustment's target in force in `month`, as a subquery over indicators.

    NULL where no adjustment applies: the plan target stands. `indicator` is the outer reference
    (default: the pk of the indicator queryset it annotates).
    """
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month!r}")
    return Subquery(
        TargetAdjustmentLine.objects.filter(
            indicator=indicator if indicator is not None else OuterRef("pk"),
            unit__isnull=True,
            adjustment__status=TargetAdjustment.Status.APPROVED,
            adjustment__effective_month__lte=month,
        )
        .order_by(*IN_FORCE_ORDER)
        .values("new_target")[:1]
    )


def target_in_force(*, planned: Decimal | None, adjusted: Decimal | None) -> Decimal | None:
    """The plan target unless an approved adjustment replaced it."""
    return adjusted if adjusted is not None else planned


def targets_for_month(*, plan_year: PlanYear, month: int) -> dict[int, Decimal | None]:
    """Indicator id → the target in force in `month` of the plan year, in one query.

    The plan target, unless an approved adjustment with an effective month on or before `month`
    replaced it; None where the target is still pending (待下达) or the indicator has none
    (milestones, "improve on baseline"). Every indicator of the year has a key.
    """
    rows = (
        Indicator.objects.filter(task_row__project__tier__plan_year=plan_year)
        .annotate(adjusted=adjusted_target(month=month))
        .values_list("pk", "target_value", "adjusted")
    )
    return {pk: target_in_force(planned=planned, adjusted=adjusted) for pk, planned, adjusted in rows}


def unit_shares_for_month(*, unit: Unit, plan_year: PlanYear, month: int) -> dict[int, Decimal]:
    """Indicator id → the unit's own share of its target in force in `month`, in one query.

    A share is a unit line of an approved adjustment (per responsible unit); the same rule as the
    indicator's target picks the one in force: the latest effective month on or before `month`,
    then the latest recorded. Indicators with no share for the unit have no key.
    """
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month!r}")
    lines = (
        TargetAdjustmentLine.objects.filter(
            unit=unit,
            adjustment__plan_year=plan_year,
            adjustment__status=TargetAdjustment.Status.APPROVED,
            adjustment__effective_month__lte=month,
        )
        .order_by("indicator_id", *IN_FORCE_ORDER)
        .values_list("indicator_id", "new_target")
    )
    shares: dict[int, Decimal] = {}
    for indicator_id, share in lines:
        shares.setdefault(indicator_id, share)  # the first of each indicator is the one in force
    return shares


def target_at(steps: list["TargetStep"], *, planned: Decimal | None, month: int) -> Decimal | None:
    """The target in force in `month`, from an indicator's steps of `target_history` (already loaded)."""
    target = planned
    for step in steps:
        if step.month <= month:
            target = step.target
    return target


def target_display(indicator: Indicator, target: Decimal | None) -> str:
    """Like `Indicator.target_display`, for the target in force rather than the plan's."""
    if target == indicator.target_value:
        return indicator.target_display
    shown = copy.copy(indicator)
    shown.target_value = target
    return shown.target_display


@dataclass(frozen=True)
class TargetStep:
    """From `month` on, `target`, by `adjustment` (None for the plan itself)."""

    month: int
    target: Decimal | None
    adjustment: TargetAdjustment | None


def target_history(*, plan_year: PlanYear) -> dict[Indicator, list[TargetStep]]:
    """Adjusted indicators → the plan target, then each approved change in the order it applies."""
    lines = (
        TargetAdjustmentLine.objects.filter(
            adjustment__plan_year=plan_year,
            adjustment__status=TargetAdjustment.Status.APPROVED,
            unit__isnull=True,
        )
        .select_related("adjustment__unit", "indicator__task_row__project__tier")
        .order_by("indicator_id", *(field.removeprefix("-") for field in IN_FORCE_ORDER))
    )
    history: dict[Indicator, list[TargetStep]] = {}
    for line in lines:
        steps = history.setdefault(line.indicator, [TargetStep(1, line.indicator.target_value, None)])
        steps.append(TargetStep(line.adjustment.effective_month, line.new_target, line.adjustment))
    return history


def adjustable_indicators(*, unit: Unit, plan_year: PlanYear) -> QuerySet:
    """The counted indicators of rows the unit leads (as lead or co-lead), in plan order."""
    return (
        Indicator.objects.filter(task_row__project__tier__plan_year=plan_year, kind__in=ADDITIVE_KINDS)
        .filter(participation.leads_q(unit, prefix="task_row__"))
        .select_related("task_row__project__tier", "task_row__lead_unit", "parent")
        .prefetch_related(
            Prefetch("task_row__parties", queryset=TaskRowParty.objects.select_related("unit", "group"))
        )
        .order_by(
            "task_row__project__tier__position", "task_row__project__number", "task_row__position", "position"
        )
    )


def adjustment_lines(adjustment: TargetAdjustment) -> list[TargetAdjustmentLine]:
    return list(
        adjustment.lines.select_related("indicator__task_row__project__tier", "unit").order_by(
            "indicator__task_row__project__tier__position",
            "indicator__task_row__project__number",
            "indicator__task_row__position",
            "indicator__position",
            "unit__name",
        )
    )


# --- the unchanged-total rule -------------------------------------------------------------------
