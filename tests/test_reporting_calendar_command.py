"""`manage.py reporting_calendar`: a year's cutoffs and deadlines, printed for the office."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from projects.models import PlanYear
from reporting.models import ReportingMonth

pytestmark = pytest.mark.django_db


def _run(year: int) -> str:
    out = io.StringIO()
    call_command("reporting_calendar", "--year", str(year), stdout=out)
    return out.getvalue()


def test_it_prints_the_moved_2023_deadlines(plan_2023):
    output = _run(2023)
    for moved in [
        "2023-01-28（周六）＊",
        "2023-04-23（周日）＊",
        "2023-06-25（周日）＊",
        "2023-07-24（周一）＊",
    ]:
        assert moved in output
    assert "2023-10-23（周一）＊" in output


def test_it_prints_unmoved_deadlines_without_a_mark(plan_2023):
    line = next(line for line in _run(2023).splitlines() if line.startswith("2月"))
    assert "2023-02-21（周二）" in line and "2023-02-22（周三）" in line
    assert "＊" not in line


def test_it_explains_why_a_deadline_moved(plan_2023):
    output = _run(2023)
    assert "6月上报截止：22日为端午节，顺延至25日（周日，端午节调休上班）" in output
    assert "5月报送截止：21日为周日，顺延至22日（周一）" in output


def test_it_creates_the_reporting_months(plan_2023):
    _run(2023)
    assert ReportingMonth.objects.filter(plan_year=plan_2023).count() == 12


def test_it_prints_an_office_override_with_its_reason(plan_2023):
    _run(2023)
    ReportingMonth.objects.filter(plan_year=plan_2023, month=5).update(
        submit_deadline_override=date(2023, 5, 25), override_reason="省平台升级"
    )
    output = _run(2023)
    assert "2023-05-25（周四）△" in output
    assert "5月报送截止：调整为2023-05-25（按日历为2023-05-22），原因：省平台升级" in output


def test_it_warns_when_no_calendar_knows_the_year(db):
    PlanYear.objects.create(year=2027, title="2027年测试方案", adjustment_deadline=date(2027, 3, 31))
    output = _run(2027)
    assert "2027年的法定节假日尚未录入，截止日仅按周末顺延。" in output
    assert "2027-08-23（周一）＊" in output


def test_it_refuses_a_year_without_a_plan(db):
    with pytest.raises(CommandError, match="2031年度不存在"):
        _run(2031)
