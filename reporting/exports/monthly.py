"""Reads behind the monthly progress report (月度调度表), streamed in plan order.

The report can run to 100,000 indicator lines, so nothing here builds a list
or a dict the size of the plan: indicators, the month's figure totals,
submissions and narratives come from database cursors sorted the same way
(tier, project, task row) and are merged as they pass, like a merge join. The
number of queries is fixed, whatever the plan holds, and rows are read as plain
values: the only model built per line is an unsaved Indicator for `judge`.

Figures follow the counting rule (`reporting.counting`): the month's totals are of counted
figures only; the figures awaiting review come from a cursor of their own and stay apart; the
counted totals of earlier months give 本月新增 and, for a month without a counted figure, the
latest counted one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Case, F, Max, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import (
    Indicator,
    Person,
    PlanYear,
    TaskRow,
    Tier,
    Unit,
)
from projects.targets import adjusted_target, target_in_force
from reporting.calendar.deadlines import MonthSchedule, year_schedule
from reporting.calendar.timeliness import Timeliness, row_timeliness
from reporting.counting import AWAITING_REVIEW, COUNTED
from reporting.increments import increment
from reporting.models import Contribution, Figure, Submission

# Rows fetched per round trip; the cursors never hold more than this in Python.
CHUNK_SIZE = 2000
# No ReportingMonth row means no figures: this id never matches one (ids start at 1).
NO_MONTH = 0


def status_label(status: str | None) -> str:
    return str(Submission.Status(status).label) if status else _("未填报")


@dataclass(frozen=True)
class MonthlyFilter:
    """Which part of a month the report covers; empty filters mean all."""

    plan_year: PlanYear
    month: int
    tier_kind: str = ""
    lead_unit: Unit | None = None
    leader: Person | None = None

    def task_rows(self, prefix: str = "") -> Q:
        """The condition on task rows, reached from a model through `prefix` (e.g. "task_row__")."""
        condition = Q(**{f"{prefix}project__tier__plan_year": self.plan_year})
        if self.tier_kind:
            condition &= Q(**{f"{prefix}project__tier__kind": self.tier_kind})
        if self.lead_unit is not None:
            condition &= Q(**{f"{prefix}lead_unit": self.lead_unit})
        if self.leader is not None:
            condition &= Q(**{f"{prefix}leader": self.leader})
        return condition

    def describe(self) -> str:
        parts = []
        if self.tier_kind:
            parts.append(str(Tier.Kind(self.tier_kind).label))
        if self.lead_unit is not None:
            parts.append(_("牵头单位：%(unit)s") % {"unit": self.lead_unit.name})
        if self.leader is not None:
            parts.append(_("牵头领导：%(leader)s") % {"leader": self.leader.name})
        return "；".join(parts)


@dataclass(frozen=True)
class MonthContext:
    """The month itself: its row (if created), its deadlines."""

    schedule: MonthSchedule

    @property
    def reporting_month_id(self) -> int:
        return self.schedule.reporting_month.pk if self.schedule.reporting_month else NO_MONTH


def month_context(filters: MonthlyFilter) -> MonthContext:
    """Two queries (the year's months and the office's calendar entries)."""
    return MonthContext(schedule=year_schedule(filters.plan_year)[filters.month - 1])


@dataclass(frozen=True)
class TaskRowInfo:
    """What the report shows of a task row: plain values, no model instances to build."""

    key: tuple
    tier_name: str
    project_number: int
    project_title: str
    title: str
    lead_unit_name: str
    leader_name: str

    @property
    def project_text(self) -> str:
        return f"{self.project_number}.{self.project_title}"


# Plan order of task rows; the first four values of every stream below, so they can be merged.
KEY_FIELDS = ("project__tier__position", "project__number", "position", "pk")
INFO_FIELDS = ("project__tier__short_name", "project__number", "project__title", "title", "lead_unit__name")


def _ordered(prefix: str) -> list[str]:
    return [f"{prefix}{name}" for name in KEY_FIELDS]


class _Follower:
    """Walks a cursor sorted like the main one and hands over the rows of each key in turn.

    Each row starts with its key; rows whose key the main cursor never asks for are skipped.
    """

    def __init__(self, rows: Iterator[tuple], key_length: int):
        self._rows = rows
        self._length = key_length
        self._next = next(self._rows, None)

    def take(self, key: tuple) -> list[tuple]:
        taken = []
        while self._next is not None and tuple(self._next[: self._length]) < key:
            self._next = next(self._rows, None)
        while self._next is not None and tuple(self._next[: self._length]) == key:
            taken.append(self._next[self._length :])
            self._next = next(self._rows, None)
        return taken


@dataclass
class RowNarrative:
    """A task row's progress and problems, the lead unit's first, the others named."""

    progress: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, *, unit_name: str, is_lead: bool, progress: str, problems: str) -> None:
        for target, text in ((self.progress, progress), (self.problems, problems)):
            if text and text.strip():
                target.append(text if is_lead else f"{unit_name}：{text}")

    @property
    def progress_text(self) -> str:
        return "\n".join(self.progress)

    @property
    def problems_text(self) -> str:
        return "\n".join(self.problems)


@dataclass(frozen=True)
class RowMonth:
    """A task row's submission of the month, if any, and the funds its units report."""

    status: str | None = None
    on_time: bool | None = None
    first_submitted_at: datetime | None = None
    submitted_at: datetime | None = None
    funds: Decimal | None = None  # of counted submissions only
    late_report: bool = False

    @property
    def timeliness(self) -> Timeliness:
        return row_timeliness(first_submitted_at=self.first_submitted_at, on_time=self.on_time)

    @property
    def report_label(self) -> str:
        """报送情况: 补报 for a row the office opened after the month was forwarded, else its timeliness."""
        return _("补报") if self.late_report else str(self.timeliness.label)


