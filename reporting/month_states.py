"""Each reporting month's state, for the month lists: 未开始, 填报中, 待审核, 待核验, 待上报, 已上报并截止.

Derived from the month's submissions, counted by status in one aggregate query for the whole year
(`month_counts`), against the number of task rows (in a unit's scope for a liaison): a month with any
row not submitted is 填报中; then the earliest step some row still waits for names the month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import PlanYear, TaskRow
from projects.participation import rows_of_unit
from reporting.calendar.deadlines import MonthSchedule, ensure_reporting_months, month_schedules
from reporting.models import ReportingMonth, Submission

Status = Submission.Status
# Rows a unit still has to submit: no submission yet, a draft, or returned to it.
NOT_SUBMITTED = (Status.DRAFT, Status.RETURNED)


def has_begun(reporting_month: ReportingMonth, today: date) -> bool:
    return (reporting_month.plan_year.year, reporting_month.month) <= (today.year, today.month)


class MonthState:
    NOT_STARTED = "not_started"
    FILLING = "filling"
    REVIEWING = "reviewing"
    VERIFYING = "verifying"
    READY = "ready"
    FORWARDED = "forwarded"
    LATE_REPORT = "late_report"

    LABELS = {
        NOT_STARTED: gettext_lazy("未开始"),
        FILLING: gettext_lazy("填报中"),
        REVIEWING: gettext_lazy("待审核"),
        VERIFYING: gettext_lazy("待核验"),
        READY: gettext_lazy("待上报"),
        FORWARDED: gettext_lazy("已上报并截止"),
        LATE_REPORT: gettext_lazy("已上报，补报中"),
    }


@dataclass
class MonthLine:
    """One month of the year: how far its rows have gone, and the one word for it."""

    schedule: MonthSchedule
    rows: int  # task rows of the year (in the unit's scope for a liaison)
    counts: dict[str, int]  # status → submissions
    late_open: int  # 补报 rows not verified yet
    today: date
    url: str = ""

    @property
    def reporting_month(self) -> ReportingMonth:
        return self.schedule.reporting_month

    @property
    def label(self) -> str:
        return self.schedule.label

    @property
    def not_submitted(self) -> int:
        done = sum(self.counts.get(status, 0) for status in Status.values if status not in NOT_SUBMITTED)
        return self.rows - done

    @property
    def overdue(self) -> bool:
        return self.state == MonthState.FILLING and self.today > self.schedule.submit_deadline

    @property
    def state(self) -> str:
        if self.reporting_month.is_closed:
            return MonthState.LATE_REPORT if self.late_open else MonthState.FORWARDED
        if not has_begun(self.reporting_month, self.today) and not any(self.counts.values()):
            return MonthState.NOT_STARTED
        if self.not_submitted > 0:
            return MonthState.FILLING
        if self.counts.get(Status.SUBMITTED):
            return MonthState.REVIEWING
        if self.counts.get(Status.APPROVED):
            return MonthState.VERIFYING
        return MonthState.READY

    @property
    def state_label(self) -> str:
        return str(MonthState.LABELS[self.state])

    @property
    def summary(self) -> str:
        """The counts behind the word, e.g. "未提交3 · 待审核2 · 待核验1 · 已核验20"."""
        if self.state == MonthState.NOT_STARTED:
            return ""
        parts = [
            (_("未提交"), self.not_submitted if not self.reporting_month.is_closed else 0),
            (_("待审核"), self.counts.get(Status.SUBMITTED, 0)),
            (_("待核验"), self.counts.get(Status.APPROVED, 0)),
            (_("已核验"), self.counts.get(Status.VERIFIED, 0)),
            (_("已上报"), self.counts.get(Status.FORWARDED, 0)),
            (_("截止未报"), self.counts.get(Status.CLOSED, 0)),
        ]
        return " · ".join(f"{label}{count}" for label, count in parts if count)


def month_counts(*, months: list[ReportingMonth], rows=None) -> dict[int, tuple[dict[str, int], int]]:
    """month id → ({status: submissions}, open 补报 rows), for the rows given (all when None); one query."""
    submissions = Submission.objects.filter(reporting_month__in=months)
    if rows is not None:
        submissions = submissions.filter(task_row__in=rows)
    aggregates = {status: Count("pk", filter=Q(status=status)) for status in Status.values}
    aggregates["late_open"] = Count(
        "pk", filter=Q(late_report=True) & ~Q(status__in=[Status.VERIFIED, Status.FORWARDED])
    )
    result = {}
    for line in submissions.order_by().values("reporting_month_id").annotate(**aggregates):
        result[line["reporting_month_id"]] = (
            {status: line[status] for status in Status.values},
            line["late_open"],
        )
    return result


def month_list(*, plan_year: PlanYear, today: date, unit=None) -> list[MonthLine]:
    """The year's twelve months with their state; for a unit, over the rows it takes part in. Four queries."""
    months = ensure_reporting_months(plan_year=plan_year)
    for item in months:
        item.plan_year = plan_year
    rows = TaskRow.objects.filter(project__tier__plan_year=plan_year)
    if unit is not None:
        rows = rows_of_unit(unit).filter(project__tier__plan_year=plan_year)
    total = rows.count()
    counts = month_counts(months=months, rows=rows if unit is not None else None)
    lines = []
    for schedule in month_schedules(reporting_months=months):
        by_status, late_open = counts.get(schedule.reporting_month.pk, ({}, 0))
        lines.append(MonthLine(schedule, total, by_status, late_open, today))
    return lines
