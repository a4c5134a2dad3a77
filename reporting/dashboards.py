"""Reads for the leaders' dashboards (驾驶舱), computed live from the database on each request.

`board()` loads a plan year's indicators, every month's reviewed figures and the state of
every submission in a fixed number of queries (the sums are grouped in the database, see
`reporting.progress.year_totals`), then judges each indicator with `reporting.progress.judge`.
Pages filter and group that one result; no status rule is restated here.

Which figures: those of the latest month with forwarded figures (已报送). While a year has
no forwarded month, the latest month with approved figures stands in, and the page says so.

Escalation: an indicator behind time progress (amber or red) in two consecutive forwarded
months is flagged for its leader (督办); a flagged indicator in July or later is listed for
the task force's notice (通报).

Timeliness: for each lead unit and month, whether its rows were submitted on time, late, not
at all, or sent back by a reviewer.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.models import Indicator, Person, PlanYear, Tier, Unit
from projects.targets import TargetStep, target_display, target_history
from reporting.calendar.deadlines import MONTHS, year_schedule
from reporting.models import Contribution, Figure, ReviewEvent, Submission
from reporting.progress import (
    BEHIND_STATUSES,
    COLOUR,
    SEVERITY,
    Judgement,
    Status,
    Thresholds,
    Total,
    judge,
    thresholds_for,
    time_progress,
    year_totals,
)

FORWARDED = Submission.Status.FORWARDED
# Figures a reviewer has passed: approved by the office, verified, or forwarded.
REVIEWED = [Submission.Status.APPROVED, Submission.Status.VERIFIED, Submission.Status.FORWARDED]
ESCALATION_RUN = 2  # consecutive forwarded months behind before the leader is alerted
NOTICE_FROM_MONTH = 7  # from the third quarter a flagged indicator goes on the notice list
NO_LEADER = "none"

# The order the tallies are shown in.
TALLY_ORDER = [
    Status.DONE,
    Status.ON_TRACK,
    Status.BEHIND,
    Status.SERIOUSLY_BEHIND,
    Status.NOT_STARTED,
    Status.PENDING,
]


def month_label(year: int, month: int) -> str:
    return gettext("%(year)s年%(month)s月") % {"year": year, "month": month}


# --- which month, which figures ----------------------------------------------------------------


@dataclass(frozen=True)
class MonthData:
    """How far a month's submissions have gone."""

    month: int
    forwarded: int = 0
    approved: int = 0  # approved or verified, not forwarded yet
    submitted: int = 0  # submitted at least once


@dataclass(frozen=True)
class Basis:
    """The month a dashboard shows and the figures it counts."""

    plan_year: PlanYear
    month: int | None
    forwarded: bool  # forwarded figures only; otherwise every reviewed figure
    chosen: bool  # the user picked the month
    limits: Thresholds
    months: tuple[MonthData, ...]

    @property
    def statuses(self) -> list[str]:
        return [FORWARDED] if self.forwarded else REVIEWED

    @property
    def elapsed(self) -> Decimal | None:
        return time_progress(year=self.plan_year.year, month=self.month) if self.month else None

    @property
    def label(self) -> str:
        return month_label(self.plan_year.year, self.month) if self.month else ""

    @property
    def escalation_month(self) -> int | None:
        """The latest forwarded month up to the one shown: escalation counts forwarded months only."""
        if self.month is None:
            return None
        return max(
            (item.month for item in self.months if item.forwarded and item.month <= self.month), default=None
        )

    @property
    def query(self) -> str:
        """The query string that keeps the same year and month on linked pages."""
        text = f"year={self.plan_year.year}"
        return f"{text}&month={self.month}" if self.month else text

    @property
    def explanation(self) -> str:
        """What the figures are, in one plain sentence."""
        if self.month is None:
            return gettext("本年度尚无审核通过的月度数据，暂无可统计的内容。")
        words = {"month": self.label}
        if self.forwarded:
            return gettext("以下为%(month)s已报送的数据（统计截至当月20日）。") % words
        has_reviewed = any(item.month == self.month and item.approved for item in self.months)
        if not has_reviewed:
            return gettext("%(month)s尚无审核通过的数据，各指标显示为未报送。") % words
        if self.chosen:
            return (
                gettext("%(month)s的数据尚未报送，以下为已审核（尚未报送）的数据，报送后以报送数据为准。")
                % words
            )
        return (
            gettext(
                "本年度尚无已报送的月份，以下暂按最近有审核通过数据的%(month)s计算（已审核，尚未报送），"
                "报送后以报送数据为准。"
            )
            % words
        )


