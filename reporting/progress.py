"""How progress is judged: completion rate, time progress (序时进度) and red-amber-green.

Each indicator kind is judged in its own way:
- a cumulative quantity (and an "of which" figure) by its completion rate against time progress;
- a standard to reach is done once reached, otherwise judged by how far it moved from its baseline;
- a percentage against its threshold, or against its baseline when it must improve on it;
- a milestone by the stage reached against its target stage (`stage_rule_table` shows the table).
An ongoing target (继续推进, 稳步提升, 持续改善: a milestone whose target stage is 推进中, or a
figure to improve on its baseline) is never 已完成 before the year-end evaluation, only 正常推进
or 滞后. A month with no counted figure is 本月未报送, never 未开展; 未开展 is a counted figure
of nothing done. A target still pending (待下达) cannot be judged.
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
    NOT_REPORTED = "not_reported", _("本月未报送")
    PENDING = "pending", _("目标待下达")


# Worst first, for "worst first" lists.
SEVERITY = [
    Status.SERIOUSLY_BEHIND,
    Status.BEHIND,
    Status.NOT_STARTED,
    Status.NOT_REPORTED,
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
    Status.NOT_REPORTED: "grey",
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
            "比率类指标不论月份，按当前比率与目标值的差距判定；节点任务按已达到的节点判定（见节点判定表）；"
            "“继续推进”“稳步提升”“持续改善”等持续性目标在年终评估前不计“已完成”，达到要求为正常推进，"
            "未达到为滞后。"
        ),
        _(
            "只计县统计局已核验的数据；当月没有已核验数据的为“本月未报送”，并显示最近一次已核验的数据及其月份；"
            "已核验的累计数为0或节点为“未启动”的为“未开展”；方案未下达目标的为“目标待下达”，不作判定。"
        ),
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


def is_ongoing(indicator: Indicator) -> bool:
    """A target that keeps moving (继续推进, 稳步提升, 持续改善): judged 正常推进 or 滞后 until year end."""
    if indicator.kind == Indicator.Kind.MILESTONE:
        return indicator.target_stage == Indicator.Stage.UNDERWAY
    return indicator.operator == Indicator.Operator.IMPROVE_ON_BASELINE


def _reached(elapsed: Decimal, *, year_end: bool) -> Judgement:
    """An ongoing target met so far: 已完成 only at the year-end evaluation."""
    if year_end:
        return Judgement(Status.DONE, HUNDRED, elapsed, Decimal(0))
    return Judgement(Status.ON_TRACK, None, elapsed, None)


def _judge_milestone(
    indicator: Indicator, stage: int | None, elapsed: Decimal, limits, year_end
) -> Judgement:
    if stage is None:
        return Judgement(Status.NOT_REPORTED, None, elapsed, None)
    if stage == Indicator.Stage.NOT_STARTED:
        return Judgement(Status.NOT_STARTED, Decimal(0), elapsed, None)
    goal = indicator.target_stage or Indicator.Stage.COMPLETED
    if is_ongoing(indicator):
        if stage >= goal:
            return _reached(elapsed, year_end=year_end)
        return Judgement(Status.BEHIND, None, elapsed, None)
    if stage >= goal:
        return Judgement(Status.DONE, HUNDRED, elapsed, Decimal(0))
    return _by_gap(_percent(Decimal(stage), Decimal(goal)), elapsed, limits)


def judge(
    indicator: Indicator,
    *,
    value: Decimal | None,
    stage: int | None,
    elapsed: Decimal,
    limits: Thresholds = Thresholds(),  # noqa: B008 - frozen dataclass, safe as a default
    target: Decimal | None = None,
    year_end: bool = False,
) -> Judgement:
    """Judge one indicator's counted figure (None: no counted figure this month).

    `target` overrides the plan target (after an adjustment); `year_end` is the year-end
    evaluation, the only time an ongoing target is 已完成.
    """
    target = indicator.target_value if target is None else target
    kind = indicator.kind
    if kind == Indicator.Kind.MILESTONE:
        return _judge_milestone(indicator, stage, elapsed, limits, year_end)
    if indicator.operator == Indicator.Operator.IMPROVE_ON_BASELINE:
        if value is None:
            return Judgement(Status.NOT_REPORTED, None, elapsed, None)
        if value > indicator.baseline_value:
            return _reached(elapsed, year_end=year_end)
        return Judgement(Status.BEHIND, _percent(value, indicator.baseline_value), elapsed, None)
    if target is None:
        return Judgement(Status.PENDING, None, elapsed, None)
    if value is None:
        return Judgement(Status.NOT_REPORTED, None, elapsed, None)
    if value == 0 and kind in ADDITIVE_KINDS:
        return Judgement(Status.NOT_STARTED, Decimal(0), elapsed, None)
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
class StageRule:
    """One line of the milestone table: a target stage, a stage reached, and how it is judged."""

    target: str
    reached: str
    completion: str
    status: str


def stage_rule_table() -> list[StageRule]:
    """The milestone rules as a table, worked out by `judge` itself so the two never differ.

    A stage below a one-off goal is judged against time progress: the status column says so.
    """
    rows = []
    stages = list(reversed(Indicator.Stage))
    for goal in (Indicator.Stage.COMPLETED, Indicator.Stage.STARTED, Indicator.Stage.UNDERWAY):
        sample = Indicator(kind=Indicator.Kind.MILESTONE, target_stage=goal)
        goal_text = (
            goal.label
            if goal != Indicator.Stage.UNDERWAY
            else _("%(stage)s（持续推进类）") % {"stage": goal.label}
        )
        for reached in stages:
            early = judge(sample, value=None, stage=reached, elapsed=Decimal(0))
            late = judge(sample, value=None, stage=reached, elapsed=HUNDRED)
            if early.status != late.status:
                status = _("对照序时进度判定（正常推进、滞后或严重滞后）")
            else:
                status = early.status.label
            completion = f"{early.completion.normalize():f}%" if early.completion is not None else "—"
            rows.append(StageRule(str(goal_text), str(reached.label), completion, str(status)))
    return rows


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
