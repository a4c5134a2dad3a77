"""Each reporting month's dates, as the county's plan sets them.

Figures are taken as of the 20th; lead units submit by the 21st; the task-force
office and the statistics bureau verify and forward by the 22nd. A deadline on
a weekend or public holiday moves to the next working day (make-up working days
count as working days), see `reporting.calendar.workcalendar`. The office may set a
month's deadlines by hand on its ReportingMonth row, with a reason; those win.

The 20th itself never moves: it is the date the figures describe, not a day
anybody has to work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.periods import requested_month, requested_year
from projects.models import PlanYear
from projects.periods import chosen_plan_year
from reporting.calendar.workcalendar import NextWorkday, WorkCalendar
from reporting.models import ReportingMonth

DATA_CUTOFF_DAY = 20
SUBMIT_DAY = 21
FORWARD_DAY = 22
MONTHS = range(1, 13)


@dataclass(frozen=True)
class MonthSchedule:
    """One month's cutoff and deadlines.

    `submit_deadline` and `forward_deadline` are the dates in force: the office's
    override if any, else the calendar's. `*_moved` / `*_move_reason` explain the
    date in force, so they are False / "" for an overridden deadline (the
    override has its own reason); `*_calendar_deadline` and
    `*_calendar_move_reason` keep what the calendar alone gives.
    """

    year: int
    month: int
    # None when the month's row has not been created yet (see ensure_reporting_months).
    reporting_month: ReportingMonth | None
    data_cutoff: date
    submit_deadline: date
    forward_deadline: date
    submit_calendar_deadline: date
    forward_calendar_deadline: date
    submit_calendar_move_reason: str
    forward_calendar_move_reason: str
    submit_moved: bool
    submit_move_reason: str
    forward_moved: bool
    forward_move_reason: str
    submit_overridden: bool
    forward_overridden: bool
    override_reason: str
    # Non-empty when a year the dates fall in is known neither to the office nor to the library.
    calendar_warning: str

    @property
    def overridden(self) -> bool:
        return self.submit_overridden or self.forward_overridden

    @property
    def label(self) -> str:
        return gettext("%(year)s年%(month)s月") % {"year": self.year, "month": self.month}


def _day_text(day: date, *, within: date) -> str:
    if (day.year, day.month) == (within.year, within.month):
        return gettext("%(day)s日") % {"day": day.day}
    if day.year == within.year:
        return gettext("%(month)s月%(day)s日") % {"month": day.month, "day": day.day}
    return gettext("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month, "day": day.day}


def _move_reason(shift: NextWorkday) -> str:
    """E.g. "21日为周六，顺延至23日（周一）" or "21日为春节，顺延至28日（周六，春节调休上班）"."""
    if not shift.moved:
        return ""
    first = shift.skipped[0]
    landing = shift.landing.weekday_name
    if shift.landing.note:
        landing = gettext("%(weekday)s，%(note)s") % {"weekday": landing, "note": shift.landing.note}
    return gettext("%(day)s日为%(what)s，顺延至%(target)s（%(landing)s）") % {
        "day": shift.requested.day,
        "what": first.holiday or first.weekday_name,
        "target": _day_text(shift.day, within=shift.requested),
        "landing": landing,
    }


def _schedule(
    *, year: int, month: int, reporting_month: ReportingMonth | None, calendar: WorkCalendar
) -> MonthSchedule:
    submit = calendar.next_workday_on_or_after(date(year, month, SUBMIT_DAY))
    forward = calendar.next_workday_on_or_after(date(year, month, FORWARD_DAY))
    submit_override = reporting_month.submit_deadline_override if reporting_month else None
    forward_override = reporting_month.forward_deadline_override if reporting_month else None
    warnings = []
    for touched in sorted({year, submit.day.year, forward.day.year}):
        warning = calendar.coverage(touched).warning
        if warning:
            warnings.append(warning)
    return MonthSchedule(
        year=year,
        month=month,
        reporting_month=reporting_month,
        data_cutoff=date(year, month, DATA_CUTOFF_DAY),
        submit_deadline=submit_override or submit.day,
        forward_deadline=forward_override or forward.day,
        submit_calendar_deadline=submit.day,
        forward_calendar_deadline=forward.day,
        submit_calendar_move_reason=_move_reason(submit),
        forward_calendar_move_reason=_move_reason(forward),
        submit_moved=submit.moved and submit_override is None,
        submit_move_reason=_move_reason(submit) if submit_override is None else "",
        forward_moved=forward.moved and forward_override is None,
        forward_move_reason=_move_reason(forward) if forward_override is None else "",
        submit_overridden=submit_override is not None,
        forward_overridden=forward_override is not None,
        override_reason=reporting_month.override_reason if reporting_month else "",
        calendar_warning="".join(warnings),
    )


def _calendar_years(years: Iterable[int]) -> list[int]:
    # The following year too: a December deadline could spill into January.
    return sorted({y for year in years for y in (year, year + 1)})


def month_schedules(*, reporting_months: Sequence[ReportingMonth]) -> list[MonthSchedule]:
    """Schedules for many months, in the given order, with one calendar query.

    Reads `reporting_month.plan_year`: select it along (`select_related("plan_year")`).
    """
    if not reporting_months:
        return []
    years = [rm.plan_year.year for rm in reporting_months]
    calendar = WorkCalendar(years=_calendar_years(years))
    return [
        _schedule(year=year, month=rm.month, reporting_month=rm, calendar=calendar)
        for year, rm in zip(years, reporting_months, strict=True)
    ]


def month_schedule(reporting_month: ReportingMonth) -> MonthSchedule:
    """The cutoff and deadlines of one reporting month."""
    return month_schedules(reporting_months=[reporting_month])[0]


def year_schedule(plan_year: PlanYear) -> list[MonthSchedule]:
    """All twelve months of a plan year, in two queries whatever the year holds.

    Months whose ReportingMonth row does not exist yet get the calendar's dates.
    """
    rows = {rm.month: rm for rm in plan_year.reporting_months.all()}
    calendar = WorkCalendar(years=_calendar_years([plan_year.year]))
    return [
        _schedule(year=plan_year.year, month=month, reporting_month=rows.get(month), calendar=calendar)
        for month in MONTHS
    ]


@transaction.atomic
def ensure_reporting_months(*, plan_year: PlanYear) -> list[ReportingMonth]:
    """Create whichever of the plan year's twelve ReportingMonth rows are missing; return all twelve."""
    existing = {rm.month: rm for rm in plan_year.reporting_months.all()}
    for month in MONTHS:
        if month not in existing:
            # get_or_create rather than create: a concurrent run may have just made the row.
            existing[month], _created = ReportingMonth.objects.get_or_create(plan_year=plan_year, month=month)
    return [existing[month] for month in MONTHS]


