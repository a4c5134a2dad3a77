"""How progress is judged: completion rate, time progress (序时进度) and red-amber-green.

Each indicator kind is judged in its own way:
- a cumulative quantity (and an "of which" figure) by its completion rate against time progress;
- a standard to reach is done once reached, otherwise judged by how far it moved from its baseline;
- a percentage against its threshold, or against its baseline when it must improve on it;
- a milestone by the stage reached against its target stage.
A target still pending (待下达) cannot be judged.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import F, Max, Sum
from django.utils.translation import gettext_lazy as _

from projects.models import ADDITIVE_KINDS, Indicator, PlanYear
from reporting.calendar.deadlines import DATA_CUTOFF_DAY
from reporting.models import Figure, ReportingMonth, StatusRule

HUNDRED = Decimal(100)
DEFAULT_AMBER_GAP = Decimal(10)
DEFAULT_RED_GAP = Decimal(30)


class Status(models.TextChoices):
    DONE = "done", _("已完成")
    ON_TRACK = "on_track", _("正常推进")
    BEHIND = "behind", _("滞后")
    SERIOUSLY_BEHIND = "seriously_behind", _("严重滞后")
    NOT_STARTED = "not_started", _("未开展")
    PENDING = "pending", _("目标待下达")


# Worst first, for "worst first" lists.
SEVERITY = [
    Status.SERIOUSLY_BEHIND,
    Status.BEHIND,
    Status.NOT_STARTED,
    Status.PENDING,
    Status.ON_TRACK,
    Status.DONE,
]
COLOUR = {
    Status.DONE: "green",
    Status.ON_TRACK: "green",
    Status.BEHIND: "amber",
    Status.SERIOUSLY_BEHIND: "red",
    Status.NOT_STARTED: "grey",
    Status.PENDING: "grey",
}
# Behind time progress: amber or red.
BEHIND_STATUSES = frozenset({Status.BEHIND, Status.SERIOUSLY_BEHIND})


@dataclass(frozen=True)
class Thresholds:
    amber_gap: Decimal = DEFAULT_AMBER_GAP
    red_gap: Decimal = DEFAULT_RED_GAP


def thresholds_for(plan_year: PlanYear) -> Thresholds:
    rule = StatusRule.objects.filter(plan_year=plan_year).first()
    return Thresholds(rule.amber_gap, rule.red_gap) if rule else Thresholds()


def _points(value: Decimal) -> str:
    return f"{value.normalize():f}"


def rule_sentences(limits: Thresholds) -> list[str]:
    """The rules of `judge`, in words, for the pages that show statuses."""
    words = {"amber": _points(limits.amber_gap), "red": _points(limits.red_gap)}
    return [
        _(
            "完成率落后序时进度不足%(amber)s个百分点为绿色（正常推进）；落后%(amber)s至%(red)s个百分点"
            "为黄色（滞后）；落后超过%(red)s个百分点为红色（严重滞后）；完成率达到100%%为已完成。"
        )
        % words,
        _("序时进度按每月%(day)s日（数据截止日）占全年天数的比例计算。") % {"day": DATA_CUTOFF_DAY},
        _(
            "比率类指标不论月份，按当前比率与目标值的差距判定；节点任务按已达到的节点判定；"
            "较基数改善的指标未超过基数即为滞后。"
        ),
        _("累计数为0或未填报为“未开展”；方案未下达目标的为“目标待下达”，不作判定。"),
    ]


def time_progress(*, year: int, month: int) -> Decimal:
    """Share of the year elapsed at the month's data cutoff day (the 20th), in percent."""
    day_of_year = date(year, month, DATA_CUTOFF_DAY).timetuple().tm_yday
    days = 366 if calendar.isleap(year) else 365
    return (Decimal(day_of_year) * HUNDRED / Decimal(days)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Judgement:
    status: Status
    completion: Decimal | None  # percent, None where it cannot be computed
    time_progress: Decimal
    gap: Decimal | None  # time progress minus completion, in points; positive means behind

    @property
    def colour(self) -> str:
        return COLOUR[self.status]

    @property
    def label(self) -> str:
        return self.status.label


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part * HUNDRED / whole).quantize(Decimal("0.1"))


def _by_gap(completion: Decimal, elapsed: Decimal, limits: Thresholds) -> Judgement:
    if completion >= HUNDRED:
        return Judgement(Status.DONE, completion, elapsed, Decimal(0))
    gap = elapsed - completion
    if gap > limits.red_gap:
        status = Status.SERIOUSLY_BEHIND
    elif gap >= limits.amber_gap:
        status = Status.BEHIND
    else:
        status = Status.ON_TRACK
    return Judgement(status, completion, elapsed, gap)


