"""Reads of the year-end evaluation: each indicator's outcome, and each unit's yearly score.

Pages, the public notice and the Excel export all build on `indicator_outcomes` and
`unit_scores`; each costs a fixed handful of queries however large the year is.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from evaluation.models import Certification, ScoreWeights, SelfEvaluation, SelfEvaluationFigure
from projects.models import Indicator, PlanYear, TaskRow, Unit
from projects.targets import target_display, targets_for_month
from reporting.calendar.deadlines import year_schedule
from reporting.models import ReviewEvent, Submission
from reporting.progress import HUNDRED, Status, judge

YEAR_END = 12
RATE_PLACES = Decimal("0.1")
SCORE_PLACES = Decimal("0.01")


class Outcome(models.TextChoices):
    COMPLETED = "completed", _("已完成")
    NOT_APPLIED = "not_applied", _("未申请认定，视为未完成")
    NOT_CERTIFIED = "not_certified", _("未经核验认定，视为未完成")
    UNQUALIFIED = "unqualified", _("认定不合格，视为未完成")
    TARGET_PENDING = "target_pending", _("目标待下达，不能认定完成")
    BELOW_TARGET = "below_target", _("未达到目标")


@dataclass
class IndicatorOutcome:
    indicator: Indicator
    target: Decimal | None  # the year-end target in force (adjusted where approved)
    self_evaluation: SelfEvaluation | None
    self_figure: SelfEvaluationFigure | None
    certification: Certification | None
    outcome: Outcome

    @property
    def completed(self) -> bool:
        return self.outcome == Outcome.COMPLETED

    @property
    def applied(self) -> bool:
        return self.self_evaluation is not None and self.self_evaluation.is_submitted

    @property
    def certified_qualified(self) -> bool:
        return self.applied and self.certification is not None and self.certification.qualified

    @property
    def target_text(self) -> str:
        return target_display(self.indicator, self.target)

    @property
    def is_adjusted(self) -> bool:
        return self.target != self.indicator.target_value

    @property
    def self_text(self) -> str:
        return _figure_of(self.indicator, self.self_figure)

    @property
    def certified_text(self) -> str:
        return _figure_of(self.indicator, self.certification)


def _figure_of(indicator: Indicator, figure) -> str:
    return indicator.figure_text(figure.value, figure.stage, measure=True) if figure is not None else ""


def _outcome(indicator, target, self_evaluation, certification) -> Outcome:
    if self_evaluation is None or not self_evaluation.is_submitted:
        return Outcome.NOT_APPLIED
    if certification is None:
        return Outcome.NOT_CERTIFIED
    if not certification.qualified:
        return Outcome.UNQUALIFIED
    judgement = judge(
        indicator,
        value=certification.value,
        stage=certification.stage,
        elapsed=HUNDRED,
        target=target,
        year_end=True,
    )
    if judgement.status == Status.PENDING:
        return Outcome.TARGET_PENDING
    if judgement.status != Status.DONE:
        return Outcome.BELOW_TARGET
    return Outcome.COMPLETED


def indicator_outcomes(*, plan_year: PlanYear, lead_unit: Unit | None = None) -> list[IndicatorOutcome]:
    """Every indicator of the year (or of the rows a unit leads), in plan order, with its outcome."""
    indicators = Indicator.objects.filter(task_row__project__tier__plan_year=plan_year)
    if lead_unit is not None:
        indicators = indicators.filter(task_row__lead_unit=lead_unit)
    indicators = list(
        indicators.select_related("task_row__project__tier", "task_row__lead_unit", "parent").order_by(
            "task_row__project__tier__position", "task_row__project__number", "task_row__position", "position"
        )
    )
    row_ids = {indicator.task_row_id for indicator in indicators}
    evaluations = {item.task_row_id: item for item in SelfEvaluation.objects.filter(task_row_id__in=row_ids)}
    figures = {
        item.indicator_id: item
        for item in SelfEvaluationFigure.objects.filter(self_evaluation__task_row_id__in=row_ids)
    }
    certifications = {
        item.indicator_id: item for item in Certification.objects.filter(indicator__in=indicators)
    }
    targets = targets_for_month(plan_year=plan_year, month=YEAR_END)
    result = []
    for indicator in indicators:
        evaluation = evaluations.get(indicator.task_row_id)
        certification = certifications.get(indicator.pk)
        target = targets.get(indicator.pk)
        result.append(
            IndicatorOutcome(
                indicator=indicator,
                target=target,
                self_evaluation=evaluation,
                self_figure=figures.get(indicator.pk),
                certification=certification,
                outcome=_outcome(indicator, target, evaluation, certification),
            )
        )
    return result


# --- unit scores --------------------------------------------------------------------------------


def weights_for(plan_year: PlanYear) -> ScoreWeights:
    """The office's weights for the year, or the defaults (unsaved) until it sets them."""
    weights = ScoreWeights.objects.filter(plan_year=plan_year).first()
    return weights or ScoreWeights(plan_year=plan_year, **ScoreWeights.DEFAULTS)


