"""Working days under China's official calendar, with the office's entries first.

Three sources, in this order:

1. WorkCalendarDay rows the office entered in the admin (holidays and make-up
   working days as the State Council publishes them, or local corrections);
2. the `chinesecalendar` library, which knows 2004–2026;
3. for a year neither knows, weekends only – and the answer says so, because
   guessing holidays would move deadlines silently and wrongly.

A year with at least one office entry counts as entered by the office: its
remaining days follow the library where it knows the year, else weekends.

`WorkCalendar` reads the office's rows for a span of years in one query and
answers every question about those years from memory; the module-level
functions are one-off conveniences built on it.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reporting.models import WorkCalendarDay

WEEKDAY_NAMES = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]

# The library names holidays in English (its `Holiday` enum values).
HOLIDAY_NAMES = {
    "New Year's Day": _("元旦"),
    "Spring Festival": _("春节"),
    "Tomb-sweeping Day": _("清明节"),
    "Labour Day": _("劳动节"),
    "Dragon Boat Festival": _("端午节"),
    "National Day": _("国庆节"),
    "Mid-autumn Festival": _("中秋节"),
    "Anti-Fascist 70th Day": _("抗战胜利70周年纪念日"),
}


class CalendarSource(enum.StrEnum):
    """Where a year's holidays and make-up working days come from."""

    OFFICE = "office"
    LIBRARY = "library"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {
            CalendarSource.OFFICE: gettext("专班办公室录入"),
            CalendarSource.LIBRARY: gettext("国务院公布的安排（内置日历）"),
            CalendarSource.UNKNOWN: gettext("尚未录入，仅按周末"),
        }[self]


def weekday_name(day: date) -> str:
    return str(WEEKDAY_NAMES[day.weekday()])


def holiday_name(english_name: str) -> str:
    """The Chinese name of one of the library's holidays."""
    name = HOLIDAY_NAMES.get(english_name)
    # A holiday added to the library after this table: still say it is a holiday.
    return str(name) if name is not None else gettext("法定节假日")


