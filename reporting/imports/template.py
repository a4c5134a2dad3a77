"""The import template: a unit's month as a workbook to fill in offline (layout, columns, exporter)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.xlsx import BaseExporter, neutralise, number_format_for
from projects.models import Indicator, Unit
from reporting.models import ReportingMonth
from reporting.selectors import EntryRow, entry_sheet

# --- the template's layout -----------------------------------------------------------------------

MARK = "MINSHENG-IMPORT-1"
HEADER_ROWS = 3  # 1: mark, year, month and title; 2: instructions; 3: column headers
FIRST_DATA_ROW = HEADER_ROWS + 1


@dataclass(frozen=True)
class TemplateColumn:
    index: int
    header: object
    width: float
    hidden: bool = False

    @property
    def letter(self) -> str:
        return get_column_letter(self.index)


ROW_ID = TemplateColumn(1, gettext_lazy("任务编号"), 8, hidden=True)
INDICATOR_ID = TemplateColumn(2, gettext_lazy("指标编号"), 8, hidden=True)
VERSION = TemplateColumn(3, gettext_lazy("版本"), 6, hidden=True)
ITEM = TemplateColumn(4, gettext_lazy("任务 / 指标"), 44)
MEASURE = TemplateColumn(5, gettext_lazy("计量单位"), 9)
TARGET = TemplateColumn(6, gettext_lazy("目标"), 16)
PREVIOUS = TemplateColumn(7, gettext_lazy("上月累计"), 11)
VALUE = TemplateColumn(8, gettext_lazy("本月累计完成数"), 14)
STAGE = TemplateColumn(9, gettext_lazy("进展节点"), 11)
EXPLANATION = TemplateColumn(10, gettext_lazy("说明"), 28)
FUNDS = TemplateColumn(11, gettext_lazy("累计投入资金（万元）"), 14)
PROGRESS = TemplateColumn(12, gettext_lazy("进展情况"), 40)
PROBLEMS = TemplateColumn(13, gettext_lazy("存在问题"), 30)
STATUS = TemplateColumn(14, gettext_lazy("状态"), 16)
COLUMNS = (
    ROW_ID,
    INDICATOR_ID,
    VERSION,
    ITEM,
    MEASURE,
    TARGET,
    PREVIOUS,
    VALUE,
    STAGE,
    EXPLANATION,
    FUNDS,
    PROGRESS,
    PROBLEMS,
    STATUS,
)
LAST_COLUMN = len(COLUMNS)

INSTRUCTIONS = gettext_lazy(
    "填写说明：1. 只填白色单元格：指标行填“本月累计完成数”（节点任务在“进展节点”中选择）和“说明”；"
    "任务行（加粗）填“累计投入资金（万元）”“进展情况”“存在问题”。"
    "2. 累计数低于上月时，须在“说明”中写明原因。"
    "3. 请勿增删行、改动灰色单元格或隐藏列；已提交或已审核锁定的任务不能修改。"
    "4. 填好后在平台“数据导入”页面上传，系统先列出将要修改的内容，确认后才保存。"
)

FONT_NAME = "宋体"
GREY = PatternFill("solid", fgColor="E7E7E7")
HEAD_FILL = PatternFill("solid", fgColor="DDE4EE")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)
STAGE_LABELS = {str(label): value for value, label in Indicator.Stage.choices}


class ImportTemplateExporter(BaseExporter):
    """A unit's monthly sheet as a workbook to fill offline (small: normal mode, with protection)."""

    identifier = "import_template"
    verbose_name = gettext_lazy("月度填报模板")

    def __init__(self, *, unit: Unit, reporting_month: ReportingMonth):
        self.unit = unit
        self.reporting_month = reporting_month

    def get_filename(self) -> str:
        month = self.reporting_month
        return (
            f"{self.verbose_name}-{self.unit.name}-{month.plan_year.year}年{month.month}月.{self.extension}"
        )

    def build_workbook(self) -> Workbook:
        month = self.reporting_month
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("%(month)s月填报") % {"month": month.month}
        sheet["A1"], sheet["B1"], sheet["C1"] = MARK, month.plan_year.year, month.month
        sheet["A2"] = self.unit.pk
        title = _("%(unit)s %(year)s年%(month)s月民生实事数据填报模板") % {
            "unit": self.unit.name,
            "year": month.plan_year.year,
            "month": month.month,
        }
        self._put(sheet, 1, ITEM, title, font=Font(name=FONT_NAME, size=14, bold=True), border=False)
        self._put(sheet, 2, ITEM, str(INSTRUCTIONS), border=False)
        sheet.merge_cells(start_row=2, start_column=ITEM.index, end_row=2, end_column=LAST_COLUMN)
        sheet.row_dimensions[2].height = 62
        for column in COLUMNS:
            cell = self._put(sheet, 3, column, str(column.header), font=Font(name=FONT_NAME, bold=True))
            cell.fill = HEAD_FILL
            sheet.column_dimensions[column.letter].width = column.width
        sheet.column_dimensions.group(ROW_ID.letter, VERSION.letter, hidden=True)
        stages = DataValidation(
            type="list",
            formula1='"{}"'.format(",".join(STAGE_LABELS)),
            allow_blank=True,
            error=_("请从下拉列表中选择进展节点。"),
            errorTitle=_("进展节点"),
            showErrorMessage=True,
        )
        sheet.add_data_validation(stages)
        row = FIRST_DATA_ROW
        for entry in entry_sheet(unit=self.unit, reporting_month=month):
            self._task_line(sheet, row, entry)
            row += 1
            for indicator in entry.indicators:
                self._indicator_line(sheet, row, entry, indicator, stages)
                row += 1
        sheet.freeze_panes = f"{ITEM.letter}{FIRST_DATA_ROW}"
        # No password: protection only keeps hands off the ids and the grey cells.
        sheet.protection.sheet = True
        sheet.protection.formatRows = False
        sheet.protection.formatCells = False
        return workbook

    def _put(self, sheet, row: int, column: TemplateColumn, value, *, font=None, border=True, editable=False):
        if isinstance(value, Promise):
            value = str(value)  # a lazy translation, e.g. a status label
        cell = sheet.cell(row=row, column=column.index, value=neutralise(value) if value != "" else None)
        if isinstance(cell.value, CellRichText):
            cell.quotePrefix = True
        cell.font = font or Font(name=FONT_NAME)
        cell.alignment = WRAP
        if border:
            cell.border = BOX
        if editable:
            cell.protection = UNLOCKED
        elif row >= FIRST_DATA_ROW:
            cell.fill = GREY
        return cell

    def _ids(self, sheet, row: int, entry: EntryRow, indicator_id: int | None) -> None:
        sheet.cell(row=row, column=ROW_ID.index, value=entry.task_row.pk)
        sheet.cell(row=row, column=INDICATOR_ID.index, value=indicator_id)
        sheet.cell(row=row, column=VERSION.index, value=entry.version)

    def _task_line(self, sheet, row: int, entry: EntryRow) -> None:
        contribution, editable = entry.contribution, entry.is_open
        self._ids(sheet, row, entry, None)
        self._put(
            sheet, row, ITEM, entry.task_row.label(tier="bracket"), font=Font(name=FONT_NAME, bold=True)
        )
        for column in (MEASURE, TARGET, PREVIOUS, VALUE, STAGE, EXPLANATION):
            self._put(sheet, row, column, None)
        funds = self._put(
            sheet, row, FUNDS, contribution.funds_invested if contribution else None, editable=editable
        )
        funds.number_format = "0.00"
        self._put(sheet, row, PROGRESS, contribution.progress if contribution else "", editable=editable)
        self._put(sheet, row, PROBLEMS, contribution.problems if contribution else "", editable=editable)
        status = (
            entry.status_display if editable else _("%(status)s（已锁定）") % {"status": entry.status_display}
        )
        self._put(sheet, row, STATUS, status)

    def _indicator_line(self, sheet, row: int, entry: EntryRow, indicator: Indicator, stages) -> None:
        figure, editable = entry.figures.get(indicator.pk), entry.is_open
        number_format = number_format_for(indicator.decimal_places)
        self._ids(sheet, row, entry, indicator.pk)
        self._put(sheet, row, ITEM, f"    {indicator.name}")
        self._put(sheet, row, MEASURE, indicator.measure)
        self._put(sheet, row, TARGET, str(indicator.target_display))
        self._put(sheet, row, PREVIOUS, entry.previous.get(indicator.pk)).number_format = number_format
        if indicator.is_numeric:
            value = self._put(sheet, row, VALUE, figure.value if figure else None, editable=editable)
            value.number_format = number_format
            self._put(sheet, row, STAGE, None)
        else:
            self._put(sheet, row, VALUE, None)
            stage = figure.get_stage_display() if figure and figure.stage is not None else None
            self._put(sheet, row, STAGE, stage, editable=editable)
            if editable:
                stages.add(f"{STAGE.letter}{row}")
        self._put(sheet, row, EXPLANATION, figure.explanation if figure else "", editable=editable)
        for column in (FUNDS, PROGRESS, PROBLEMS, STATUS):
            self._put(sheet, row, column, None)