@dataclass(frozen=True)
class Reading:
    """An indicator's figure (a value, or a milestone's stage) and, for an earlier one, its month."""

    value: Decimal | None = None
    stage: int | None = None
    month: int | None = None

    @property
    def is_empty(self) -> bool:
        return self.value is None and self.stage is None


NOTHING = Reading()


@dataclass(frozen=True)
class MonthlyLine:
    """One indicator of the month, with its task row's submission and narrative."""

    task_row: TaskRowInfo
    indicator: Indicator
    # The target in force in the month: the plan's, or an approved adjustment's (指标调整).
    target: Decimal | None
    # The month's counted figure (None: no counted figure this month).
    value: Decimal | None
    stage: int | None
    first_of_row: bool
    month: RowMonth
    narrative: RowNarrative
    # The month's figures awaiting review (submitted or approved): shown apart, never counted.
    awaiting: Reading = NOTHING
    # The latest counted figure of an earlier month of the year, if any.
    earlier: Reading = NOTHING
    # The month's counted figure of each unit, the lead unit first (read only when asked for).
    units: tuple[tuple[str, Reading], ...] = ()

    @property
    def is_counted(self) -> bool:
        return self.value is not None or self.stage is not None

    @property
    def increment(self) -> Decimal | None:
        """本月新增: `reporting.increments.increment` of the counted figure and the earlier one."""
        return increment(self.indicator, self.value, self.earlier.value)

    @property
    def units_text(self) -> str:
        """各单位填报: "县人社局：1200；金石桥镇人民政府：57", each unit's counted figure."""
        return "；".join(
            f"{unit}：{self.indicator.figure_text(reading.value, reading.stage)}"
            for unit, reading in self.units
            if not reading.is_empty
        )

    @property
    def latest_counted(self) -> Reading | None:
        """For a month without a counted figure: the latest counted one before it, if any."""
        return None if self.is_counted or self.earlier.is_empty else self.earlier


INDICATOR_FIELDS = (
    "pk",
    "name",
    "kind",
    "measure",
    "decimal_places",
    "operator",
    "target_value",
    "baseline_value",
    "target_stage",
    "target_text",
)


def _indicators(filters: MonthlyFilter) -> QuerySet:
    row = "task_row__"
    return (
        Indicator.objects.filter(filters.task_rows(row))
        .annotate(adjusted_target=adjusted_target(month=filters.month))
        .order_by(*_ordered(row), "position", "pk")
        .values_list(
            *_ordered(row),
            "position",
            *(f"{row}{name}" for name in INFO_FIELDS),
            f"{row}leader__name",
            "adjusted_target",
            *INDICATOR_FIELDS,
        )
    )


ROW = "contribution__submission__task_row__"
EARLIER_MONTH = "contribution__submission__reporting_month__month"
TOTALS = ("total", "lead_value", "lead_stage")


def _grouped_figures(filters: MonthlyFilter, *by: str, **conditions) -> tuple[QuerySet, tuple[str, ...]]:
    """Figures in scope grouped by plan key, indicator and `by`: the sum, the lead unit's value and stage.

    Returns the grouped queryset and its keys, for the caller to order and read.
    """
    lead = Q(contribution__unit_id=F(f"{ROW}lead_unit_id"))
    keys = (*_ordered(ROW), "indicator__position", "indicator_id", *by)
    return (
        Figure.objects.filter(filters.task_rows(ROW), **conditions)
        .values(*keys)
        .annotate(
            total=Sum("value"),
            lead_value=Max("value", filter=lead),
            lead_stage=Max("stage", filter=lead),
        )
    ), keys


