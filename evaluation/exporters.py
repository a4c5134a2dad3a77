"""The unit score table (单位绩效考核得分表) as an Excel file, through the reporting exporter framework."""

from collections.abc import Iterator
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.xlsx import PERCENT, Column, SheetSpec, StreamingExporter, as_fraction
from evaluation.selectors import (
    FORMULA_TERMS,
    IndicatorOutcome,
    UnitScore,
    formula_text,
    indicator_outcomes,
    unit_scores,
    weights_for,
)
from projects.models import PlanYear


class UnitScoreExporter(StreamingExporter):
    """One line per lead unit with the facts and the score, then every indicator's outcome."""

    identifier = "unit_scores"
    verbose_name = gettext_lazy("单位绩效考核得分表")

    SCORE_COLUMNS = (
        Column(gettext_lazy("名次"), 6),
        Column(gettext_lazy("单位"), 22, wrap=True),
        Column(gettext_lazy("牵头任务行数"), 9, "0"),
        Column(gettext_lazy("牵头指标数"), 9, "0"),
        Column(gettext_lazy("已完成指标数"), 9, "0"),
        Column(gettext_lazy("任务完成率"), 10, PERCENT),
        Column(gettext_lazy("应报送数"), 9, "0"),
        Column(gettext_lazy("按时"), 7, "0"),
        Column(gettext_lazy("逾期"), 7, "0"),
        Column(gettext_lazy("未报送"), 7, "0"),
        Column(gettext_lazy("按时报送率"), 10, PERCENT),
        Column(gettext_lazy("已提交报送数"), 9, "0"),
        Column(gettext_lazy("被退回次数"), 9, "0"),
        Column(gettext_lazy("报送质量率"), 10, PERCENT),
        Column(gettext_lazy("认定合格指标数"), 9, "0"),
        Column(gettext_lazy("认定通过率"), 10, PERCENT),
        Column(gettext_lazy("得分"), 9, "0.00"),
    )
    OUTCOME_COLUMNS = (
        Column(gettext_lazy("牵头单位"), 22, wrap=True),
        Column(gettext_lazy("层级"), 12),
        Column(gettext_lazy("项目"), 28, wrap=True),
        Column(gettext_lazy("任务内容"), 22, wrap=True),
        Column(gettext_lazy("指标"), 26, wrap=True),
        Column(gettext_lazy("年度目标"), 14),
        Column(gettext_lazy("自评完成数"), 12),
        Column(gettext_lazy("认定完成数"), 12),
        Column(gettext_lazy("是否认定合格"), 10),
        Column(gettext_lazy("认定结果"), 24, wrap=True),
    )

    def __init__(self, *, plan_year: PlanYear, today: date):
        self.plan_year = plan_year
        self.today = today

    def get_filename(self) -> str:
        return f"{self.verbose_name}-{self.plan_year.year}.{self.extension}"

    def sheets(self) -> Iterator[SheetSpec]:
        weights = weights_for(self.plan_year)
        scores = unit_scores(plan_year=self.plan_year, today=self.today)
        yield SheetSpec(
            title=_("得分"),
            columns=self.SCORE_COLUMNS,
            heading=[
                _("%(year)s年度各单位重点民生实事绩效考核得分表") % {"year": self.plan_year.year},
                formula_text(weights),
                *[str(term) for term in FORMULA_TERMS],
                _("统计截至%(day)s。") % {"day": f"{self.today:%Y年%m月%d日}"},
            ],
            rows=(self._score_row(rank, score) for rank, score in enumerate(scores, start=1)),
        )
        yield SheetSpec(
            title=_("指标认定明细"),
            columns=self.OUTCOME_COLUMNS,
            heading=[_("%(year)s年度各指标完成与认定情况") % {"year": self.plan_year.year}],
            rows=(self._outcome_row(item) for item in indicator_outcomes(plan_year=self.plan_year)),
        )

    @staticmethod
    def _score_row(rank: int, score: UnitScore) -> tuple:
        return (
            rank,
            score.unit.name,
            score.rows,
            score.indicators,
            score.completed,
            as_fraction(score.shown(score.completion_rate)),
            score.due,
            score.on_time,
            score.late,
            score.missing,
            as_fraction(score.shown(score.timeliness_rate)),
            score.submitted,
            score.returns,
            as_fraction(score.shown(score.quality_rate)),
            score.certified,
            as_fraction(score.shown(score.certification_rate)),
            score.score,
        )

    @staticmethod
    def _outcome_row(item: IndicatorOutcome) -> tuple:
        task_row = item.indicator.task_row
        project = task_row.project
        certification = item.certification
        return (
            task_row.lead_unit.name,
            project.tier.short_name,
            str(project),
            task_row.title,
            item.indicator.name,
            item.target_text,
            item.self_text,
            item.certified_text,
            "" if certification is None else (_("合格") if certification.qualified else _("不合格")),
            str(item.outcome.label),
        )
