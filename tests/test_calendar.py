"""Working days and monthly deadlines: the 20th / 21st / 22nd under China's official calendar."""

from datetime import date

import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import PlanYear
from reporting.admin import ReportingMonthForm, WorkCalendarDayResource
from reporting.calendar.deadlines import (
    current_reporting_month,
    ensure_reporting_months,
    month_schedule,
    year_schedule,
)
from reporting.calendar.workcalendar import (
    CalendarSource,
    is_workday,
    next_workday_on_or_after,
    year_coverage,
)
from reporting.models import ReportingMonth, WorkCalendarDay

pytestmark = pytest.mark.django_db

# Checked against the State Council's 2023 arrangement: 元旦 Dec 31–Jan 2; 春节 Jan 21–27, make-up
# Jan 28–29; 清明 Apr 5; 劳动节 Apr 29–May 3, make-up Apr 23 and May 6; 端午 Jun 22–24, make-up
# Jun 25; 中秋国庆 Sep 29–Oct 6, make-up Oct 7–8.
SCHEDULE_2023 = [
    # month, data cutoff, submit deadline (21st moved), forward deadline (22nd moved)
    (1, date(2023, 1, 20), date(2023, 1, 28), date(2023, 1, 28)),  # 春节, Sat Jan 28 make-up day
    (2, date(2023, 2, 20), date(2023, 2, 21), date(2023, 2, 22)),
    (3, date(2023, 3, 20), date(2023, 3, 21), date(2023, 3, 22)),
    (4, date(2023, 4, 20), date(2023, 4, 21), date(2023, 4, 23)),  # Sat 22 → make-up Sun 23
    (5, date(2023, 5, 20), date(2023, 5, 22), date(2023, 5, 22)),  # Sun 21 → Mon 22
    (6, date(2023, 6, 20), date(2023, 6, 21), date(2023, 6, 25)),  # 端午 → make-up Sun 25
    (7, date(2023, 7, 20), date(2023, 7, 21), date(2023, 7, 24)),  # Sat 22 → Mon 24
    (8, date(2023, 8, 20), date(2023, 8, 21), date(2023, 8, 22)),
    (9, date(2023, 9, 20), date(2023, 9, 21), date(2023, 9, 22)),
    (10, date(2023, 10, 20), date(2023, 10, 23), date(2023, 10, 23)),  # Sat 21 / Sun 22 → Mon 23
    (11, date(2023, 11, 20), date(2023, 11, 21), date(2023, 11, 22)),
    (12, date(2023, 12, 20), date(2023, 12, 21), date(2023, 12, 22)),
]


@pytest.fixture
def plan_2027(db) -> PlanYear:
    return PlanYear.objects.create(year=2027, title="2027年测试方案", adjustment_deadline=date(2027, 3, 31))


def _month(plan_year: PlanYear, month: int) -> ReportingMonth:
    return ReportingMonth.objects.select_related("plan_year").get_or_create(plan_year=plan_year, month=month)[
        0
    ]


# --- the work calendar -------------------------------------------------------------------------


def test_it_names_a_library_holiday_in_chinese():
    answer = is_workday(date(2023, 10, 2))
    assert not answer
    assert answer.reason == "国庆节"


def test_it_names_the_mid_autumn_festival_in_chinese():
    assert is_workday(date(2023, 9, 29)).reason == "中秋节"


def test_it_calls_a_plain_weekend_day_a_weekend():
    assert is_workday(date(2023, 3, 18)).reason == "周末"


def test_it_counts_a_make_up_saturday_as_a_working_day():
    answer = is_workday(date(2023, 1, 28))
    assert answer
    assert answer.note == "春节调休上班"


def test_it_skips_a_whole_holiday_week_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        shift = next_workday_on_or_after(date(2023, 9, 29))
    assert shift.day == date(2023, 10, 7)
    assert [day.reason for day in shift.skipped][:2] == ["中秋节", "国庆节"]


def test_it_knows_2023_from_the_library():
    assert year_coverage(2023).source is CalendarSource.LIBRARY


def test_it_says_plainly_when_no_source_knows_the_year():
    coverage = year_coverage(2027)
    assert coverage.source is CalendarSource.UNKNOWN
    assert coverage.warning.startswith("2027年的法定节假日尚未录入")


def test_it_falls_back_to_weekends_for_an_unknown_year():
    assert is_workday(date(2027, 8, 21)).reason == "周末"
    assert is_workday(date(2027, 10, 1))  # National Day, but nobody has entered 2027 yet


def test_it_lets_an_office_entered_holiday_win_over_the_library():
    WorkCalendarDay.objects.create(date=date(2023, 3, 21), is_workday=False, note="县城停电放假")
    answer = is_workday(date(2023, 3, 21))
    assert not answer
    assert answer.reason == "县城停电放假"


