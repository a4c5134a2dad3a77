"""Which month a dashboard shows and which figures it counts (the basis).

Which month: the chosen one, else the latest month with forwarded figures (已报送). While a
year has no forwarded month, the latest month with verified figures stands in, and the page
says so. Which figures: the counted ones (`reporting.counting.COUNTED`), whatever the month;
every board states it (`counting_sentence`) and links the month being reported today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext

from projects.models import PlanYear
from reporting.calendar.deadlines import DATA_CUTOFF_DAY, MONTHS, current_reporting_month
from reporting.counting import COUNTED, FORWARDED, basis_sentence
from reporting.models import Submission
from reporting.progress import (
    Thresholds,
    thresholds_for,
    time_progress,
)


def month_label(year: int, month: int) -> str:
    return gettext("%(year)s年%(month)s月") % {"year": year, "month": month}


# --- which month, which figures ----------------------------------------------------------------


@dataclass(frozen=True)
class MonthData:
    """How far a month's submissions have gone."""

    month: int
    forwarded: int = 0
    verified: int = 0  # verified, not forwarded yet
    submitted: int = 0  # submitted at least once


@dataclass(frozen=True)
class Basis:
    """The month a dashboard shows and the figures it counts."""

    plan_year: PlanYear
    month: int | None
    forwarded: bool  # the month has forwarded figures: words the explanation only, counting is COUNTED
    chosen: bool  # the user picked the month
    limits: Thresholds
    months: tuple[MonthData, ...]

    @property
    def statuses(self) -> list[str]:
        return list(COUNTED)

    @property
    def elapsed(self) -> Decimal | None:
        return time_progress(year=self.plan_year.year, month=self.month) if self.month else None

    @property
    def label(self) -> str:
        return month_label(self.plan_year.year, self.month) if self.month else ""

    @property
    def escalation_month(self) -> int | None:
        """The latest forwarded month up to the one shown: escalation counts forwarded months only."""
        if self.month is None:
            return None
        return max(
            (item.month for item in self.months if item.forwarded and item.month <= self.month), default=None
        )

    @property
    def query(self) -> str:
        """The query string that keeps the same year and month on linked pages."""
        text = f"year={self.plan_year.year}"
        return f"{text}&month={self.month}" if self.month else text

    @property
    def explanation(self) -> str:
        """What the figures are, in one plain sentence."""
        if self.month is None:
            return gettext("本年度尚无已核验的月度数据，暂无可统计的内容。")
        words = {"month": self.label, "day": DATA_CUTOFF_DAY}
        if self.forwarded and self.chosen:
            return gettext("以下为%(month)s已报送的数据（统计截至当月%(day)s日）。") % words
        if self.forwarded:
            return (
                gettext("以下为%(month)s已报送的数据（最近一个已报送的月份，统计截至当月%(day)s日）。")
                % words
            )
        has_reviewed = any(item.month == self.month and item.verified for item in self.months)
        if not has_reviewed:
            return (
                gettext("%(month)s尚无已核验的数据，各指标显示为本月未报送，并列出最近一次已核验的数据。")
                % words
            )
        if self.chosen:
            return (
                gettext("%(month)s的数据尚未报送，以下为已核验（尚未报送）的数据，报送后以报送数据为准。")
                % words
            )
        return (
            gettext(
                "本年度尚无已报送的月份，以下暂按最近有已核验数据的%(month)s计算（已核验，尚未报送），"
                "报送后以报送数据为准。"
            )
            % words
        )


def counting_sentence() -> str:
    """What a board counts (`reporting.counting`), and what it shows for a month not in."""
    return gettext(
        "%(basis)s；当月没有已核验数据的指标显示为“本月未报送”，并列出最近一次已核验的数据及其月份。"
    ) % {"basis": basis_sentence(gettext("本页"))}


def current_month(*, plan_year: PlanYear, today: date) -> int | None:
    """The month being reported on `today` (`current_reporting_month`); None outside the plan year."""
    if today.year != plan_year.year:
        return None
    return current_reporting_month(plan_year=plan_year, today=today).month


def month_data(*, plan_year: PlanYear) -> tuple[MonthData, ...]:
    """Per month with any submission: how many are forwarded, verified, submitted. One query."""
    rows = (
        Submission.objects.filter(reporting_month__plan_year=plan_year)
        .values("reporting_month__month")
        .annotate(
            forwarded=Count("pk", filter=Q(status=FORWARDED)),
            verified=Count("pk", filter=Q(status=Submission.Status.VERIFIED)),
            submitted=Count("pk", filter=Q(first_submitted_at__isnull=False)),
        )
        .order_by("reporting_month__month")
    )
    return tuple(
        MonthData(row["reporting_month__month"], row["forwarded"], row["verified"], row["submitted"])
        for row in rows
    )


def dashboard_basis(*, plan_year: PlanYear, month: int | None = None) -> Basis:
    """The chosen month, else the latest forwarded month, else the latest verified month."""
    months = month_data(plan_year=plan_year)
    limits = thresholds_for(plan_year)
    chosen = month in MONTHS
    if not chosen:
        forwarded = [item.month for item in months if item.forwarded]
        verified = [item.month for item in months if item.verified]
        month = max(forwarded, default=None) or max(verified, default=None)
    has_forwarded = any(item.month == month and item.forwarded for item in months)
    return Basis(plan_year, month, has_forwarded, chosen, limits, months)
