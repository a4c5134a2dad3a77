import unicodedata
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from projects.models import PlanYear
from reporting.calendar.deadlines import (
    DATA_CUTOFF_DAY,
    FORWARD_DAY,
    SUBMIT_DAY,
    MonthSchedule,
    ensure_reporting_months,
    year_schedule,
)
from reporting.calendar.workcalendar import weekday_name, year_coverage

MOVED = "＊"
OVERRIDDEN = "△"


def _width(text: str) -> int:
    # Chinese characters take two columns in a terminal; pad by what the eye sees.
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def _row(cells: list[str], widths: list[int]) -> str:
    return "".join(_pad(cell, width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def _date_cell(day: date, *, moved: bool, overridden: bool) -> str:
    mark = OVERRIDDEN if overridden else MOVED if moved else ""
    return f"{day:%Y-%m-%d}（{weekday_name(day)}）{mark}"


def _override_line(schedule: MonthSchedule, *, kind: str, day: date, calendar_day: date) -> str:
    return gettext("  %(month)s月%(kind)s：调整为%(day)s（按日历为%(calendar_day)s），原因：%(reason)s") % {
        "month": schedule.month,
        "kind": kind,
        "day": f"{day:%Y-%m-%d}",
        "calendar_day": f"{calendar_day:%Y-%m-%d}",
        "reason": schedule.override_reason,
    }


class Command(BaseCommand):
    help = "列出某年度每月的数据截止日、报送截止日和上报截止日（遇周末、法定节假日顺延）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="方案年度，如 2023")

    def handle(self, *args, year, **options):
        plan_year = PlanYear.objects.filter(year=year).first()
        if plan_year is None:
            raise CommandError(gettext("%(year)s年度不存在，请先导入或创建该年度方案。") % {"year": year})
        # The rows carry the office's overrides; creating missing ones is harmless and idempotent.
        ensure_reporting_months(plan_year=plan_year)
        schedules = year_schedule(plan_year)
        coverage = year_coverage(year)

        self.stdout.write(gettext("%(year)s年度报送日历") % {"year": year})
        self.stdout.write(
            gettext(
                "数据截至每月%(cutoff)s日；牵头单位%(submit)s日前报送；专班办公室、县统计局%(forward)s日前核验上报。"
                "截止日遇周末或法定节假日顺延至下一个工作日（调休上班日算工作日）。"
            )
            % {"cutoff": DATA_CUTOFF_DAY, "submit": SUBMIT_DAY, "forward": FORWARD_DAY}
        )
        self.stdout.write(gettext("节假日来源：%(source)s") % {"source": coverage.source.label})
        for warning in dict.fromkeys(s.calendar_warning for s in schedules if s.calendar_warning):
            self.stdout.write(self.style.WARNING(warning))
        self.stdout.write("")
        self._write_table(schedules)
        self._write_notes(schedules)

    def _write_table(self, schedules: list[MonthSchedule]) -> None:
        widths = [6, 20, 22, 22]
        header = [gettext("月份"), gettext("数据截至"), gettext("报送截止"), gettext("上报截止")]
        self.stdout.write(_row(header, widths))
        for schedule in schedules:
            row = [
                gettext("%(month)s月") % {"month": schedule.month},
                _date_cell(schedule.data_cutoff, moved=False, overridden=False),
                _date_cell(
                    schedule.submit_deadline,
                    moved=schedule.submit_moved,
                    overridden=schedule.submit_overridden,
                ),
                _date_cell(
                    schedule.forward_deadline,
                    moved=schedule.forward_moved,
                    overridden=schedule.forward_overridden,
                ),
            ]
            self.stdout.write(_row(row, widths))

    def _write_notes(self, schedules: list[MonthSchedule]) -> None:
        moves = []
        overrides = []
        for s in schedules:
            for kind, moved, reason in (
                (gettext("报送截止"), s.submit_moved, s.submit_move_reason),
                (gettext("上报截止"), s.forward_moved, s.forward_move_reason),
            ):
                if moved:
                    moves.append(
                        gettext("  %(month)s月%(kind)s：%(reason)s")
                        % {"month": s.month, "kind": kind, "reason": reason}
                    )
            for kind, overridden, day, calendar_day in (
                (gettext("报送截止"), s.submit_overridden, s.submit_deadline, s.submit_calendar_deadline),
                (gettext("上报截止"), s.forward_overridden, s.forward_deadline, s.forward_calendar_deadline),
            ):
                if overridden:
                    overrides.append(_override_line(s, kind=kind, day=day, calendar_day=calendar_day))
        if moves:
            self.stdout.write("")
            self.stdout.write(gettext("%(mark)s 顺延：") % {"mark": MOVED})
            for line in moves:
                self.stdout.write(line)
        if overrides:
            self.stdout.write("")
            self.stdout.write(gettext("%(mark)s 手工调整：") % {"mark": OVERRIDDEN})
            for line in overrides:
                self.stdout.write(line)
