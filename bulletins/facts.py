"""What the monthly 通报 and the 督办单 say, gathered from the rules that already decide it.

Only a forwarded month (ReportingMonth.forwarded_at) is drafted: its figures are the counted ones
(`reporting.counting`), judged by the board (`reporting.dashboards.board`), its timeliness is the
timeliness board's (`reporting.dashboards.timeliness`, from the real submission times) and its
escalations are the board's (`IndicatorLine.flagged`: behind time progress in two forwarded months
running; from the third quarter on the notice list too). Nothing here restates a status rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import BadRequest
from projects.models import PlanYear, Unit
from reporting.calendar.timeliness import Timeliness
from reporting.calendar.workcalendar import workdays_after
from reporting.dashboards.basis import month_label
from reporting.dashboards.board import Board, board
from reporting.dashboards.lines import IndicatorLine, Tally
from reporting.dashboards.timeliness import timeliness_matrix
from reporting.models import ReportingMonth, ReviewEvent

# A lead unit answers a 督办单 in writing within five working days of the month's forwarding: the
# week the county government's own weekly dispatch meeting allows, and before the next month's
# figures are taken on the 20th, so the measures it promises show in the next report.
REPLY_WORKING_DAYS = 5
# The 通报 names the units returned most often, not every unit returned once.
RETURNED_SHOWN = 5
# Where the plan names no leader (the README's convention for what the plan leaves open).
MISSING = gettext_lazy("⚠ 待补充")


class NotForwarded(BadRequest):
    """The month has not been forwarded upstream (or is no month): nothing is drafted from it.

    Raised in a view it is answered as the refusal page with the message (`core.middleware`).
    """

    status_code = 409


@dataclass(frozen=True)
class LateUnit:
    unit: Unit
    rows: int  # rows the unit leads
    late: int  # rows submitted after the deadline
    missing: int  # rows never submitted for the month
    day: date | None  # the unit's last submission (late) or the month's deadline (missing)


@dataclass(frozen=True)
class ReturnedUnit:
    unit: Unit
    returns: int  # 退回 events in the month
    rows: int  # distinct rows returned


@dataclass
class SupervisedUnit:
    """A lead unit with indicators on the board's escalation list: one 督办单."""

    unit: Unit
    lines: list[IndicatorLine] = field(default_factory=list)

    @property
    def leaders(self) -> list[str]:
        """The leaders to copy, in the order the lines name them; ⚠ 待补充 for a row with none."""
        names: list[str] = []
        for line in self.lines:
            leader = line.task_row.leader
            name = leader.name if leader else str(MISSING)
            if name not in names:
                names.append(name)
        return names

    @property
    def notices(self) -> int:
        return sum(1 for line in self.lines if line.notice)


@dataclass
class MonthFacts:
    reporting_month: ReportingMonth
    board: Board
    late: list[LateUnit]
    missing: list[LateUnit]
    returned: list[ReturnedUnit]
    reply_deadline: date

    @property
    def plan_year(self) -> PlanYear:
        return self.reporting_month.plan_year

    @property
    def year(self) -> int:
        return self.plan_year.year

    @property
    def month(self) -> int:
        return self.reporting_month.month

    @property
    def label(self) -> str:
        """ "2023年5月" """
        return month_label(self.year, self.month)

    @property
    def forwarded_on(self) -> date:
        return timezone.localdate(self.reporting_month.forwarded_at)

    @property
    def overall(self) -> Tally:
        return self.board.overall()

    @property
    def tiers(self) -> list[Tally]:
        return self.board.tier_tallies()

    @property
    def behind(self) -> list[IndicatorLine]:
        return self.board.behind()

    @property
    def supervised(self) -> list[SupervisedUnit]:
        """Each lead unit with a flagged indicator, the unit with the most first, then by name."""
        by_unit: dict[int, SupervisedUnit] = {}
        for line in self.board.flagged():
            unit = line.task_row.lead_unit
            by_unit.setdefault(unit.pk, SupervisedUnit(unit)).lines.append(line)
        return sorted(by_unit.values(), key=lambda item: (-len(item.lines), item.unit.name))

    def supervised_unit(self, unit_id: int) -> SupervisedUnit | None:
        return next((item for item in self.supervised if item.unit.pk == unit_id), None)


def forwarded_month(*, year: int, month: int) -> ReportingMonth:
    """The month's row if it has been forwarded; NotForwarded with the reason in Chinese otherwise."""
    words = {"year": year, "month": month}
    if not 1 <= month <= 12:
        raise NotForwarded(_("月份应为1至12，收到：%(month)s。") % words)
    reporting_month = (
        ReportingMonth.objects.select_related("plan_year").filter(plan_year__year=year, month=month).first()
    )
    if reporting_month is None and not PlanYear.objects.filter(year=year).exists():
        raise NotForwarded(_("%(year)s年度不存在。") % words)
    if reporting_month is None or reporting_month.forwarded_at is None:
        raise NotForwarded(
            _(
                "%(year)s年%(month)s月的数据尚未上报，不能起草通报和督办单："
                "通报只依据已上报月份的已核验数据。请专班办公室在“审核报送”中上报本月数据后再下载。"
            )
            % words
        )
    return reporting_month


def _timeliness(plan_year: PlanYear, month: int) -> tuple[list[LateUnit], list[LateUnit]]:
    problems = timeliness_matrix(plan_year=plan_year).month_problems(month)
    late = [
        LateUnit(record.unit, cell.rows, cell.late, cell.missing, cell.last_submitted)
        for record, cell in problems[Timeliness.LATE]
    ]
    missing = [
        LateUnit(record.unit, cell.rows, cell.late, cell.missing, cell.deadline)
        for record, cell in problems[Timeliness.MISSING]
    ]
    late.sort(key=lambda item: (-item.late, item.unit.name))
    missing.sort(key=lambda item: (-item.missing, item.unit.name))
    return late, missing


def returned_units(*, reporting_month: ReportingMonth) -> list[ReturnedUnit]:
    """Lead units by the number of 退回 events on their rows in the month, most first; one query."""
    events = "led_task_rows__submissions__events"
    units = (
        Unit.objects.filter(
            ReviewEvent.returns(events), led_task_rows__submissions__reporting_month=reporting_month
        )
        .annotate(returns=Count(events), rows=Count("led_task_rows__submissions", distinct=True))
        .order_by("-returns", "name")
    )[:RETURNED_SHOWN]
    return [ReturnedUnit(unit, unit.returns, unit.rows) for unit in units]


def reply_deadline(forwarded_on: date) -> date:
    """The written reply to a 督办单 is due REPLY_WORKING_DAYS working days after the forwarding."""
    return workdays_after(forwarded_on, REPLY_WORKING_DAYS)


def month_facts(*, year: int, month: int) -> MonthFacts:
    """Everything the 通报 and the 督办单 of a forwarded month say; NotForwarded otherwise."""
    reporting_month = forwarded_month(year=year, month=month)
    plan_year = reporting_month.plan_year
    the_board = board(plan_year=plan_year, month=month)
    late, missing = _timeliness(plan_year, month)
    return MonthFacts(
        reporting_month=reporting_month,
        board=the_board,
        late=late,
        missing=missing,
        returned=returned_units(reporting_month=reporting_month),
        reply_deadline=reply_deadline(timezone.localdate(reporting_month.forwarded_at)),
    )
