"""Nothing one server learns from the database is kept in its process: a change written by another
server (here, a raw QuerySet.update, which no signal or cache of this process sees) shows at the
next request of this one."""

from datetime import date

import pytest
from django.db import connection

from reporting.calendar.deadlines import month_schedule
from reporting.calendar.workcalendar import is_workday, library_knows
from reporting.models import ReportingMonth, WorkCalendarDay

pytestmark = pytest.mark.django_db

POWER_CUT = date(2023, 3, 21)  # a Tuesday, the 21st: March's submit deadline


def march(plan_year) -> ReportingMonth:
    return ReportingMonth.objects.select_related("plan_year").get_or_create(plan_year=plan_year, month=3)[0]


def test_an_office_calendar_change_on_another_server_moves_the_next_deadline_asked_here(plan_2023):
    WorkCalendarDay.objects.create(date=POWER_CUT, is_workday=False, note="县城停电放假")
    assert month_schedule(march(plan_2023)).submit_deadline == date(2023, 3, 22)

    # Another server: the office turns the day back into a working day.
    assert WorkCalendarDay.objects.filter(date=POWER_CUT).update(is_workday=True, note="") == 1
    assert month_schedule(march(plan_2023)).submit_deadline == POWER_CUT

    # And removes the entry altogether: the official calendar again (an ordinary Tuesday).
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reporting_workcalendarday WHERE date = %s", [POWER_CUT])
    assert is_workday(POWER_CUT)
    assert month_schedule(march(plan_2023)).submit_deadline == POWER_CUT


def test_an_office_holiday_entered_on_another_server_is_seen_by_the_next_question(plan_2023):
    assert is_workday(POWER_CUT)
    WorkCalendarDay.objects.bulk_create([WorkCalendarDay(date=POWER_CUT, is_workday=False, note="停电")])
    assert is_workday(POWER_CUT).reason == "停电"
    assert month_schedule(march(plan_2023)).submit_deadline == date(2023, 3, 22)


def test_the_only_calendar_answer_kept_per_process_is_the_librarys_own():
    # library_knows depends on the installed chinesecalendar only, the same on every server.
    library_knows.cache_clear()
    assert library_knows(2023) and not library_knows(2099)
    assert library_knows.cache_info().currsize == 2
