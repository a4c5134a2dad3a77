"""The monthly progress report (月度调度表) as an Excel file.

The first sheet is the one sent upstream: ten columns an upstream reader needs, laid out to print
on A3 landscape at 100 % (`core.xlsx_print`), with the month's status (上报 or not) and the
counting basis in its heading. The full detail (every column: funds, timeliness, review status,
figures awaiting review, the latest counted figure) follows on a data sheet with a frozen header
and a filter, then who submitted when, and the judging rules.

Every sheet states its basis in its heading (`reporting.counting.basis_heading`): the report
counts verified figures only; those awaiting review have a column of their own, outside every
total, and the judging rules are written out on a sheet of their own (判定规则).
"""

from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.xlsx import (
    DATE,
    DATETIME,
    MONEY,
    PERCENT,
    Column,
    Formatted,
    SheetSpec,
    StreamingExporter,
    as_fraction,
    number_format_for,
)
from core.xlsx_print import Band, Line, PrintSheetSpec
from projects.models import Indicator
from reporting.calendar.timeliness import Timeliness
from reporting.counting import basis_heading
from reporting.exports.monthly import (
    MonthContext,
    MonthlyFilter,
    MonthlyLine,
    Reading,
    SubmissionLine,
    month_context,
    monthly_lines,
    status_label,
    submission_lines,
)
from reporting.models import Submission
from reporting.progress import (
    Thresholds,
    judge,
    rule_sentences,
    stage_rule_table,
    thresholds_for,
    time_progress,
)


def _rules(limits: Thresholds) -> list[str]:
    return [str(sentence) for sentence in rule_sentences(limits)]


