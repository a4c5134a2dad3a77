"""One indicator through the year: its monthly points and the corrections made to its figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext

from projects.models import Indicator, PlanYear
from reporting.calendar.deadlines import MONTHS
from reporting.counting import COUNTED, FORWARDED
from reporting.dashboards.basis import Basis
from reporting.dashboards.board import YearFigures, load_year
from reporting.dashboards.lines import signed_text, total_text
from reporting.increments import increment
from reporting.models import Contribution, Figure, ReviewEvent, Submission
from reporting.progress import (
    Judgement,
    Total,
    time_progress,
)

# --- one indicator -----------------------------------------------------------------------------


@dataclass
class MonthPoint:
    month: int
    elapsed: Decimal
    total: Total | None
    submission_id: int | None
    submission_status: str
    judgement: Judgement | None
    increment: Decimal | None
    funds: Decimal | None
    text: str = ""  # the figure as shown, with its measure
    increment_text: str = ""
    target: Decimal | None = None  # in force in the month

    @property
    def forwarded(self) -> bool:
        return self.submission_status == FORWARDED

    @property
    def status_display(self) -> str:
        return Submission.Status(self.submission_status).label if self.submission_status else ""

    @property
    def value(self) -> Decimal | None:
        if self.total is None:
            return None
        return Decimal(self.total.stage) if self.total.stage is not None else self.total.value


def indicator_months(
    *, indicator: Indicator, basis: Basis, year: YearFigures | None = None
) -> list[MonthPoint]:
    """The indicator's counted figure, increment, target and judgement month by month; five queries.

    Pass the `year` of a board whose lines include this indicator (`Board.year`) to reuse what
    it loaded: then one query, for the funds.
    """
    plan_year = basis.plan_year
    if year is None or not year.with_figures:
        year = load_year(
            plan_year,
            basis.limits,
            with_figures=True,
            indicator_ids=[indicator.pk],
            task_row_ids=[indicator.task_row_id],
        )
    funds = dict(
        Contribution.objects.filter(
            submission__reporting_month__plan_year=plan_year,
            submission__task_row_id=indicator.task_row_id,
            submission__status__in=COUNTED,
            funds_invested__isnull=False,
        )
        .values("submission__reporting_month__month")
        .annotate(total=Sum("funds_invested"))
        .order_by()
        .values_list("submission__reporting_month__month", "total")
    )
    points = []
    for month in MONTHS:
        submission_id, status = year.state(indicator, month)
        total = year.total(indicator, month, COUNTED)
        # 本月新增 against the previous counted cumulative, as the boards and exports take it.
        added = increment(indicator, total.value if total else None, year.previous_value(indicator, month))
        points.append(
            MonthPoint(
                month,
                time_progress(year=plan_year.year, month=month),
                total,
                submission_id,
                status,
                year.judge(indicator, month, total) if total is not None else None,
                added,
                funds.get(month) if status in COUNTED else None,
                text=total_text(indicator, total),
                increment_text=signed_text(indicator, added),
                target=year.target(indicator, month),
            )
        )
    return points


@dataclass(frozen=True)
class Correction:
    """A figure changed after it was first submitted, or a reviewer's return or reopening."""

    at: datetime
    month: int
    what: str
    who: str
    old: str
    new: str
    reason: str


def _name(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """A user's full name, else the username, from the columns alone (no user: "")."""
    if username is None:
        return ""
    return f"{first_name} {last_name}".strip() or username


def corrections(*, indicator: Indicator, plan_year: PlanYear) -> list[Correction]:
    """The history of corrections of an indicator's figures, newest first; two queries.

    Every historical record of the indicator is read, most of them only to compare with the
    next one: as plain columns, not model instances, which would cost far more than the query.
    """
    records = (
        Figure.history.filter(
            indicator_id=indicator.pk, contribution__submission__reporting_month__plan_year=plan_year
        )
        .order_by("contribution_id", "history_date", "history_id")
        .values_list(
            "contribution_id",
            "history_type",
            "history_date",
            "value",
            "stage",
            "history_change_reason",
            "contribution__submission__first_submitted_at",
            "contribution__submission__reporting_month__month",
            "contribution__unit__name",
            "history_user__first_name",
            "history_user__last_name",
            "history_user__username",
        )
    )
    result, previous = [], None
    for record in records:
        contribution_id, history_type, history_date, value, stage, reason, first_submitted_at = record[:7]
        if (
            previous is not None
            and previous[0] == contribution_id
            and history_type == "~"
            and (value, stage) != (previous[3], previous[4])
            and first_submitted_at is not None
            and history_date > first_submitted_at
        ):
            month, unit_name, first_name, last_name, username = record[7:]
            result.append(
                Correction(
                    at=history_date,
                    month=month,
                    what=gettext("%(unit)s修改数据") % {"unit": unit_name},
                    who=_name(first_name, last_name, username),
                    old=indicator.figure_text(previous[3], previous[4], empty="—"),
                    new=indicator.figure_text(value, stage, empty="—"),
                    reason=reason or "",
                )
            )
        previous = record
    events = ReviewEvent.objects.filter(
        submission__task_row_id=indicator.task_row_id,
        submission__reporting_month__plan_year=plan_year,
        action__in=[ReviewEvent.Action.RETURN, ReviewEvent.Action.REOPEN],
    ).select_related("actor", "submission__reporting_month")
    for event in events:
        result.append(
            Correction(
                at=event.at,
                month=event.submission.reporting_month.month,
                what=event.get_action_display(),
                who=event.actor.get_full_name() or event.actor.get_username(),
                old="",
                new="",
                reason=event.reason,
            )
        )
    return sorted(result, key=lambda item: item.at, reverse=True)