def current_reporting_month(*, plan_year: PlanYear, today: date) -> MonthSchedule:
    """The month whose figures are being collected on `today`.

    Rule: the month containing `today` while `today` is on or before that month's
    forward deadline (override included), otherwise the next month. Dates before
    the plan year give January, dates after it December. The result's
    `reporting_month` is None if the rows have not been created yet.
    """
    schedules = year_schedule(plan_year)
    if today.year < plan_year.year:
        return schedules[0]
    if today.year > plan_year.year:
        return schedules[-1]
    index = today.month - 1
    if today > schedules[index].forward_deadline:
        index = min(index + 1, len(schedules) - 1)
    return schedules[index]


def override_errors(
    *,
    plan_year: PlanYear,
    month: int,
    submit_deadline_override: date | None,
    forward_deadline_override: date | None,
    override_reason: str,
) -> dict[str, list[str]]:
    """What is wrong with an override the office proposes, by field name; empty when it is fine."""
    errors: dict[str, list[str]] = {}
    if submit_deadline_override is None and forward_deadline_override is None:
        return errors
    if not override_reason.strip():
        errors.setdefault("override_reason", []).append(gettext("手工调整截止日时必须填写调整原因。"))
    cutoff = date(plan_year.year, month, DATA_CUTOFF_DAY)
    for field, value in (
        ("submit_deadline_override", submit_deadline_override),
        ("forward_deadline_override", forward_deadline_override),
    ):
        if value is not None and value < cutoff:
            errors.setdefault(field, []).append(
                gettext("截止日不得早于数据截止日%(cutoff)s（当月%(day)s日）。")
                % {"cutoff": f"{cutoff:%Y-%m-%d}", "day": DATA_CUTOFF_DAY}
            )
    if errors:
        return errors
    calendar = _schedule(
        year=plan_year.year,
        month=month,
        reporting_month=None,
        calendar=WorkCalendar(years=_calendar_years([plan_year.year])),
    )
    submit = submit_deadline_override or calendar.submit_calendar_deadline
    forward = forward_deadline_override or calendar.forward_calendar_deadline
    if forward < submit:
        field = "forward_deadline_override" if forward_deadline_override else "submit_deadline_override"
        errors[field] = [
            gettext("上报截止日%(forward)s不得早于报送截止日%(submit)s。")
            % {"forward": f"{forward:%Y-%m-%d}", "submit": f"{submit:%Y-%m-%d}"}
        ]
    return errors


def chosen_reporting_month(request, *, today: date | None = None) -> ReportingMonth:
    """The reporting month a page is asked for (`core.periods`), with its plan year loaded.

    The requested month of the chosen plan year, else the month being collected today
    (`current_reporting_month`). A requested year and month that exist cost one query.
    """
    year, month = requested_year(request), requested_month(request)
    if year is not None and month is not None:
        found = (
            ReportingMonth.objects.select_related("plan_year")
            .filter(plan_year__year=year, month=month)
            .first()
        )
        if found is not None:
            return found
    return requested_reporting_month(request, plan_year=chosen_plan_year(request), today=today)


def requested_reporting_month(request, *, plan_year: PlanYear, today: date | None = None) -> ReportingMonth:
    """The requested month of `plan_year`, else the month being collected today."""
    month = requested_month(request)  # read (and refused) before anything is written
    months = ensure_reporting_months(plan_year=plan_year)
    if month is None:
        month = current_reporting_month(plan_year=plan_year, today=today or timezone.localdate()).month
    return months[month - 1]