def _date_text(day) -> str:
    return _("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month, "day": day.day}


TIER_NUMERALS = "一二三四五六七八九十"


def _tier_band(position: int, name: str) -> Band:
    numeral = TIER_NUMERALS[position - 1] if 0 < position <= len(TIER_NUMERALS) else str(position)
    return Band(
        f"{numeral}、{name}", continued=_("%(numeral)s、%(tier)s（续）") % {"numeral": numeral, "tier": name}
    )


def month_status(context: MonthContext) -> str:
    """Whether the month was forwarded upstream, when and by whom: the print sheet's heading says so."""
    month = context.schedule.reporting_month
    if month is None or month.forwarded_at is None:
        return _("本月状态：未上报。本表数据尚未经专班办公室上报，可能随审核变动。")
    moment = timezone.localtime(month.forwarded_at)
    user = month.forwarded_by
    return _("本月状态：已上报（%(date)s %(time)s，上报人：%(who)s）。") % {
        "date": _date_text(moment),
        "time": moment.strftime("%H:%M"),
        "who": user.get_full_name() or user.get_username(),
    }


class MonthlyReportExporter(StreamingExporter):
    """The monthly progress report (月度调度表): every indicator of the month, then who submitted when."""

    identifier = "monthly_report"
    verbose_name = gettext_lazy("月度调度表")

    INDICATOR_COLUMNS = (
        Column(gettext_lazy("序号"), 6),
        Column(gettext_lazy("层级"), 12),
        Column(gettext_lazy("项目"), 28, wrap=True),
        Column(gettext_lazy("任务内容"), 22, wrap=True),
        Column(gettext_lazy("牵头单位"), 16, wrap=True),
        Column(gettext_lazy("牵头领导"), 9),
        Column(gettext_lazy("指标"), 24, wrap=True),
        Column(gettext_lazy("计量单位"), 8),
        Column(gettext_lazy("目标"), 12),
        Column(gettext_lazy("累计完成"), 12),
        Column(gettext_lazy("本月新增"), 10),
        Column(gettext_lazy("完成率"), 9, PERCENT),
        Column(gettext_lazy("序时进度"), 9, PERCENT),
        Column(gettext_lazy("完成率与序时进度之差"), 11, PERCENT),
        Column(gettext_lazy("预警状态"), 10),
        Column(gettext_lazy("最近已核验数（月份）"), 14),
        Column(gettext_lazy("待审核数（不计入合计）"), 12),
        Column(gettext_lazy("各单位已核验数"), 24, wrap=True),
        Column(gettext_lazy("累计投入资金（万元）"), 12, MONEY),
        Column(gettext_lazy("报送情况"), 9),
        Column(gettext_lazy("审核状态"), 9),
        Column(gettext_lazy("进展情况"), 40, wrap=True),
        Column(gettext_lazy("存在问题"), 30, wrap=True),
    )
    # The print sheet: what an upstream reader needs, 200 width units, A3 landscape at 100 %.
    PRINT_COLUMNS = (
        Column(gettext_lazy("序号"), 5),
        Column(gettext_lazy("项目"), 26),
        Column(gettext_lazy("指标"), 26),
        Column(gettext_lazy("目标"), 12),
        Column(gettext_lazy("累计完成"), 10),
        Column(gettext_lazy("本月新增"), 10),
        Column(gettext_lazy("完成率"), 9, PERCENT),
        Column(gettext_lazy("序时进度"), 9, PERCENT),
        Column(gettext_lazy("状态"), 12),
        Column(gettext_lazy("牵头单位"), 16),
        Column(gettext_lazy("进展与问题"), 65),
    )
    # 项目 and 牵头单位 are merged down a task row's lines; text columns read from the left.
    PRINT_MERGED = (1, 9)
    PRINT_LEFT = (1, 2, 10)
    SUBMISSION_COLUMNS = (
        Column(gettext_lazy("序号"), 6),
        Column(gettext_lazy("层级"), 12),
        Column(gettext_lazy("项目"), 28, wrap=True),
        Column(gettext_lazy("任务内容"), 22, wrap=True),
        Column(gettext_lazy("牵头单位"), 18, wrap=True),
        Column(gettext_lazy("报送截止日"), 12, DATE),
        Column(gettext_lazy("首次提交时间"), 17, DATETIME),
        Column(gettext_lazy("最近提交时间"), 17, DATETIME),
        Column(gettext_lazy("报送情况"), 9),
        Column(gettext_lazy("逾期天数"), 9, "0"),
        Column(gettext_lazy("审核状态"), 9),
    )
    RULE_COLUMNS = (
        Column(gettext_lazy("目标节点"), 20),
        Column(gettext_lazy("已达到节点"), 12),
        Column(gettext_lazy("完成率"), 9),
        Column(gettext_lazy("预警状态"), 36, wrap=True),
    )

    def __init__(self, *, filters: MonthlyFilter):
        self.filters = filters
        self._notes: list[str] | None = None

    @property
    def year(self) -> int:
        return self.filters.plan_year.year

    def get_filename(self) -> str:
        return f"{self.verbose_name}-{self.year}年{self.filters.month}月.{self.extension}"

    def sheets(self) -> Iterator[SheetSpec]:
        context = month_context(self.filters)
        limits = thresholds_for(self.filters.plan_year)
        # One moment for every sheet's basis line.
        basis = basis_heading()
        yield self._print_sheet(context, limits, basis)
        yield self._indicator_sheet(context, limits, basis)
        yield self._submission_sheet(context, basis)
        yield self._rule_sheet(limits, basis)

    def _dates_note(self, context: MonthContext, elapsed: Decimal) -> str:
        schedule = context.schedule
        return _("数据截至%(cutoff)s；序时进度%(elapsed)s%%；报送截止日%(deadline)s。") % {
            "cutoff": _date_text(schedule.data_cutoff),
            "elapsed": elapsed,
            "deadline": _date_text(schedule.submit_deadline),
        }

    def _scope_notes(self, context: MonthContext) -> list[str]:
        """The filters and a demo warning, for the headings of both indicator sheets (one query)."""
        if self._notes is not None:
            return self._notes
        notes = self._notes = []
        if self.filters.describe():
            notes.append(_("筛选条件：%(filters)s") % {"filters": self.filters.describe()})
        if Submission.objects.filter(reporting_month_id=context.reporting_month_id, is_demo=True).exists():
            notes.append(_("注意：本表含演示数据，不是真实报送。"))
        return notes

    def _title(self) -> str:
        return _("隆回县重点民生实事月度调度表（%(year)s年%(month)s月）") % {
            "year": self.year,
            "month": self.filters.month,
        }

    # --- sheet 1: the print sheet --------------------------------------------------------------

    def _print_sheet(self, context: MonthContext, limits: Thresholds, basis: str) -> PrintSheetSpec:
        elapsed = time_progress(year=self.year, month=self.filters.month)
        return PrintSheetSpec(
            title=_("月度调度表"),
            columns=self.PRINT_COLUMNS,
            heading=[
                self._title(),
                f"{basis}{self._dates_note(context, elapsed)}",
                month_status(context),
                *self._scope_notes(context),
                _(
                    "累计完成、本月新增和完成率只计已核验数据；待审核数、投入资金、报送与审核情况"
                    "见“调度明细”工作表。"
                ),
            ],
            rows=self._print_rows(context, elapsed, limits),
            footer=lambda: [_("判定规则："), *_rules(limits), _("节点任务的判定见“判定规则”工作表。")],
            merged=self.PRINT_MERGED,
            left=self.PRINT_LEFT,
            clipped=_("……（全文见“调度明细”工作表）"),
        )

    def _print_rows(self, context: MonthContext, elapsed: Decimal, limits: Thresholds) -> Iterator:
        tier = None
        for number, line in enumerate(monthly_lines(self.filters, context), start=1):
            indicator, task_row = line.indicator, line.task_row
            if task_row.key[0] != tier:
                tier = task_row.key[0]
                yield _tier_band(tier, task_row.tier_name)
            judgement = judge(
                indicator,
                value=line.value,
                stage=line.stage,
                elapsed=elapsed,
                limits=limits,
                target=line.target,
            )
            project = task_row.project_text + (f"\n{task_row.title}" if task_row.title else "")
            name = f"{indicator.name}（{indicator.measure}）" if indicator.measure else indicator.name
            narrative = line.narrative.progress_text
            if line.narrative.problems_text:
                problems = _("存在问题：%(problems)s") % {"problems": line.narrative.problems_text}
                narrative = f"{narrative}\n{problems}" if narrative else problems
            yield Line(
                (
                    number,
                    project,
                    name,
                    self._target(indicator, line.target),
                    self._figure(indicator, Reading(line.value, line.stage)),
                    self._number(indicator, line.increment),
                    as_fraction(judgement.completion),
                    as_fraction(elapsed),
                    str(judgement.label),
                    task_row.lead_unit_name,
                    narrative,
                ),
                group=task_row.key,
            )

    # --- sheet 2: every column of the indicators -----------------------------------------------

    def _indicator_sheet(self, context: MonthContext, limits: Thresholds, basis: str) -> SheetSpec:
        filters = self.filters
        elapsed = time_progress(year=self.year, month=filters.month)
        notes = [
            basis,
            self._dates_note(context, elapsed),
            _(
                "累计完成、完成率、本月新增和累计投入资金只计已核验数据；已提交、已审核未核验的数据列在"
                "“待审核数（不计入合计）”，草稿、已退回和截止未报的数据不列入本表。"
            ),
            _("累计投入资金为各单位填报之和，每项任务只列在其第一个指标所在行。"),
            _(
                "“各单位已核验数”逐个单位列出本月已核验的数据，牵头单位在前；可累加的指标以各单位之和"
                "为累计完成，其余指标取牵头单位的数据。"
            ),
            month_status(context),
            *self._scope_notes(context),
        ]
        return SheetSpec(
            title=_("调度明细"),
            columns=self.INDICATOR_COLUMNS,
            heading=[
                _("隆回县重点民生实事月度调度明细表（%(year)s年%(month)s月）")
                % {"year": self.year, "month": filters.month},
                *notes,
            ],
            rows=self._indicator_rows(context, elapsed, limits),
            footer=lambda: [
                _("判定规则："),
                *_rules(limits),
                _("节点任务的判定见“判定规则”工作表。"),
            ],
        )

    def _indicator_rows(self, context: MonthContext, elapsed: Decimal, limits: Thresholds) -> Iterator[tuple]:
        for number, line in enumerate(monthly_lines(self.filters, context, units=True), start=1):
            indicator, task_row, month = line.indicator, line.task_row, line.month
            judgement = judge(
                indicator,
                value=line.value,
                stage=line.stage,
                elapsed=elapsed,
                limits=limits,
                target=line.target,
            )
            completion = judgement.completion
            yield (
                number,
                task_row.tier_name,
                task_row.project_text,
                task_row.title,
                task_row.lead_unit_name,
                task_row.leader_name,
                indicator.name,
                indicator.measure,
                self._target(indicator, line.target),
                self._figure(indicator, Reading(line.value, line.stage)),
                self._number(indicator, line.increment),
                as_fraction(completion),
                as_fraction(elapsed),
                as_fraction(completion - elapsed) if completion is not None else None,
                str(judgement.label),
                self._latest_counted(line),
                self._figure(indicator, line.awaiting),
                line.units_text,
                month.funds if line.first_of_row else None,
                month.report_label,
                status_label(month.status),
                line.narrative.progress_text,
                line.narrative.problems_text,
            )

    @staticmethod
    def _target(indicator: Indicator, target: Decimal | None):
        """The target in force as a number where there is one; else 待下达, a stage or the plan's words."""
        if (
            indicator.kind == Indicator.Kind.MILESTONE
            or indicator.operator == Indicator.Operator.IMPROVE_ON_BASELINE
            or target is None
        ):
            return str(indicator.target_display)
        return Formatted(target, number_format_for(indicator.decimal_places))

    @staticmethod
    def _number(indicator: Indicator, value: Decimal | None):
        if value is None:
            return None
        return Formatted(value, number_format_for(indicator.decimal_places))

    @classmethod
    def _figure(cls, indicator: Indicator, reading: Reading):
        """A figure as a number with the indicator's decimals, or a milestone's stage name."""
        if indicator.kind == Indicator.Kind.MILESTONE:
            return str(Indicator.Stage(reading.stage).label) if reading.stage is not None else None
        return cls._number(indicator, reading.value)

    @staticmethod
    def _latest_counted(line: MonthlyLine) -> str | None:
        """ "1257（2月）": the latest counted figure of an earlier month, where this month has none."""
        latest = line.latest_counted
        if latest is None:
            return None
        indicator = line.indicator
        if indicator.kind == Indicator.Kind.MILESTONE:
            text = str(Indicator.Stage(latest.stage).label) if latest.stage is not None else ""
        else:
            text = indicator.format_number(latest.value)
        return _("%(figure)s（%(month)s月）") % {"figure": text, "month": latest.month}

    # --- sheet 3: who submitted when -----------------------------------------------------------

    def _submission_sheet(self, context: MonthContext, basis: str) -> SheetSpec:
        schedule = context.schedule
        deadline = _("报送截止日：%(deadline)s") % {"deadline": _date_text(schedule.submit_deadline)}
        if schedule.submit_overridden:
            deadline += _("（专班办公室调整：%(reason)s）") % {"reason": schedule.override_reason}
        elif schedule.submit_moved:
            deadline += f"（{schedule.submit_move_reason}）"
        counts = dict.fromkeys(Timeliness.values, 0)

        def rows() -> Iterator[tuple]:
            for number, line in enumerate(submission_lines(self.filters, context), start=1):
                counts[line.timeliness] += 1
                yield self._submission_row(number, line)

        def footer() -> list[str]:
            return [
                _("合计：按时%(on_time)s项，逾期%(late)s项，未报送%(missing)s项。")
                % {
                    "on_time": counts[Timeliness.ON_TIME] + counts[Timeliness.SUBMITTED],
                    "late": counts[Timeliness.LATE],
                    "missing": counts[Timeliness.MISSING],
                }
            ]

        return SheetSpec(
            title=_("报送情况"),
            columns=self.SUBMISSION_COLUMNS,
            heading=[
                _("%(year)s年%(month)s月各单位报送情况") % {"year": self.year, "month": self.filters.month},
                basis,
                deadline + _("；按首次提交时间判定是否按时（工作日顺延）。"),
            ],
            rows=rows(),
            footer=footer,
        )

    @staticmethod
    def _submission_row(number: int, line: SubmissionLine) -> tuple:
        task_row, month = line.task_row, line.month
        return (
            number,
            task_row.tier_name,
            task_row.project_text,
            task_row.title,
            task_row.lead_unit_name,
            line.deadline,
            month.first_submitted_at,
            month.submitted_at,
            month.report_label,
            line.days_late,
            status_label(month.status),
        )

    # --- sheet 4: the judging rules ------------------------------------------------------------

    def _rule_sheet(self, limits: Thresholds, basis: str) -> SheetSpec:
        """The rules behind 预警状态: the red-amber-green sentences and the milestone table."""
        return SheetSpec(
            title=_("判定规则"),
            columns=self.RULE_COLUMNS,
            heading=[_("预警状态判定规则"), basis, *_rules(limits), _("节点任务判定表：")],
            rows=((rule.target, rule.reached, rule.completion, rule.status) for rule in stage_rule_table()),
        )