def month_data(*, plan_year: PlanYear) -> tuple[MonthData, ...]:
    """Per month with any submission: how many are forwarded, approved, submitted. One query."""
    rows = (
        Submission.objects.filter(reporting_month__plan_year=plan_year)
        .values("reporting_month__month")
        .annotate(
            forwarded=Count("pk", filter=Q(status=FORWARDED)),
            approved=Count(
                "pk", filter=Q(status__in=[Submission.Status.APPROVED, Submission.Status.VERIFIED])
            ),
            submitted=Count("pk", filter=Q(first_submitted_at__isnull=False)),
        )
        .order_by("reporting_month__month")
    )
    return tuple(
        MonthData(row["reporting_month__month"], row["forwarded"], row["approved"], row["submitted"])
        for row in rows
    )


def dashboard_basis(*, plan_year: PlanYear, month: int | None = None) -> Basis:
    """The chosen month, else the latest forwarded month, else the latest approved month."""
    months = month_data(plan_year=plan_year)
    limits = thresholds_for(plan_year)
    chosen = month in MONTHS
    if not chosen:
        forwarded = [item.month for item in months if item.forwarded]
        approved = [item.month for item in months if item.approved]
        month = max(forwarded, default=None) or max(approved, default=None)
    has_forwarded = any(item.month == month and item.forwarded for item in months)
    return Basis(plan_year, month, has_forwarded, chosen, limits, months)


# --- one indicator, judged ---------------------------------------------------------------------


@dataclass
class Line:
    """One indicator as the dashboards show it for the basis month."""

    indicator: Indicator
    order: int  # plan order
    total: Total | None  # None: no figure on the basis for the month
    judgement: Judgement
    submission_id: int | None = None  # the submission behind the figure
    submission_status: str = ""
    increment: Decimal | None = None  # the month's increase of a cumulative figure
    behind_run: int = 0  # consecutive forwarded months behind, ending at the escalation month
    escalation_month: int | None = None
    target: Decimal | None = None  # in force for the month, after any approved adjustment

    @property
    def target_adjusted(self) -> bool:
        return self.target != self.indicator.target_value

    @property
    def target_display(self) -> str:
        return target_display(self.indicator, self.target)

    @property
    def task_row(self):
        return self.indicator.task_row

    @property
    def counted(self) -> bool:
        """An "of which" figure is judged but not counted again in the tallies."""
        return self.indicator.kind != Indicator.Kind.SUBSET

    @property
    def reported(self) -> bool:
        return self.total is not None

    @property
    def status(self) -> Status:
        return self.judgement.status

    @property
    def colour(self) -> str:
        return COLOUR[self.status]

    @property
    def severity(self) -> int:
        return SEVERITY.index(self.status)

    @property
    def is_behind(self) -> bool:
        return self.status in BEHIND_STATUSES

    @property
    def flagged(self) -> bool:
        return self.behind_run >= ESCALATION_RUN

    @property
    def notice(self) -> bool:
        return self.flagged and (self.escalation_month or 0) >= NOTICE_FROM_MONTH

    @property
    def behind_since(self) -> int | None:
        if not self.behind_run or self.escalation_month is None:
            return None
        return self.escalation_month - self.behind_run + 1

    @property
    def value_display(self) -> str:
        return _total_text(self.indicator, self.total)

    @property
    def increment_display(self) -> str:
        return _signed(self.indicator, self.increment)

    @property
    def bar(self) -> Decimal:
        """The completion rate drawn on a 0–100 bar."""
        completion = self.judgement.completion
        return max(Decimal(0), min(Decimal(100), completion)) if completion is not None else Decimal(0)

    def sort_key(self):
        gap = self.judgement.gap if self.judgement.gap is not None else Decimal(-1000)
        return (self.severity, -gap, self.order)


