"""The board: a plan year's indicators judged for the basis month, in a fixed number of queries.

`board()` loads a plan year's indicators, every month's counted figures (`reporting.counting`)
and the state of every submission (the sums are grouped in the database, see
`reporting.progress.year_totals`), then judges each indicator with `reporting.progress.judge`.
Pages filter and group that one result; no status rule is restated here. A month with no
counted figure shows the latest counted one before it with its month (本月未报送), and 本月新增
is `reporting.increments.increment` against the previous counted figure.

Escalation: an indicator behind time progress (amber or red) in two consecutive forwarded
months is flagged for its leader (督办); a flagged indicator in July or later is listed for
the task force's notice (通报).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext

from projects.models import Indicator, PlanYear, Tier
from projects.targets import TargetStep, target_at, target_history
from reporting.counting import COUNTED, FORWARDED
from reporting.dashboards.basis import Basis, dashboard_basis
from reporting.dashboards.lines import (
    NO_LEADER,
    IndicatorLine,
    LeaderGroup,
    Tally,
    has_figure,
    tally,
    worst_first,
)
from reporting.increments import increment
from reporting.models import Submission
from reporting.progress import (
    BEHIND_STATUSES,
    Judgement,
    Thresholds,
    Total,
    judge,
    time_progress,
    year_totals,
)

# --- the board ---------------------------------------------------------------------------------


@dataclass
class Board:
    basis: Basis
    lines: list[IndicatorLine]
    tiers: list[Tier]
    # What the lines were judged from, for a page that shows more of the same indicators.
    year: YearFigures | None = field(default=None, repr=False)

    def overall(self) -> Tally:
        return tally(self.lines, key="", label=gettext("合计"))

    def tier_tallies(self) -> list[Tally]:
        by_tier: dict[int, list[IndicatorLine]] = defaultdict(list)
        for line in self.lines:
            by_tier[line.indicator.task_row.project.tier_id].append(line)
        return [tally(by_tier[tier.pk], key=tier.kind, label=tier.short_name) for tier in self.tiers]

    def behind(self) -> list[IndicatorLine]:
        return worst_first([line for line in self.lines if line.is_behind])

    def flagged(self) -> list[IndicatorLine]:
        return worst_first([line for line in self.lines if line.flagged])

    def notices(self) -> list[IndicatorLine]:
        return worst_first([line for line in self.lines if line.notice])

    def leaders(self) -> list[LeaderGroup]:
        """Each leader in the order the plan first names them; rows with no leader last."""
        groups: dict[str, LeaderGroup] = {}
        for line in self.lines:
            leader = line.task_row.leader
            key = str(leader.pk) if leader else NO_LEADER
            if key not in groups:
                groups[key] = LeaderGroup(key, leader, [])
            groups[key].lines.append(line)
        nobody = groups.pop(NO_LEADER, None)
        return list(groups.values()) + ([nobody] if nobody else [])

    def leader(self, key: str) -> LeaderGroup | None:
        return next((group for group in self.leaders() if group.key == key), None)

    def filtered(
        self,
        *,
        tier: str = "",
        status: str = "",
        leader: str = "",
        unit: int | None = None,
        flag: str = "",
    ) -> list[IndicatorLine]:
        lines = self.lines
        if tier:
            lines = [line for line in lines if line.task_row.project.tier.kind == tier]
        if status == "behind_all":
            lines = [line for line in lines if line.is_behind]
        elif status:
            lines = [line for line in lines if line.status == status]
        if leader == NO_LEADER:
            lines = [line for line in lines if line.task_row.leader_id is None]
        elif leader:
            lines = [line for line in lines if str(line.task_row.leader_id) == leader]
        if unit is not None:
            lines = [line for line in lines if line.task_row.lead_unit_id == unit]
        if flag == "flagged":
            lines = [line for line in lines if line.flagged]
        elif flag == "notice":
            lines = [line for line in lines if line.notice]
        return lines


def _submission_states(
    plan_year: PlanYear, task_row_ids: list[int] | None = None
) -> tuple[dict[tuple[int, int], tuple[int, str]], frozenset[tuple[int, int]]]:
    """(task row id, month) → (submission id, status), and the keys of 补报 rows, in one query."""
    submissions = Submission.objects.filter(reporting_month__plan_year=plan_year)
    if task_row_ids is not None:
        submissions = submissions.filter(task_row_id__in=task_row_ids)
    states, late = {}, set()
    for pk, row_id, month, status, late_report in submissions.order_by().values_list(
        "pk", "task_row_id", "reporting_month__month", "status", "late_report"
    ):
        states[(row_id, month)] = (pk, status)
        if late_report:
            late.add((row_id, month))
    return states, frozenset(late)


def plan_indicators(plan_year: PlanYear):
    return Indicator.objects.filter(task_row__project__tier__plan_year=plan_year).select_related(
        "task_row__project__tier", "task_row__lead_unit", "task_row__leader", "parent"
    )


# Per process, safely: a pure function of the month (no data, no date of today).
@functools.cache
def _elapsed(year: int, month: int) -> Decimal:
    return time_progress(year=year, month=month)


@dataclass
class YearFigures:
    """A plan year's counted figures, submission states and targets in force, held for judging."""

    plan_year: PlanYear
    limits: Thresholds
    totals: dict[tuple[int, int], Total]
    states: dict[tuple[int, int], tuple[int, str]]
    adjusted: dict[int, list[TargetStep]]  # indicator id → plan target, then approved adjustments
    with_figures: bool = True  # False: no month to show, figures and states were not loaded
    late: frozenset[tuple[int, int]] = frozenset()  # (task row id, month) of 补报 rows

    def is_late_report(self, indicator: Indicator, month: int) -> bool:
        return (indicator.task_row_id, month) in self.late

    def state(self, indicator: Indicator, month: int) -> tuple[int | None, str]:
        return self.states.get((indicator.task_row_id, month), (None, ""))

    def total(self, indicator: Indicator, month: int, statuses) -> Total | None:
        """The month's figure if its submission has reached one of `statuses`."""
        _pk, status = self.state(indicator, month)
        return self.totals.get((month, indicator.pk)) if status in statuses else None

    def target(self, indicator: Indicator, month: int) -> Decimal | None:
        """The target in force in the month: the plan's, or an approved adjustment's (指标调整)."""
        return target_at(self.adjusted.get(indicator.pk, []), planned=indicator.target_value, month=month)

    def judge(self, indicator: Indicator, month: int, total: Total | None) -> Judgement:
        return judge(
            indicator,
            value=total.value if total else None,
            stage=total.stage if total else None,
            elapsed=_elapsed(self.plan_year.year, month),
            limits=self.limits,
            target=self.target(indicator, month),
        )

    def latest_counted(self, indicator: Indicator, month: int) -> tuple[int, Total] | None:
        """The latest month before `month` with a counted figure, and that figure (months may be skipped)."""
        for earlier in range(month - 1, 0, -1):
            total = self.total(indicator, earlier, COUNTED)
            if has_figure(total):
                return earlier, total
        return None

    def previous_value(self, indicator: Indicator, month: int) -> Decimal | None:
        """The latest counted cumulative figure before the month: what 本月新增 is taken from."""
        for earlier in range(month - 1, 0, -1):
            total = self.total(indicator, earlier, COUNTED)
            if total is not None and total.value is not None:
                return total.value
        return None

    def behind_run(self, indicator: Indicator, month: int) -> int:
        """How many forwarded months in a row, ending at `month`, the indicator has been behind."""
        run = 0
        for earlier in range(month, 0, -1):
            total = self.total(indicator, earlier, [FORWARDED])
            if total is None or self.judge(indicator, earlier, total).status not in BEHIND_STATUSES:
                break
            run += 1
        return run