def judge(
    indicator: Indicator,
    *,
    value: Decimal | None,
    stage: int | None,
    elapsed: Decimal,
    limits: Thresholds = Thresholds(),  # noqa: B008 - frozen dataclass, safe as a default
    target: Decimal | None = None,
) -> Judgement:
    """Judge one indicator's figure; `target` overrides the plan target (after an adjustment)."""
    target = indicator.target_value if target is None else target
    kind = indicator.kind
    if kind == Indicator.Kind.MILESTONE:
        if not stage:
            return Judgement(Status.NOT_STARTED, Decimal(0) if stage == 0 else None, elapsed, None)
        goal = Decimal(indicator.target_stage or Indicator.Stage.COMPLETED)
        return _by_gap(min(HUNDRED, _percent(Decimal(stage), goal)), elapsed, limits)
    if indicator.operator == Indicator.Operator.IMPROVE_ON_BASELINE:
        if value is None:
            return Judgement(Status.NOT_STARTED, None, elapsed, None)
        if value > indicator.baseline_value:
            return Judgement(Status.DONE, HUNDRED, elapsed, Decimal(0))
        return Judgement(Status.BEHIND, _percent(value, indicator.baseline_value), elapsed, None)
    if target is None:
        return Judgement(Status.PENDING, None, elapsed, None)
    if value is None or (value == 0 and kind in ADDITIVE_KINDS):
        return Judgement(Status.NOT_STARTED, Decimal(0) if value == 0 else None, elapsed, None)
    reached = value > target if indicator.operator == Indicator.Operator.MORE_THAN else value >= target
    if reached:
        return Judgement(
            Status.DONE, max(HUNDRED, _percent(value, target)) if target else HUNDRED, elapsed, Decimal(0)
        )
    if kind == Indicator.Kind.STANDARD:
        baseline = indicator.baseline_value or Decimal(0)
        moved = _percent(value - baseline, target - baseline) if target > baseline else Decimal(0)
        return _by_gap(max(Decimal(0), moved), elapsed, limits)
    if kind == Indicator.Kind.RATIO:
        # A threshold is a state, not a cumulative count: below it, judge by
        # how far below, whatever the month.
        completion = _percent(value, target) if target else HUNDRED
        return _by_gap(completion, HUNDRED, limits)
    return _by_gap(_percent(value, target), elapsed, limits)


@dataclass(frozen=True)
class Total:
    value: Decimal | None
    stage: int | None


MONTH = "contribution__submission__reporting_month__month"


def _aggregate(figures, *, keys: list[str]) -> list[tuple[tuple, Total]]:
    """Sum additive figures, take the lead unit's figure otherwise: two grouped queries."""
    additive = (
        figures.filter(indicator__kind__in=ADDITIVE_KINDS, value__isnull=False)
        .values(*keys)
        .annotate(total=Sum("value"))
        .order_by()
    )
    # The few non-additive indicators, as a subquery: the database then looks up their figures
    # by indicator instead of joining every figure of the year to its indicator to exclude it.
    others = Indicator.objects.exclude(kind__in=ADDITIVE_KINDS).values("pk")
    lead_figures = (
        figures.filter(indicator_id__in=others)
        .filter(contribution__unit_id=F("indicator__task_row__lead_unit_id"))
        .values(*keys)
        .annotate(value=Max("value"), stage=Max("stage"))
        .order_by()
    )
    result = [(tuple(row[key] for key in keys), Total(row["total"], None)) for row in additive]
    result += [(tuple(row[key] for key in keys), Total(row["value"], row["stage"])) for row in lead_figures]
    return result


def month_totals(*, reporting_month: ReportingMonth, statuses: list[str] | None = None) -> dict[int, Total]:
    """Each indicator's figure for the month, in two aggregate queries.

    Additive indicators sum every unit's contribution; the others take the lead unit's figure.
    """
    figures = Figure.objects.filter(contribution__submission__reporting_month=reporting_month)
    if statuses is not None:
        figures = figures.filter(contribution__submission__status__in=statuses)
    return {key[0]: total for key, total in _aggregate(figures, keys=["indicator_id"])}


def year_totals(
    *, plan_year: PlanYear, statuses: list[str] | None = None, indicator_ids: list[int] | None = None
) -> dict[tuple[int, int], Total]:
    """Each indicator's figure for every month of the year, keyed (month, indicator id); two queries."""
    figures = Figure.objects.filter(contribution__submission__reporting_month__plan_year=plan_year)
    if statuses is not None:
        figures = figures.filter(contribution__submission__status__in=statuses)
    if indicator_ids is not None:
        figures = figures.filter(indicator_id__in=indicator_ids)
    return dict(_aggregate(figures, keys=[MONTH, "indicator_id"]))