def _total_text(indicator: Indicator, total: Total | None) -> str:
    """A figure as the pages show it: a stage's name, or the number with its measure."""
    if total is None:
        return ""
    if indicator.kind == Indicator.Kind.MILESTONE:
        return Indicator.Stage(total.stage).label if total.stage is not None else ""
    if total.value is None:
        return ""
    return f"{indicator.format_number(total.value)}{indicator.measure}"


def _signed(indicator: Indicator, value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{'+' if value >= 0 else ''}{indicator.format_number(value)}"


def worst_first(lines: list[Line]) -> list[Line]:
    return sorted(lines, key=Line.sort_key)


# --- tallies -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TallyCell:
    status: Status
    count: int
    x: Decimal  # left edge on a 0–100 bar
    width: Decimal

    @property
    def label(self) -> str:
        return self.status.label

    @property
    def colour(self) -> str:
        return COLOUR[self.status]


@dataclass
class Tally:
    """How many indicators are in each status; "of which" indicators are left out."""

    key: str
    label: str
    counts: dict[Status, int]
    others: int = 0  # "of which" indicators, judged but not counted

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def behind(self) -> int:
        return sum(self.counts[status] for status in BEHIND_STATUSES)

    def count(self, status: Status) -> int:
        return self.counts[status]

    @property
    def cells(self) -> list[TallyCell]:
        cells, x = [], Decimal(0)
        for status in TALLY_ORDER:
            count = self.counts[status]
            width = (
                (Decimal(count) * 100 / self.total).quantize(Decimal("0.01")) if self.total else Decimal(0)
            )
            cells.append(TallyCell(status, count, x, width))
            x += width
        return cells


def tally(lines: list[Line], *, key: str = "", label: str = "") -> Tally:
    counts = dict.fromkeys(TALLY_ORDER, 0)
    others = 0
    for line in lines:
        if line.counted:
            counts[line.status] += 1
        else:
            others += 1
    return Tally(key, label, counts, others)


# --- groups ------------------------------------------------------------------------------------


@dataclass
class RowGroup:
    """A task row and its indicators, judged by its worst indicator."""

    task_row: object
    lines: list[Line]

    @property
    def worst(self) -> Line:
        return min(self.lines, key=Line.sort_key)

    @property
    def status(self) -> Status:
        return self.worst.status

    @property
    def colour(self) -> str:
        return COLOUR[self.status]

    @property
    def flagged(self) -> int:
        return sum(1 for line in self.lines if line.flagged)


def rows_worst_first(lines: list[Line]) -> list[RowGroup]:
    """Group indicators by task row; the row with the worst indicator first."""
    by_row: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        by_row[line.indicator.task_row_id].append(line)
    groups = [RowGroup(items[0].task_row, items) for items in by_row.values()]
    return sorted(groups, key=lambda group: group.worst.sort_key())


@dataclass
class LeaderGroup:
    key: str  # the person's id, or NO_LEADER
    person: Person | None
    lines: list[Line]

    @property
    def name(self) -> str:
        return self.person.name if self.person else gettext("未明确牵头领导")

    @property
    def tally(self) -> Tally:
        return tally(self.lines, key=self.key, label=self.name)

    @property
    def rows(self) -> list[RowGroup]:
        return rows_worst_first(self.lines)

    @property
    def row_count(self) -> int:
        return len({line.indicator.task_row_id for line in self.lines})

    @property
    def flagged(self) -> int:
        return sum(1 for line in self.lines if line.flagged)

    @property
    def notices(self) -> int:
        return sum(1 for line in self.lines if line.notice)


# --- the board ---------------------------------------------------------------------------------


@dataclass
class Board:
    basis: Basis
    lines: list[Line]
    tiers: list[Tier]
    # What the lines were judged from, for a page that shows more of the same indicators.
    year: _Year | None = field(default=None, repr=False)

    def overall(self) -> Tally:
        return tally(self.lines, key="", label=gettext("合计"))

    def tier_tallies(self) -> list[Tally]:
        by_tier: dict[int, list[Line]] = defaultdict(list)
        for line in self.lines:
            by_tier[line.indicator.task_row.project.tier_id].append(line)
        return [tally(by_tier[tier.pk], key=tier.kind, label=tier.short_name) for tier in self.tiers]

    def behind(self) -> list[Line]:
        return worst_first([line for line in self.lines if line.is_behind])

    def flagged(self) -> list[Line]:
        return worst_first([line for line in self.lines if line.flagged])

    def notices(self) -> list[Line]:
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
    ) -> list[Line]:
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
) -> dict[tuple[int, int], tuple[int, str]]:
    """(task row id, month) → (submission id, status), in one query; only those rows if given."""
    submissions = Submission.objects.filter(reporting_month__plan_year=plan_year)
    if task_row_ids is not None:
        submissions = submissions.filter(task_row_id__in=task_row_ids)
    return {
        (row_id, month): (pk, status)
        for pk, row_id, month, status in submissions.order_by().values_list(
            "pk", "task_row_id", "reporting_month__month", "status"
        )
    }