def test_it_lets_an_office_entered_make_up_day_win_over_the_library():
    WorkCalendarDay.objects.create(date=date(2023, 10, 21), is_workday=True, note="调休上班")
    assert is_workday(date(2023, 10, 21))


def test_it_treats_a_year_with_office_entries_as_known():
    WorkCalendarDay.objects.create(date=date(2027, 2, 8), is_workday=False, note="春节")
    coverage = year_coverage(2027)
    assert coverage.source is CalendarSource.OFFICE
    assert coverage.warning == ""


# --- monthly deadlines -------------------------------------------------------------------------


@pytest.mark.parametrize(("month", "cutoff", "submit", "forward"), SCHEDULE_2023)
def test_it_moves_2023_deadlines_as_the_official_calendar_implies(plan_2023, month, cutoff, submit, forward):
    schedule = month_schedule(_month(plan_2023, month))
    assert (schedule.data_cutoff, schedule.submit_deadline, schedule.forward_deadline) == (
        cutoff,
        submit,
        forward,
    )
    assert schedule.submit_moved is (submit.day != 21)
    assert schedule.forward_moved is (forward.day != 22)
    assert schedule.calendar_warning == ""


def test_it_gives_the_same_dates_for_the_whole_year(plan_2023):
    dates = [
        (s.month, s.data_cutoff, s.submit_deadline, s.forward_deadline) for s in year_schedule(plan_2023)
    ]
    assert dates == SCHEDULE_2023


def test_it_explains_a_move_past_a_holiday_onto_a_make_up_day(plan_2023):
    schedule = month_schedule(_month(plan_2023, 1))
    assert schedule.submit_move_reason == "21日为春节，顺延至28日（周六，春节调休上班）"


def test_it_explains_a_move_past_a_weekend(plan_2023):
    schedule = month_schedule(_month(plan_2023, 10))
    assert schedule.submit_move_reason == "21日为周六，顺延至23日（周一）"
    assert schedule.forward_move_reason == "22日为周日，顺延至23日（周一）"


def test_it_moves_a_deadline_past_an_office_entered_holiday(plan_2023):
    WorkCalendarDay.objects.create(date=date(2023, 3, 21), is_workday=False, note="县城停电放假")
    schedule = month_schedule(_month(plan_2023, 3))
    assert schedule.submit_deadline == date(2023, 3, 22)
    assert schedule.submit_move_reason == "21日为县城停电放假，顺延至22日（周三）"


def test_it_keeps_a_deadline_on_an_office_entered_make_up_day(plan_2023):
    WorkCalendarDay.objects.create(date=date(2023, 10, 21), is_workday=True, note="调休上班")
    schedule = month_schedule(_month(plan_2023, 10))
    assert schedule.submit_deadline == date(2023, 10, 21)
    assert not schedule.submit_moved


def test_it_gives_weekend_only_dates_and_a_warning_for_an_unknown_year(plan_2027):
    schedule = month_schedule(_month(plan_2027, 8))
    assert (schedule.submit_deadline, schedule.forward_deadline) == (date(2027, 8, 23), date(2027, 8, 23))
    assert schedule.calendar_warning == (
        "2027年的法定节假日尚未录入，截止日仅按周末顺延。请专班办公室在“节假日与调休”中录入国务院公布的安排。"
    )


def test_it_schedules_a_whole_unknown_year_without_an_exception(plan_2027):
    schedules = year_schedule(plan_2027)
    assert len(schedules) == 12
    assert all(s.calendar_warning for s in schedules)


def test_it_lets_an_office_override_win_and_reports_it(plan_2023):
    row = _month(plan_2023, 5)
    row.submit_deadline_override = date(2023, 5, 25)
    row.override_reason = "省平台升级，延期报送"
    row.save()
    schedule = month_schedule(row)
    assert schedule.submit_deadline == date(2023, 5, 25)
    assert schedule.submit_calendar_deadline == date(2023, 5, 22)
    assert schedule.overridden and schedule.submit_overridden and not schedule.forward_overridden
    assert not schedule.submit_moved
    assert schedule.override_reason == "省平台升级，延期报送"


def test_it_creates_twelve_months_however_often_it_runs(plan_2023):
    ensure_reporting_months(plan_year=plan_2023)
    rows = ensure_reporting_months(plan_year=plan_2023)
    assert [row.month for row in rows] == list(range(1, 13))
    assert ReportingMonth.objects.filter(plan_year=plan_2023).count() == 12


def test_it_schedules_a_year_in_a_constant_number_of_queries(plan_2023, django_assert_num_queries):
    ensure_reporting_months(plan_year=plan_2023)
    WorkCalendarDay.objects.create(date=date(2023, 3, 21), is_workday=False, note="县城停电放假")
    ReportingMonth.objects.filter(plan_year=plan_2023, month__in=[2, 5]).update(
        submit_deadline_override=date(2023, 5, 25), override_reason="测试"
    )
    with django_assert_num_queries(2):
        schedules = year_schedule(plan_2023)
    assert len(schedules) == 12