def formula_text(weights: ScoreWeights) -> str:
    return str(
        _("得分 = 任务完成率 × %(c)s%% + 按时报送率 × %(t)s%% + 报送质量率 × %(q)s%% + 认定通过率 × %(k)s%%")
        % {
            "c": weights.completion_weight,
            "t": weights.timeliness_weight,
            "q": weights.quality_weight,
            "k": weights.certification_weight,
        }
    )


FORMULA_TERMS = [
    _(
        "任务完成率 = 已完成的指标数 ÷ 牵头的指标数 × 100。"
        "已完成指：已提交自评申请认定、经县统计局核验认定合格，且认定数达到年度目标（经批准调整的，按调整后的目标）。"
    ),
    _(
        "按时报送率 = 按时提交的月度报送数 ÷ 应报送数 × 100。"
        "应报送数 = 牵头的分解任务行数 × 报送截止日已过的月数；逾期提交和未报送都不计入按时。"
    ),
    _("报送质量率 = (1 − 被退回次数 ÷ 已提交的月度报送数) × 100，最低为0；没有提交过报送的为0。"),
    _("认定通过率 = 已申请认定且认定合格的指标数 ÷ 牵头的指标数 × 100（不论是否达到目标）。"),
    _("各项比率分母为0时按0计；各项比率按原值计算，得分四舍五入保留两位小数。"),
]


def _rate(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal(0)
    return Decimal(part) * HUNDRED / Decimal(whole)


@dataclass
class UnitScore:
    """One lead unit's facts for the year and the score they give under the year's weights."""

    unit: Unit
    weights: ScoreWeights
    rows: int = 0
    indicators: int = 0
    completed: int = 0
    certified: int = 0
    due: int = 0
    on_time: int = 0
    late: int = 0
    submitted: int = 0
    returns: int = 0

    @property
    def missing(self) -> int:
        return self.due - self.on_time - self.late

    @property
    def completion_rate(self) -> Decimal:
        return _rate(self.completed, self.indicators)

    @property
    def timeliness_rate(self) -> Decimal:
        return _rate(self.on_time, self.due)

    @property
    def quality_rate(self) -> Decimal:
        if not self.submitted:
            return Decimal(0)
        return max(Decimal(0), HUNDRED - _rate(self.returns, self.submitted))

    @property
    def certification_rate(self) -> Decimal:
        return _rate(self.certified, self.indicators)

    @property
    def score(self) -> Decimal:
        weighted = (
            self.completion_rate * self.weights.completion_weight
            + self.timeliness_rate * self.weights.timeliness_weight
            + self.quality_rate * self.weights.quality_weight
            + self.certification_rate * self.weights.certification_weight
        ) / HUNDRED
        return weighted.quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)

    def shown(self, rate: Decimal) -> Decimal:
        return rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def due_months(plan_year: PlanYear, *, today: date) -> list[int]:
    """Months whose submit deadline (calendar or office override) has passed by `today`."""
    return [schedule.month for schedule in year_schedule(plan_year) if schedule.submit_deadline < today]