def plan_indicators(plan_year: PlanYear):
    return Indicator.objects.filter(task_row__project__tier__plan_year=plan_year).select_related(
        "task_row__project__tier", "task_row__lead_unit", "task_row__leader", "parent"
    )


@functools.cache
def _elapsed(year: int, month: int) -> Decimal:
    return time_progress(year=year, month=month)


@dataclass
class _Year:
    """A plan year's reviewed figures, submission states and targets in force, held for judging."""

    plan_year: PlanYear
    limits: Thresholds
    totals: dict[tuple[int, int], Total]
    states: dict[tuple[int, int], tuple[int, str]]
    adjusted: dict[int, list[TargetStep]]  # indicator id → plan target, then approved adjustments
    with_figures: bool = True  # False: no month to show, figures and states were not loaded

    def state(self, indicator: Indicator, month: int) -> tuple[int | None, str]:
        return self.states.get((indicator.task_row_id, month), (None, ""))

    def total(self, indicator: Indicator, month: int, statuses) -> Total | None:
        """The month's figure if its submission has reached one of `statuses`."""
        _pk, status = self.state(indicator, month)
        return self.totals.get((month, indicator.pk)) if status in statuses else None

    def target(self, indicator: Indicator, month: int) -> Decimal | None:
        """The target in force in the month: the plan's, or an approved adjustment's (指标调整)."""
        target = indicator.target_value
        for step in self.adjusted.get(indicator.pk, []):
            if step.month <= month:
                target = step.target
        return target

    def judge(self, indicator: Indicator, month: int, total: Total | None) -> Judgement:
        return judge(
            indicator,
            value=total.value if total else None,
            stage=total.stage if total else None,
            elapsed=_elapsed(self.plan_year.year, month),
            limits=self.limits,
            target=self.target(indicator, month),
        )

    def previous_value(self, indicator: Indicator, month: int) -> Decimal | None:
        """The latest reviewed cumulative figure before the month (months may be skipped)."""
        for earlier in range(month - 1, 0, -1):
            total = self.total(indicator, earlier, REVIEWED)
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


def _load_year(
    plan_year: PlanYear,
    limits: Thresholds,
    *,
    with_figures: bool,
    indicator_ids: list[int] | None = None,
    task_row_ids: list[int] | None = None,
) -> _Year:
    """Three queries with figures (two grouped sums and the submission states), plus one for targets.

    With `indicator_ids` (and their `task_row_ids`), only their figures and their rows' states.
    """
    adjusted = {indicator.pk: steps for indicator, steps in target_history(plan_year=plan_year).items()}
    if not with_figures:
        return _Year(plan_year, limits, {}, {}, adjusted, with_figures=False)
    totals = year_totals(plan_year=plan_year, statuses=REVIEWED, indicator_ids=indicator_ids)
    return _Year(plan_year, limits, totals, _submission_states(plan_year, task_row_ids), adjusted)