def _figure_totals(filters: MonthlyFilter, context: MonthContext, statuses) -> QuerySet:
    """Per indicator with figures of the given statuses: every unit's sum, the lead unit's value and stage.

    `statuses` is `COUNTED` for the report's figures, `AWAITING_REVIEW` for the column kept apart.
    The figure of an indicator follows `reporting.progress.month_totals`: additive
    indicators sum every unit's figure, the others take the lead unit's.

    A figure is always for an indicator of its submission's task row, so the rows in scope and
    their order are read from the submission's side: the month's few submissions lead the join
    to their figures, instead of every month's figures of the indicators in scope being read.
    """
    grouped, keys = _grouped_figures(
        filters,
        contribution__submission__reporting_month_id=context.reporting_month_id,
        contribution__submission__status__in=statuses,
    )
    return grouped.order_by(*keys).values_list(*keys, *TOTALS)


def _earlier_counted_totals(filters: MonthlyFilter) -> QuerySet:
    """The counted totals of the year's earlier months, per indicator, the latest month first.

    Sorted like `_figure_totals` and then by month, descending: the first row of an indicator
    whose figure is there is its latest counted figure before the month (months may be skipped).
    """
    grouped, keys = _grouped_figures(
        filters,
        EARLIER_MONTH,
        contribution__submission__reporting_month__month__lt=filters.month,
        contribution__submission__status__in=COUNTED,
    )
    return grouped.order_by(*keys[:-1], f"-{EARLIER_MONTH}").values_list(*keys, *TOTALS)


def _reading(indicator: Indicator, total, lead_value, lead_stage, month=None) -> Reading:
    """The indicator's figure from a grouped row: the sum if additive, else the lead unit's."""
    if indicator.is_additive:
        return Reading(total, None, month)
    return Reading(lead_value, lead_stage, month)


def _latest(indicator: Indicator, rows: list[tuple]) -> Reading:
    """The first of an indicator's earlier months (latest first) that holds its figure."""
    for month, total, lead_value, lead_stage in rows:
        reading = _reading(indicator, total, lead_value, lead_stage, month)
        if not reading.is_empty:
            return reading
    return NOTHING


UNIT_NAME = "contribution__unit__name"
UNIT_ORDER = ("indicator__position", "indicator_id", "lead_first", UNIT_NAME)


def _unit_figures(filters: MonthlyFilter, context: MonthContext) -> QuerySet:
    """The month's counted figures unit by unit, in plan order, the lead unit's first in each indicator."""
    lead_first = Case(When(contribution__unit_id=F(f"{ROW}lead_unit_id"), then=Value(0)), default=Value(1))
    return (
        Figure.objects.filter(
            filters.task_rows(ROW),
            contribution__submission__reporting_month_id=context.reporting_month_id,
            contribution__submission__status__in=COUNTED,
        )
        .annotate(lead_first=lead_first)
        .order_by(*_ordered(ROW), *UNIT_ORDER)
        .values_list(*_ordered(ROW), "indicator__position", "indicator_id", UNIT_NAME, "value", "stage")
    )


def _row_months(filters: MonthlyFilter, context: MonthContext) -> QuerySet:
    row = "task_row__"
    return (
        Submission.objects.filter(filters.task_rows(row), reporting_month_id=context.reporting_month_id)
        # Funds are figures too: only a counted submission's.
        .annotate(funds=Sum("contributions__funds_invested", filter=Q(status__in=COUNTED)))
        .order_by(*_ordered(row))
        .values_list(
            *_ordered(row), "status", "on_time", "first_submitted_at", "submitted_at", "funds", "late_report"
        )
    )


def _narratives(filters: MonthlyFilter, context: MonthContext) -> QuerySet:
    """The month's non-empty narratives, in task-row order, the lead unit's first in each row."""
    row = "submission__task_row__"
    return (
        Contribution.objects.filter(
            filters.task_rows(row), submission__reporting_month_id=context.reporting_month_id
        )
        .exclude(progress="", problems="")
        .annotate(lead_first=Case(When(unit_id=F(f"{row}lead_unit_id"), then=Value(0)), default=Value(1)))
        .order_by(*_ordered(row), "lead_first", "unit__name", "pk")
        .values_list(*_ordered(row), "unit__name", "lead_first", "progress", "problems")
    )