def unit_scores(*, plan_year: PlanYear, today: date, unit: Unit | None = None) -> list[UnitScore]:
    """A score for every unit that leads a task row of the year (or for the one unit), best first."""
    weights = weights_for(plan_year)
    rows = TaskRow.objects.filter(project__tier__plan_year=plan_year)
    if unit is not None:
        rows = rows.filter(lead_unit=unit)
    row_units = dict(rows.values_list("pk", "lead_unit_id"))
    units = {item.pk: item for item in Unit.objects.filter(pk__in=set(row_units.values()))}
    scores = {pk: UnitScore(unit=item, weights=weights) for pk, item in units.items()}
    for unit_id in row_units.values():
        scores[unit_id].rows += 1
    outcomes = indicator_outcomes(plan_year=plan_year, lead_unit=unit)
    for item in outcomes:
        score = scores[item.indicator.task_row.lead_unit_id]
        score.indicators += 1
        score.completed += item.completed
        score.certified += item.certified_qualified
    months = set(due_months(plan_year, today=today))
    for score in scores.values():
        score.due = score.rows * len(months)
    submissions = Submission.objects.filter(
        task_row_id__in=row_units, reporting_month__plan_year=plan_year, first_submitted_at__isnull=False
    ).values_list("task_row_id", "reporting_month__month", "on_time")
    for row_id, month, on_time in submissions:
        score = scores[row_units[row_id]]
        score.submitted += 1
        if month in months:
            if on_time:
                score.on_time += 1
            else:
                score.late += 1
    returns = (
        ReviewEvent.objects.filter(
            action=ReviewEvent.Action.RETURN,
            submission__task_row_id__in=row_units,
            submission__reporting_month__plan_year=plan_year,
        )
        .values("submission__task_row__lead_unit_id")
        .annotate(count=Count("pk"))
    )
    for item in returns:
        scores[item["submission__task_row__lead_unit_id"]].returns = item["count"]
    return sorted(scores.values(), key=lambda score: (-score.score, score.unit.name))


# --- the facts behind one unit's score ----------------------------------------------------------


@dataclass
class MonthCell:
    month: int
    due: bool
    submission: Submission | None

    @property
    def state(self) -> str:
        if self.submission is not None and self.submission.first_submitted_at is not None:
            return "on_time" if self.submission.on_time else "late"
        return "missing" if self.due else "not_due"

    @property
    def label(self) -> str:
        return {
            "on_time": _("按时"),
            "late": _("逾期"),
            "missing": _("未报送"),
            "not_due": _("未到期"),
        }[self.state]


@dataclass
class RowFacts:
    task_row: TaskRow
    months: list[MonthCell] = field(default_factory=list)


def unit_facts(*, plan_year: PlanYear, unit: Unit, today: date) -> dict:
    """Everything behind a unit's score: outcomes per indicator, submissions per row and month, returns."""
    months = set(due_months(plan_year, today=today))
    rows = list(
        TaskRow.objects.filter(project__tier__plan_year=plan_year, lead_unit=unit)
        .select_related("project__tier")
        .order_by("project__tier__position", "project__number", "position")
    )
    submissions = {
        (item.task_row_id, item.reporting_month.month): item
        for item in Submission.objects.filter(
            task_row__in=rows, reporting_month__plan_year=plan_year
        ).select_related("reporting_month")
    }
    row_facts = [
        RowFacts(
            task_row=row,
            months=[
                MonthCell(month, month in months, submissions.get((row.pk, month))) for month in range(1, 13)
            ],
        )
        for row in rows
    ]
    returns = list(
        ReviewEvent.objects.filter(
            action=ReviewEvent.Action.RETURN,
            submission__task_row__in=rows,
            submission__reporting_month__plan_year=plan_year,
        )
        .select_related("submission__task_row__project", "submission__reporting_month")
        .order_by("at", "pk")
    )
    return {
        "outcomes": indicator_outcomes(plan_year=plan_year, lead_unit=unit),
        "rows": row_facts,
        "returns": returns,
    }


def evaluation_overview(*, plan_year: PlanYear, lead_unit: Unit | None = None) -> list[dict]:
    """Task rows of the year with their self-evaluation and how many indicators are certified."""
    rows = TaskRow.objects.filter(project__tier__plan_year=plan_year)
    if lead_unit is not None:
        rows = rows.filter(
            Q(lead_unit=lead_unit) | Q(parties__unit=lead_unit, parties__role="co_lead")
        ).distinct()
    rows = list(
        rows.select_related("project__tier", "lead_unit")
        .annotate(
            indicator_total=Count("indicators", distinct=True),
            certified_total=Count("indicators__certification", distinct=True),
        )
        .order_by("project__tier__position", "project__number", "position")
    )
    evaluations = {item.task_row_id: item for item in SelfEvaluation.objects.filter(task_row__in=rows)}
    return [{"row": row, "evaluation": evaluations.get(row.pk)} for row in rows]