def board(
    *,
    plan_year: PlanYear,
    month: int | None = None,
    indicator_ids: list[int] | None = None,
    indicators: list[Indicator] | None = None,
) -> Board:
    """Every indicator of the year judged for the month, with escalation; eight queries.

    With `indicator_ids`, only those indicators (the page of one indicator): the same lines for
    them, without summing and judging the whole year; `Line.order` is then their order among them.
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
    year = _load_year(
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
        line = Line(
            indicator,
            order,
            total,
            year.judge(indicator, month, total),
            submission_id,
            status,
            target=year.target(indicator, month),
        )
        if total is not None and total.value is not None and indicator.is_additive:
            line.increment = total.value - (year.previous_value(indicator, month) or Decimal(0))
        if escalation_month is not None:
            line.escalation_month = escalation_month
            line.behind_run = year.behind_run(indicator, escalation_month)
        lines.append(line)
    return Board(basis, lines, tiers, year)


# --- timeliness --------------------------------------------------------------------------------


class Punctuality(models.TextChoices):
    ON_TIME = "on_time", _("按时")
    LATE = "late", _("逾期")
    RETURNED = "returned", _("被退回")
    MISSING = "missing", _("未报送")
    NOT_DUE = "not_due", _("未到截止日")


@dataclass(frozen=True)
class Cell:
    """A lead unit's rows for one month."""

    month: int
    state: Punctuality
    rows: int
    submitted: int
    late: int
    returned: int
    day: date | None  # submitted (on time, late), returned, or the deadline (missing, not due)
    deadline: date

    @property
    def missing(self) -> int:
        return self.rows - self.submitted

    @property
    def label(self) -> str:
        return self.state.label


@dataclass
class UnitRecord:
    unit: Unit
    rows: int  # task rows the unit leads
    cells: list[Cell] = field(default_factory=list)

    @property
    def late(self) -> int:
        return sum(cell.late for cell in self.cells)

    @property
    def missing(self) -> int:
        return sum(cell.missing for cell in self.cells if cell.state != Punctuality.NOT_DUE)

    @property
    def returned(self) -> int:
        return sum(cell.returned for cell in self.cells)

    @property
    def problems(self) -> int:
        return self.late + self.missing + self.returned

    def cell(self, month: int) -> Cell | None:
        return next((cell for cell in self.cells if cell.month == month), None)


@dataclass
class Timeliness:
    months: list[int]
    units: list[UnitRecord]

    def unit(self, unit_id: int) -> UnitRecord | None:
        return next((record for record in self.units if record.unit.pk == unit_id), None)

    def month_problems(self, month: int) -> dict[str, list[tuple[UnitRecord, Cell]]]:
        """Units late, missing or returned in a month, for the overview."""
        result = {state: [] for state in (Punctuality.MISSING, Punctuality.LATE, Punctuality.RETURNED)}
        for record in self.units:
            cell = record.cell(month)
            if cell is None:
                continue
            if cell.state == Punctuality.MISSING:
                result[Punctuality.MISSING].append((record, cell))
            if cell.late:
                result[Punctuality.LATE].append((record, cell))
            if cell.returned:
                result[Punctuality.RETURNED].append((record, cell))
        return result


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


