"""Timeliness: for each lead unit and month, whether its rows were submitted on time, late, not
at all, or sent back by a reviewer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Max, Q
from django.utils import timezone

from projects.models import PlanYear, Unit
from reporting.calendar.deadlines import year_schedule
from reporting.calendar.timeliness import Timeliness
from reporting.models import ReviewEvent, Submission

# --- timeliness --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A lead unit's rows for one month."""

    month: int
    state: Timeliness
    rows: int
    submitted: int
    late: int
    returned: int
    day: date | None  # submitted (on time, late), returned, or the deadline (missing, not due)
    deadline: date
    last_submitted: date | None = None  # the latest first submission of the unit's rows that month

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
        return sum(cell.missing for cell in self.cells if cell.state != Timeliness.NOT_DUE)

    @property
    def returned(self) -> int:
        return sum(cell.returned for cell in self.cells)

    @property
    def problems(self) -> int:
        return self.late + self.missing + self.returned

    def cell(self, month: int) -> Cell | None:
        return next((cell for cell in self.cells if cell.month == month), None)


@dataclass
class TimelinessMatrix:
    months: list[int]
    units: list[UnitRecord]

    def unit(self, unit_id: int) -> UnitRecord | None:
        return next((record for record in self.units if record.unit.pk == unit_id), None)

    def month_problems(self, month: int) -> dict[str, list[tuple[UnitRecord, Cell]]]:
        """Units late, missing or returned in a month, for the overview."""
        result = {state: [] for state in (Timeliness.MISSING, Timeliness.LATE, Timeliness.RETURNED)}
        for record in self.units:
            cell = record.cell(month)
            if cell is None:
                continue
            if cell.state == Timeliness.MISSING:
                result[Timeliness.MISSING].append((record, cell))
            if cell.late:
                result[Timeliness.LATE].append((record, cell))
            if cell.returned:
                result[Timeliness.RETURNED].append((record, cell))
        return result


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


def timeliness_matrix(*, plan_year: PlanYear, today: date | None = None) -> TimelinessMatrix:
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
            returned=Count("pk", filter=ReviewEvent.returns("events"), distinct=True),
            last_submitted=Max("first_submitted_at"),
            last_returned=Max("events__at", filter=ReviewEvent.returns("events")),
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
    return TimelinessMatrix(months, records)


def _cell(month: int, rows: int, counts: dict, *, deadline: date, due: bool) -> Cell:
    submitted, late, returned = counts.get("submitted", 0), counts.get("late", 0), counts.get("returned", 0)
    submitted_on = _local_date(counts.get("last_submitted"))
    if submitted < rows and due:
        state, day = Timeliness.MISSING, deadline
    elif late:
        state, day = Timeliness.LATE, submitted_on
    elif returned:
        state, day = Timeliness.RETURNED, _local_date(counts.get("last_returned"))
    elif submitted >= rows:
        state, day = Timeliness.ON_TIME, submitted_on
    else:
        state, day = Timeliness.NOT_DUE, deadline
    return Cell(month, state, rows, submitted, late, returned, day, deadline, submitted_on)


# --- one unit ----------------------------------------------------------------------------------


def unit_submissions(*, unit: Unit, plan_year: PlanYear) -> list[Submission]:
    """The submissions of the rows a unit leads, month by month; one query."""
    return list(
        Submission.objects.filter(task_row__lead_unit=unit, reporting_month__plan_year=plan_year)
        .select_related("task_row__project__tier", "reporting_month")
        .annotate(times_returned=Count("events", filter=ReviewEvent.returns("events")))
        .order_by(
            "-reporting_month__month",
            "task_row__project__tier__position",
            "task_row__project__number",
            "task_row__position",
        )
    )