def monthly_lines(
    filters: MonthlyFilter, context: MonthContext, *, units: bool = False
) -> Iterator[MonthlyLine]:
    """The report's lines, one per indicator, as a stream: six cursors in plan order, merged.

    With `units`, a seventh gives each unit's counted figure (`MonthlyLine.units`).
    """
    by_unit = _Follower(_unit_figures(filters, context).iterator(chunk_size=CHUNK_SIZE), 6) if units else None
    counted = _Follower(_figure_totals(filters, context, COUNTED).iterator(chunk_size=CHUNK_SIZE), 6)
    awaiting = _Follower(_figure_totals(filters, context, AWAITING_REVIEW).iterator(chunk_size=CHUNK_SIZE), 6)
    earlier = _Follower(_earlier_counted_totals(filters).iterator(chunk_size=CHUNK_SIZE), 6)
    months = _Follower(_row_months(filters, context).iterator(chunk_size=CHUNK_SIZE), 4)
    narratives = _Follower(_narratives(filters, context).iterator(chunk_size=CHUNK_SIZE), 4)
    info = slice(5, 5 + len(INFO_FIELDS) + 1)
    adjusted = info.stop
    current_key, task_row, month, narrative = None, None, RowMonth(), RowNarrative()
    for values in _indicators(filters).iterator(chunk_size=CHUNK_SIZE):
        key = tuple(values[:4])
        first = key != current_key
        if first:
            current_key = key
            task_row = _task_row_info(key, values[info])
            found = months.take(key)
            month = RowMonth(*found[0]) if found else RowMonth()
            narrative = RowNarrative()
            for unit_name, lead_first, progress, problems in narratives.take(key):
                narrative.add(
                    unit_name=unit_name, is_lead=lead_first == 0, progress=progress, problems=problems
                )
        indicator = Indicator(**dict(zip(INDICATOR_FIELDS, values[adjusted + 1 :], strict=True)))
        target = target_in_force(planned=indicator.target_value, adjusted=values[adjusted])
        indicator_key = (*key, values[4], indicator.pk)
        found = counted.take(indicator_key)
        figure = _reading(indicator, *found[0]) if found else NOTHING
        found = awaiting.take(indicator_key)
        yield MonthlyLine(
            task_row=task_row,
            indicator=indicator,
            target=target,
            value=figure.value,
            stage=figure.stage,
            first_of_row=first,
            month=month,
            narrative=narrative,
            awaiting=_reading(indicator, *found[0]) if found else NOTHING,
            earlier=_latest(indicator, earlier.take(indicator_key)),
            units=tuple((unit, Reading(value, stage)) for unit, value, stage in by_unit.take(indicator_key))
            if by_unit is not None
            else (),
        )


def _task_row_info(key: tuple, values: tuple) -> TaskRowInfo:
    tier_name, project_number, project_title, title, lead_unit_name, leader_name = values
    return TaskRowInfo(
        key=key,
        tier_name=tier_name,
        project_number=project_number,
        project_title=project_title,
        title=title,
        lead_unit_name=lead_unit_name,
        leader_name=leader_name or "",
    )


@dataclass(frozen=True)
class SubmissionLine:
    task_row: TaskRowInfo
    month: RowMonth
    deadline: date

    @property
    def timeliness(self) -> Timeliness:
        return self.month.timeliness

    @property
    def days_late(self) -> int | None:
        if self.month.first_submitted_at is None or self.month.on_time is not False:
            return None
        return (timezone.localdate(self.month.first_submitted_at) - self.deadline).days


def submission_lines(filters: MonthlyFilter, context: MonthContext) -> Iterator[SubmissionLine]:
    """Each task row in scope with when its lead unit submitted: two cursors in plan order, merged."""
    months = _Follower(_row_months(filters, context).iterator(chunk_size=CHUNK_SIZE), 4)
    rows = (
        TaskRow.objects.filter(filters.task_rows())
        .order_by(*KEY_FIELDS)
        .values_list(*KEY_FIELDS, *INFO_FIELDS, "leader__name")
    )
    deadline = context.schedule.submit_deadline
    for values in rows.iterator(chunk_size=CHUNK_SIZE):
        key = tuple(values[:4])
        found = months.take(key)
        yield SubmissionLine(
            task_row=_task_row_info(key, values[4:]),
            month=RowMonth(*found[0]) if found else RowMonth(),
            deadline=deadline,
        )