def timeliness(*, plan_year: PlanYear, today: date | None = None) -> Timeliness:
    """Lead units × months; four queries whatever the number of rows and units."""
    today = today or timezone.localdate()
    units = list(
        Unit.objects.filter(led_task_rows__project__tier__plan_year=plan_year)
        .annotate(rows=Count("led_task_rows"))
        .order_by("name")
    )
    counts = {
        (row["task_row__lead_unit_id"], row["reporting_month__month"]): row
        for row in Submission.objects.filter(reporting_month__plan_year=plan_year)
        .values("task_row__lead_unit_id", "reporting_month__month")
        .annotate(
            submitted=Count("pk", filter=Q(first_submitted_at__isnull=False), distinct=True),
            late=Count("pk", filter=Q(on_time=False), distinct=True),
            returned=Count("pk", filter=Q(events__action=ReviewEvent.Action.RETURN), distinct=True),
            last_submitted=Max("first_submitted_at"),
            last_returned=Max("events__at", filter=Q(events__action=ReviewEvent.Action.RETURN)),
        )
        .order_by()
    }
    schedules = year_schedule(plan_year)
    last = max((month for _unit, month in counts), default=0)
    if today.year == plan_year.year:
        last = max([last] + [item.month for item in schedules if item.submit_deadline < today])
    months = list(range(1, last + 1))
    records = []
    for unit in units:
        record = UnitRecord(unit, unit.rows)
        for month in months:
            deadline = schedules[month - 1].submit_deadline
            row = counts.get((unit.pk, month), {})
            record.cells.append(_cell(month, unit.rows, row, deadline=deadline, due=today > deadline))
        records.append(record)
    records.sort(key=lambda record: (-record.problems, record.unit.name))
    return Timeliness(months, records)


def _cell(month: int, rows: int, counts: dict, *, deadline: date, due: bool) -> Cell:
    submitted, late, returned = counts.get("submitted", 0), counts.get("late", 0), counts.get("returned", 0)
    submitted_on = _local_date(counts.get("last_submitted"))
    if submitted < rows and due:
        state, day = Punctuality.MISSING, deadline
    elif late:
        state, day = Punctuality.LATE, submitted_on
    elif returned:
        state, day = Punctuality.RETURNED, _local_date(counts.get("last_returned"))
    elif submitted >= rows:
        state, day = Punctuality.ON_TIME, submitted_on
    else:
        state, day = Punctuality.NOT_DUE, deadline
    return Cell(month, state, rows, submitted, late, returned, day, deadline)


# --- one unit ----------------------------------------------------------------------------------


def unit_submissions(*, unit: Unit, plan_year: PlanYear) -> list[Submission]:
    """The submissions of the rows a unit leads, month by month; one query."""
    return list(
        Submission.objects.filter(task_row__lead_unit=unit, reporting_month__plan_year=plan_year)
        .select_related("task_row__project__tier", "reporting_month")
        .annotate(times_returned=Count("events", filter=Q(events__action=ReviewEvent.Action.RETURN)))
        .order_by(
            "-reporting_month__month",
            "task_row__project__tier__position",
            "task_row__project__number",
            "task_row__position",
        )
    )


# --- one indicator -----------------------------------------------------------------------------


@dataclass
class MonthPoint:
    month: int
    elapsed: Decimal
    total: Total | None
    submission_id: int | None
    submission_status: str
    judgement: Judgement | None
    increment: Decimal | None
    funds: Decimal | None
    text: str = ""  # the figure as shown, with its measure
    increment_text: str = ""
    target: Decimal | None = None  # in force in the month

    @property
    def forwarded(self) -> bool:
        return self.submission_status == FORWARDED

    @property
    def status_display(self) -> str:
        return Submission.Status(self.submission_status).label if self.submission_status else ""

    @property
    def value(self) -> Decimal | None:
        if self.total is None:
            return None
        return Decimal(self.total.stage) if self.total.stage is not None else self.total.value