@pytest.mark.parametrize(
    ("today", "expected_month"),
    [
        (date(2023, 5, 10), 5),
        (date(2023, 5, 22), 5),  # the forward deadline itself still belongs to May
        (date(2023, 5, 23), 6),
        (date(2023, 4, 23), 4),  # April's 22nd moved to the make-up Sunday 23rd
        (date(2023, 12, 28), 12),  # clamped to the plan year
        (date(2022, 11, 1), 1),
        (date(2024, 2, 1), 12),
    ],
)
def test_it_opens_the_month_being_collected(plan_2023, today, expected_month):
    assert current_reporting_month(plan_year=plan_2023, today=today).month == expected_month


# --- the office's admin ------------------------------------------------------------------------


def _override_form(plan_year, **data) -> ReportingMonthForm:
    row = _month(plan_year, 6)
    payload = {"plan_year": plan_year.pk, "month": 6, "override_reason": ""}
    payload.update(data)
    return ReportingMonthForm(data=payload, instance=row)


def test_it_accepts_an_override_with_a_reason(plan_2023):
    form = _override_form(plan_2023, forward_deadline_override="2023-06-26", override_reason="端午后系统维护")
    assert form.is_valid(), form.errors


def test_it_refuses_an_override_without_a_reason(plan_2023):
    form = _override_form(plan_2023, submit_deadline_override="2023-06-23")
    assert not form.is_valid()
    assert form.errors["override_reason"] == ["手工调整截止日时必须填写调整原因。"]


def test_it_refuses_an_override_before_the_20th(plan_2023):
    form = _override_form(plan_2023, submit_deadline_override="2023-06-19", override_reason="提前")
    assert not form.is_valid()
    assert form.errors["submit_deadline_override"] == ["截止日不得早于数据截止日2023-06-20（当月20日）。"]


def test_it_refuses_a_forward_deadline_before_the_submit_deadline(plan_2023):
    form = _override_form(plan_2023, forward_deadline_override="2023-06-20", override_reason="提前上报")
    assert not form.is_valid()
    assert form.errors["forward_deadline_override"] == ["上报截止日2023-06-20不得早于报送截止日2023-06-21。"]


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("sysadmin", "a@example.com", "x"))
    return client


def test_it_lists_effective_deadlines_with_one_calendar_query(superuser_client, plan_2023):
    ensure_reporting_months(plan_year=plan_2023)
    with CaptureQueriesContext(connection) as queries:
        response = superuser_client.get(reverse("admin:reporting_reportingmonth_changelist"))
    assert response.status_code == 200
    assert "2023-01-28" in response.content.decode()
    calendar_reads = [q for q in queries.captured_queries if "reporting_workcalendarday" in q["sql"]]
    assert len(calendar_reads) == 1


def test_it_shows_the_calendar_arrangement_on_a_month_page(superuser_client, plan_2023):
    row = ensure_reporting_months(plan_year=plan_2023)[5]
    response = superuser_client.get(reverse("admin:reporting_reportingmonth_change", args=[row.pk]))
    assert "22日为端午节，顺延至25日（周日，端午节调休上班）" in response.content.decode()


def test_it_saves_an_override_from_the_admin_with_history(superuser_client, plan_2023):
    row = ensure_reporting_months(plan_year=plan_2023)[6]
    response = superuser_client.post(
        reverse("admin:reporting_reportingmonth_change", args=[row.pk]),
        {
            "submit_deadline_override": "2023-07-24",
            "forward_deadline_override": "2023-07-25",
            "override_reason": "暴雨停工",
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.submit_deadline_override == date(2023, 7, 24)
    assert row.history.first().history_user.username == "sysadmin"


def test_it_lists_office_calendar_days_in_the_admin(superuser_client):
    WorkCalendarDay.objects.create(date=date(2023, 10, 21), is_workday=True, note="调休上班")
    response = superuser_client.get(reverse("admin:reporting_workcalendarday_changelist"), {"q": "调休"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_it_imports_the_state_council_list_with_chinese_headers():
    dataset = tablib.Dataset(headers=["日期", "是否工作日", "说明"])
    dataset.append(["2027-02-06", "否", "春节"])
    dataset.append(["2027年2月20日", "是", "春节调休上班"])
    result = WorkCalendarDayResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert not is_workday(date(2027, 2, 6))
    assert is_workday(date(2027, 2, 20)).note == "春节调休上班"


def test_it_refuses_an_unclear_workday_value_on_import():
    dataset = tablib.Dataset(headers=["日期", "是否工作日", "说明"])
    dataset.append(["2027-02-06", "x", "春节"])
    result = WorkCalendarDayResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert not WorkCalendarDay.objects.exists()