def load_year(
    plan_year: PlanYear,
    limits: Thresholds,
    *,
    with_figures: bool,
    indicator_ids: list[int] | None = None,
    task_row_ids: list[int] | None = None,
) -> YearFigures:
    """Three queries with figures (two grouped sums and the submission states), plus one for targets.

    With `indicator_ids` (and their `task_row_ids`), only their figures and their rows' states.
    """
    adjusted = {indicator.pk: steps for indicator, steps in target_history(plan_year=plan_year).items()}
    if not with_figures:
        return YearFigures(plan_year, limits, {}, {}, adjusted, with_figures=False)
    totals = year_totals(plan_year=plan_year, statuses=COUNTED, indicator_ids=indicator_ids)
    states, late = _submission_states(plan_year, task_row_ids)
    return YearFigures(plan_year, limits, totals, states, adjusted, late=late)


def board(
    *,
    plan_year: PlanYear,
    month: int | None = None,
    indicator_ids: list[int] | None = None,
    indicators: list[Indicator] | None = None,
) -> Board:
    """Every indicator of the year judged for the month, with escalation; eight queries.

    With `indicator_ids`, only those indicators (the page of one indicator): the same lines for
    them, without summing and judging the whole year; `IndicatorLine.order` is then their order among them.
    With `indicators`, those already loaded (selected as `plan_indicators` does, in plan order),
    one query fewer. Either way the board has no tiers (`tier_tallies` is for the whole year).
    """
    basis = dashboard_basis(plan_year=plan_year, month=month)
    if indicators is not None:
        indicator_ids = [indicator.pk for indicator in indicators]
    elif indicator_ids is not None:
        indicators = list(plan_indicators(plan_year).filter(pk__in=indicator_ids))
    else:
        indicators = list(plan_indicators(plan_year))
    if indicator_ids is None:
        tiers = list(Tier.objects.filter(plan_year=plan_year).order_by("position"))
        task_row_ids = None
    else:
        tiers = []
        task_row_ids = sorted({indicator.task_row_id for indicator in indicators})
    with_figures = basis.month is not None
    year = load_year(
        plan_year,
        basis.limits,
        with_figures=with_figures,
        indicator_ids=indicator_ids,
        task_row_ids=task_row_ids,
    )
    month = basis.month or 1
    escalation_month = basis.escalation_month
    lines = []
    for order, indicator in enumerate(indicators):
        submission_id, status = year.state(indicator, month)
        total = year.total(indicator, month, basis.statuses) if basis.month else None
        line = IndicatorLine(
            indicator,
            order,
            total,
            year.judge(indicator, month, total),
            submission_id,
            status,
            target=year.target(indicator, month),
        )
        line.late_report = year.is_late_report(indicator, month)
        line.increment = increment(
            indicator, total.value if total else None, year.previous_value(indicator, month)
        )
        if basis.month is not None and not has_figure(total):
            # No counted figure this month (本月未报送): the latest counted one before it, with its month.
            line.latest_month, line.latest = year.latest_counted(indicator, month) or (None, None)
        if escalation_month is not None:
            line.escalation_month = escalation_month
            line.behind_run = year.behind_run(indicator, escalation_month)
        lines.append(line)
    return Board(basis, lines, tiers, year)