@functools.cache
def library_knows(year: int) -> bool:
    """Whether `chinesecalendar` has the official arrangement for `year`.

    Cached per process, safely: the library's data is installed with the code, the same on every
    server. The office's entries (WorkCalendarDay) are never kept beyond one WorkCalendar, which
    lives for one question or one page, so a change made on another server shows at the next one.
    """
    try:
        chinese_calendar.get_holiday_detail(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class YearCoverage:
    year: int
    source: CalendarSource
    office_entries: int
    library_knows: bool

    @property
    def is_known(self) -> bool:
        return self.source is not CalendarSource.UNKNOWN

    @property
    def warning(self) -> str:
        """A plain message for the office when deadlines can only skip weekends; "" otherwise."""
        if self.is_known:
            return ""
        return gettext(
            "%(year)s年的法定节假日尚未录入，截止日仅按周末顺延。"
            "请专班办公室在“节假日与调休”中录入国务院公布的安排。"
        ) % {"year": self.year}


@dataclass(frozen=True)
class DayStatus:
    """Whether a day is a working day, and why not.

    Truthy exactly when the day is a working day, so `if is_workday(day):` reads naturally.
    """

    day: date
    is_workday: bool
    # The holiday (or the office's note) that makes the day a rest day; "" for a plain weekend.
    holiday: str
    # What makes a weekend day a working day, e.g. "春节调休上班"; "" otherwise.
    note: str
    source: CalendarSource

    def __bool__(self) -> bool:
        return self.is_workday

    @property
    def reason(self) -> str:
        """Why the day is not a working day: the holiday, the office's note or 周末; "" on working days."""
        if self.is_workday:
            return ""
        return self.holiday or gettext("周末")

    @property
    def weekday_name(self) -> str:
        return weekday_name(self.day)


@dataclass(frozen=True)
class NextWorkday:
    """The first working day on or after `requested`, and the days skipped on the way."""

    requested: date
    day: date
    skipped: tuple[DayStatus, ...]
    landing: DayStatus

    @property
    def moved(self) -> bool:
        return self.day != self.requested


class WorkCalendar:
    """Answers about working days for a span of years, from one query per span.

    Asking about a year outside the span loads that year too (one more query),
    so answers stay right even when a deadline spills into the next year.
    """

    def __init__(self, *, years: Iterable[int]):
        self._office: dict[date, WorkCalendarDay] = {}
        self._office_count: dict[int, int] = {}
        self._loaded: set[int] = set()
        years = sorted(set(years))
        if years:
            self._load(first=years[0], last=years[-1])

    def _load(self, *, first: int, last: int) -> None:
        rows = WorkCalendarDay.objects.filter(date__gte=date(first, 1, 1), date__lte=date(last, 12, 31))
        for row in rows:
            self._office[row.date] = row
            self._office_count[row.date.year] = self._office_count.get(row.date.year, 0) + 1
        self._loaded.update(range(first, last + 1))

    def _ensure(self, year: int) -> None:
        if year not in self._loaded:
            self._load(first=year, last=year)

    def coverage(self, year: int) -> YearCoverage:
        self._ensure(year)
        office_entries = self._office_count.get(year, 0)
        knows = library_knows(year)
        if office_entries:
            source = CalendarSource.OFFICE
        elif knows:
            source = CalendarSource.LIBRARY
        else:
            source = CalendarSource.UNKNOWN
        return YearCoverage(year=year, source=source, office_entries=office_entries, library_knows=knows)

    def status(self, day: date) -> DayStatus:
        source = self.coverage(day.year).source
        weekend = day.weekday() >= 5
        row = self._office.get(day)
        if row is not None:
            if row.is_workday:
                return DayStatus(day=day, is_workday=True, holiday="", note=row.note, source=source)
            holiday = row.note or ("" if weekend else gettext("休息日（专班办公室录入）"))
            return DayStatus(day=day, is_workday=False, holiday=holiday, note="", source=source)
        if library_knows(day.year):
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            if on_holiday:
                holiday = holiday_name(name) if name else ""
                return DayStatus(day=day, is_workday=False, holiday=holiday, note="", source=source)
            # The library names the holiday a make-up working day belongs to.
            note = gettext("%(holiday)s调休上班") % {"holiday": holiday_name(name)} if name else ""
            return DayStatus(day=day, is_workday=True, holiday="", note=note, source=source)
        return DayStatus(day=day, is_workday=not weekend, holiday="", note="", source=source)

    def next_workday_on_or_after(self, day: date) -> NextWorkday:
        skipped = []
        current = day
        # Terminates: every year has working days, whatever the office entered is finite.
        while not (landing := self.status(current)):
            skipped.append(landing)
            current += timedelta(days=1)
        return NextWorkday(requested=day, day=current, skipped=tuple(skipped), landing=landing)

    def workdays_after(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (`day` itself not counted), e.g. a reply's deadline."""
        current = day
        while count > 0:
            current += timedelta(days=1)
            if self.status(current):
                count -= 1
        return current

    def workdays_between(self, start: date, end: date) -> int:
        """The working days d with start < d <= end: how many are left from `start` to a deadline `end`."""
        count, current = 0, start + timedelta(days=1)
        while current <= end:
            count += bool(self.status(current))
            current += timedelta(days=1)
        return count


def is_workday(day: date) -> DayStatus:
    """Whether `day` is a working day (truthy) and, if not, why (`.reason`)."""
    return WorkCalendar(years=[day.year]).status(day)


def next_workday_on_or_after(day: date) -> NextWorkday:
    """The first working day on or after `day`; `.day` is the date, `.skipped` says why it moved."""
    # Load the following year as well: a late-December day may move into January.
    return WorkCalendar(years=[day.year, day.year + 1]).next_workday_on_or_after(day)


def workdays_after(day: date, count: int) -> date:
    """The `count`-th working day after `day`; holidays skipped and make-up working days counted."""
    return WorkCalendar(years=[day.year, day.year + 1]).workdays_after(day, count)


def year_coverage(year: int) -> YearCoverage:
    """Whether `year` is known from the office's entries, from the library, or not at all."""
    return WorkCalendar(years=[year]).coverage(year)