def indicator_months(*, indicator: Indicator, basis: Basis, year: _Year | None = None) -> list[MonthPoint]:
    """The indicator's reviewed figure, increment, target and judgement month by month; five queries.

    Pass the `year` of a board whose lines include this indicator (`Board.year`) to reuse what
    it loaded: then one query, for the funds.
    """
    plan_year = basis.plan_year
    if year is None or not year.with_figures:
        year = _load_year(
            plan_year,
            basis.limits,
            with_figures=True,
            indicator_ids=[indicator.pk],
            task_row_ids=[indicator.task_row_id],
        )
    funds = dict(
        Contribution.objects.filter(
            submission__reporting_month__plan_year=plan_year,
            submission__task_row_id=indicator.task_row_id,
            submission__status__in=REVIEWED,
            funds_invested__isnull=False,
        )
        .values("submission__reporting_month__month")
        .annotate(total=Sum("funds_invested"))
        .order_by()
        .values_list("submission__reporting_month__month", "total")
    )
    points, previous = [], None
    for month in MONTHS:
        submission_id, status = year.state(indicator, month)
        total = year.total(indicator, month, REVIEWED)
        increment = None
        if total is not None and total.value is not None and indicator.is_additive:
            increment = total.value - (previous or Decimal(0))
            previous = total.value
        points.append(
            MonthPoint(
                month,
                time_progress(year=plan_year.year, month=month),
                total,
                submission_id,
                status,
                year.judge(indicator, month, total) if total is not None else None,
                increment,
                funds.get(month) if status in REVIEWED else None,
                text=_total_text(indicator, total),
                increment_text=_signed(indicator, increment),
                target=year.target(indicator, month),
            )
        )
    return points


@dataclass(frozen=True)
class Correction:
    """A figure changed after it was first submitted, or a reviewer's return or reopening."""

    at: datetime
    month: int
    what: str
    who: str
    old: str
    new: str
    reason: str


def _figure_text(indicator: Indicator, value, stage) -> str:
    if stage is not None:
        return Indicator.Stage(stage).label
    return indicator.format_number(value) if value is not None else "—"


def _name(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """A user's full name, else the username, from the columns alone (no user: "")."""
    if username is None:
        return ""
    return f"{first_name} {last_name}".strip() or username


def corrections(*, indicator: Indicator, plan_year: PlanYear) -> list[Correction]:
    """The history of corrections of an indicator's figures, newest first; two queries.

    Every historical record of the indicator is read, most of them only to compare with the
    next one: as plain columns, not model instances, which would cost far more than the query.
    """
    records = (
        Figure.history.filter(
            indicator_id=indicator.pk, contribution__submission__reporting_month__plan_year=plan_year
        )
        .order_by("contribution_id", "history_date", "history_id")
        .values_list(
            "contribution_id",
            "history_type",
            "history_date",
            "value",
            "stage",
            "history_change_reason",
            "contribution__submission__first_submitted_at",
            "contribution__submission__reporting_month__month",
            "contribution__unit__name",
            "history_user__first_name",
            "history_user__last_name",
            "history_user__username",
        )
    )
    result, previous = [], None
    for record in records:
        contribution_id, history_type, history_date, value, stage, reason, first_submitted_at = record[:7]
        if (
            previous is not None
            and previous[0] == contribution_id
            and history_type == "~"
            and (value, stage) != (previous[3], previous[4])
            and first_submitted_at is not None
            and history_date > first_submitted_at
        ):
            month, unit_name, first_name, last_name, username = record[7:]
            result.append(
                Correction(
                    at=history_date,
                    month=month,
                    what=gettext("%(unit)s修改数据") % {"unit": unit_name},
                    who=_name(first_name, last_name, username),
                    old=_figure_text(indicator, previous[3], previous[4]),
                    new=_figure_text(indicator, value, stage),
                    reason=reason or "",
                )
            )
        previous = record
    events = ReviewEvent.objects.filter(
        submission__task_row_id=indicator.task_row_id,
        submission__reporting_month__plan_year=plan_year,
        action__in=[ReviewEvent.Action.RETURN, ReviewEvent.Action.REOPEN],
    ).select_related("actor", "submission__reporting_month")
    for event in events:
        result.append(
            Correction(
                at=event.at,
                month=event.submission.reporting_month.month,
                what=event.get_action_display(),
                who=event.actor.get_full_name() or event.actor.get_username(),
                old="",
                new="",
                reason=event.reason,
            )
        )
    return sorted(result, key=lambda item: item.at, reverse=True)
