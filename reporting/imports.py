"""Monthly figures from a filled-in Excel template: download, check, preview, then save.

A unit liaison downloads its month as a workbook (its task rows and the
indicators it fills, current figures prefilled, ids in hidden columns), fills
it offline and uploads it. Nothing is written until the liaison confirms the
preview; the write goes through `reporting.workflow.data_entry.save_month_sheet`, so the
validation, locks, permission and version checks and the history are those of
the web form, and a month is saved whole or not at all.

Only unit liaisons import, for their own unit: the office corrects a unit's
figures by returning the submission, as on the web form.

An upload is untrusted until proven otherwise: its size, its zip structure
(parts, uncompressed size, compression ratio) and its number of rows are
capped before and while openpyxl reads it in read-only mode, so a bomb or a
sheet of a million rows is refused quickly instead of exhausting a worker.
"""

from __future__ import annotations

import logging
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts import roles
from audit.services import record
from core.permissions import require
from core.uploads import NOT_XLSX, UploadRefused, check_archive, limit
from core.xlsx import BaseExporter, neutralise, number_format_for
from projects.models import Indicator, TaskRow, Unit
from reporting.forms import MAX_TEXT
from reporting.models import ReportingMonth
from reporting.selectors import EntryRow, entry_sheet
from reporting.workflow import data_entry, errors
from reporting.workflow.validation import FigureInput, parse_number

logger = logging.getLogger(__name__)


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


def _task_title(task_row: TaskRow) -> str:
    project = task_row.project
    title = f"【{project.tier.short_name}】{project.number}.{project.title}"
    return f"{title} · {task_row.title}" if task_row.title else title


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
        self._put(sheet, row, ITEM, _task_title(entry.task_row), font=Font(name=FONT_NAME, bold=True))
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


# --- reading an upload ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """A problem with the upload: where (Excel row and column, when known) and what, in Chinese."""

    message: str
    row: int | None = None
    column: TemplateColumn | None = None

    @property
    def where(self) -> str:
        if self.row is None:
            return ""
        if self.column is None:
            return _("第%(row)s行") % {"row": self.row}
        return _("第%(row)s行 %(letter)s列（%(header)s）") % {
            "row": self.row,
            "letter": self.column.letter,
            "header": self.column.header,
        }

    def __str__(self) -> str:
        return f"{self.where}：{self.message}" if self.where else self.message


@dataclass
class Line:
    """One data row of the upload, cells as raw text."""

    row: int
    task_row_id: int | None
    indicator_id: int | None
    version: int | None
    cells: dict[int, str]
    issues: list[Issue] = field(default_factory=list)

    def text(self, column: TemplateColumn) -> str:
        return self.cells.get(column.index, "")

    @property
    def is_task_line(self) -> bool:
        return self.indicator_id is None


@dataclass
class Upload:
    year: int
    month: int
    unit_id: int | None
    lines: list[Line]


def _cell_text(value, *, numeric: bool) -> tuple[str, str | None]:
    """A cell as text for the services' parsers, or an error for what is not a value at all."""
    if value is None:
        return "", None
    if isinstance(value, bool):
        return str(value), _("应填写数字，不能是“是/否”。") if numeric else None
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float: 12.3, not 12.300000000000001.
        return (str(int(value)) if value.is_integer() else repr(value)), None
    if isinstance(value, Decimal):
        return str(value), None
    if isinstance(value, datetime | date):
        return str(value), _("应填写数字，不能是日期。") if numeric else None
    text = str(value).strip()
    if numeric and text.startswith("="):
        return text, _("请直接填写数值，不要使用公式。")
    return text, None


def _id(value) -> int | None | str:
    """A hidden id cell: an int, None when empty, or "bad"."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "bad"
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return "bad"


EXPLANATION_LIMIT = 300  # Figure.explanation
NUMERIC_COLUMNS = (VALUE, FUNDS)
TEXT_COLUMNS = (STAGE, EXPLANATION, PROGRESS, PROBLEMS)


def read_upload(path: Path, *, size: int) -> Upload:
    """The template's mark and data rows; stops at the row cap instead of reading on."""
    check_archive(path, size=size)
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        logger.info("Unreadable upload: %s", exc)
        raise UploadRefused(str(NOT_XLSX)) from exc
    try:
        return _read_rows(workbook)
    except UploadRefused:
        raise
    except Exception as exc:  # malformed or forbidden XML (defusedxml) inside a valid zip
        logger.info("Unreadable upload content: %s", exc)
        raise UploadRefused(_("无法读取该文件的内容，文件可能已损坏。请重新下载模板填写。")) from exc
    finally:
        workbook.close()


def _read_rows(workbook) -> Upload:
    if not workbook.worksheets:
        raise UploadRefused(str(NOT_XLSX))
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(min_row=1, max_col=LAST_COLUMN, values_only=True)
    first = next(rows, ())
    second = next(rows, ())
    next(rows, None)  # the column headers
    mark = first[0] if first else None
    year, month = (_id(first[1]), _id(first[2])) if len(first) >= 3 else (None, None)
    if mark != MARK or not isinstance(year, int) or not isinstance(month, int) or not 1 <= month <= 12:
        raise UploadRefused(
            _(
                "这不是本平台的填报模板（或模板首行已被改动）。请先在“数据导入”页面下载本月模板，填写后再上传。"
            )
        )
    unit_id = _id(second[0]) if second else None
    max_rows = limit("IMPORT_MAX_ROWS")
    lines = []
    for offset, values in enumerate(rows):
        if offset >= max_rows:
            raise UploadRefused(
                _("文件行数超过上限（%(limit)s行），已停止读取。请只上传本平台下载的模板。")
                % {"limit": max_rows}
            )
        line = _line(FIRST_DATA_ROW + offset, values)
        if line is not None:
            lines.append(line)
    return Upload(year=year, month=month, unit_id=unit_id if isinstance(unit_id, int) else None, lines=lines)


def _line(row: int, values: tuple) -> Line | None:
    values = tuple(values) + (None,) * (LAST_COLUMN - len(values))
    ids = [_id(values[column.index - 1]) for column in (ROW_ID, INDICATOR_ID, VERSION)]
    cells, issues = {}, []
    for column in (*NUMERIC_COLUMNS, *TEXT_COLUMNS):
        text, error = _cell_text(values[column.index - 1], numeric=column in NUMERIC_COLUMNS)
        cells[column.index] = text
        if error:
            issues.append(Issue(error, row, column))
    if ids == [None, None, None] and not any(cells.values()):
        return None  # an empty row
    task_row_id, indicator_id, version = ids
    if task_row_id is None or task_row_id == "bad" or indicator_id == "bad" or not isinstance(version, int):
        return Line(
            row,
            None,
            None,
            None,
            cells,
            [Issue(_("隐藏的编号列缺失或被改动，请使用下载的模板，不要增删行或修改隐藏列。"), row, ROW_ID)],
        )
    return Line(row, task_row_id, indicator_id, version, cells, issues)


# --- checking and saving -------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    row: int
    label: str
    old: str
    new: str


@dataclass
class ImportPlan:
    """What an upload would change, and what stands in its way."""

    reporting_month: ReportingMonth
    unit: Unit
    changes: list[Change] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    entries: list[data_entry.SheetEntry] = field(default_factory=list)
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def task_rows_changed(self) -> int:
        return len(self.entries)


def _figure_text(indicator: Indicator, value: Decimal | None, stage: int | None) -> str:
    if indicator.is_numeric:
        return indicator.format_number(value)
    return str(Indicator.Stage(stage).label) if stage is not None else ""


def _parse_decimal(text: str) -> Decimal | None | str:
    cleaned = text.strip().replace(",", "").replace("，", "")
    if not cleaned:
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return "bad"


class _RowCheck:
    """One task row of the upload against the unit's sheet: inputs for the service, and the diff."""

    def __init__(self, entry: EntryRow, lines: list[Line]):
        self.entry, self.lines = entry, lines
        self.task_line = next((line for line in lines if line.is_task_line), None)
        self.line_of: dict[int, Line] = {}
        self.changes: list[Change] = []
        self.issues: list[Issue] = []

    def run(self) -> data_entry.SheetEntry | None:
        entry = self.entry
        indicators = {item.pk: item for item in entry.indicators}
        of_row = {item.pk for item in entry.row_indicators}
        inputs = []
        for line in self.lines:
            self.issues += line.issues
            if line.is_task_line or line.issues:
                continue
            indicator = indicators.get(line.indicator_id)
            if indicator is None:
                message = (
                    _("该指标由牵头单位汇总填报，本单位无需填写。")
                    if line.indicator_id in of_row
                    else _("未知的指标（该任务下没有这个指标）。")
                )
                self.issues.append(Issue(message, line.row, INDICATOR_ID))
            elif line.indicator_id in self.line_of:
                self.issues.append(
                    Issue(
                        _("该指标在第%(row)s行已出现，不能重复填写。")
                        % {"row": self.line_of[line.indicator_id].row},
                        line.row,
                        INDICATOR_ID,
                    )
                )
            else:
                self.line_of[indicator.pk] = line
                inputs.append(self._input(indicator, line))
        funds, progress, problems = self._row_fields()
        # A row with bad lines still goes through the services' checks (in a dry run: the
        # plan is not ok, so nothing is committed), so that every problem is listed at once.
        if not self.changes:
            return None
        first_change = self.changes[0].row
        if not entry.is_open:
            self.issues.append(Issue(str(errors.LOCKED_MESSAGE), first_change))
            return None
        versions = {line.version for line in self.lines}
        if versions != {entry.version}:
            self.issues.append(
                Issue(
                    _("下载模板后，本任务的数据已被修改（可能是在网页上保存过）。请重新下载模板后再填写。"),
                    first_change,
                )
            )
            return None
        return data_entry.SheetEntry(
            task_row=entry.task_row,
            expected_version=entry.version,
            inputs=inputs,
            funds=funds,
            progress=progress,
            problems=problems,
        )

    def _label(self, what: str) -> str:
        return f"{_task_title(self.entry.task_row)} · {what}"

    def _changed(self, line: Line, what: str, old: str, new: str) -> None:
        if old != new:
            self.changes.append(Change(line.row, self._label(what), old, new))

    def _input(self, indicator: Indicator, line: Line) -> FigureInput:
        figure = self.entry.figures.get(indicator.pk)
        old_value = figure.value if figure else None
        old_stage = figure.stage if figure else None
        explanation = line.text(EXPLANATION)
        if len(explanation) > EXPLANATION_LIMIT:
            self.issues.append(
                Issue(_("说明不能超过%(limit)s字。") % {"limit": EXPLANATION_LIMIT}, line.row, EXPLANATION)
            )
            explanation = explanation[:EXPLANATION_LIMIT]  # what the column holds, for the dry run
        if indicator.is_numeric:
            raw_value, raw_stage = line.text(VALUE), ""
            value, error = parse_number(raw_value, indicator)
            new = raw_value if error else indicator.format_number(value)
            if error or value != old_value:
                self.changes.append(
                    Change(
                        line.row, self._label(indicator.name), _figure_text(indicator, old_value, None), new
                    )
                )
        else:
            raw_value, label = "", line.text(STAGE)
            stage = STAGE_LABELS.get(label, int(label) if label in {"0", "1", "2", "3"} else None)
            if label and stage is None:
                self.issues.append(
                    Issue(
                        _("请从下拉列表中选择进展节点（%(labels)s）。") % {"labels": "、".join(STAGE_LABELS)},
                        line.row,
                        STAGE,
                    )
                )
            raw_stage = "" if stage is None else str(stage)
            self._changed(
                line,
                indicator.name,
                _figure_text(indicator, None, old_stage),
                _figure_text(indicator, None, stage),
            )
        old_explanation = figure.explanation if figure else ""
        self._changed(
            line, _("%(name)s（说明）") % {"name": indicator.name}, old_explanation, explanation.strip()
        )
        return FigureInput(
            indicator=indicator, raw_value=raw_value, raw_stage=raw_stage, explanation=explanation
        )

    def _row_fields(self) -> tuple[str, str, str]:
        contribution = self.entry.contribution
        old_funds = contribution.funds_invested if contribution else None
        old_progress = contribution.progress if contribution else ""
        old_problems = contribution.problems if contribution else ""
        old_funds_text = "" if old_funds is None else str(old_funds)
        line = self.task_line
        if line is None:
            # The task line was deleted: keep what is stored.
            return old_funds_text, old_progress, old_problems
        if any(issue.column == FUNDS for issue in line.issues):
            funds = old_funds_text  # already reported (e.g. a date); keep it out of the services' checks
        else:
            funds = line.text(FUNDS)
        parsed = _parse_decimal(funds)
        if parsed == "bad" or parsed != old_funds:
            self.changes.append(
                Change(line.row, self._label(_("累计投入资金（万元）")), old_funds_text, funds)
            )
        progress, problems = line.text(PROGRESS).strip(), line.text(PROBLEMS).strip()
        for column, text in ((PROGRESS, progress), (PROBLEMS, problems)):
            if len(text) > MAX_TEXT:
                self.issues.append(Issue(_("不能超过%(limit)s字。") % {"limit": MAX_TEXT}, line.row, column))
        self._changed(line, _("进展情况"), old_progress, progress)
        self._changed(line, _("存在问题"), old_problems, problems)
        return funds, progress, problems


def analyse(path: Path, *, user, size: int, commit: bool = False) -> ImportPlan:
    """Check an upload against the unit's sheet and run it through the services.

    Without `commit` the save is rolled back: the plan lists what would change
    and every problem, and nothing is written. With `commit` the same checks run
    again and, if nothing stands in the way, the month is saved, all or nothing.
    Raises UploadRefused for a file refused as a whole.
    """
    unit = roles.unit_of(user)
    require(unit is not None, _("数据导入仅供单位联络员使用。"))
    upload = read_upload(path, size=size)
    if upload.unit_id != unit.pk:
        raise UploadRefused(_("该模板不是为本单位生成的，请下载本单位的模板后再填写。"))
    reporting_month = (
        ReportingMonth.objects.select_related("plan_year")
        .filter(plan_year__year=upload.year, month=upload.month)
        .first()
    )
    if reporting_month is None:
        raise UploadRefused(_("模板中的月份（%(year)s年%(month)s月）不存在。") % vars(upload))
    plan = ImportPlan(reporting_month=reporting_month, unit=unit)
    sheet = {entry.task_row.pk: entry for entry in entry_sheet(unit=unit, reporting_month=reporting_month)}
    groups: dict[int, list[Line]] = {}
    unknown: list[Line] = []
    for line in upload.lines:
        if line.task_row_id is None:
            plan.issues += line.issues
        elif line.task_row_id in sheet:
            groups.setdefault(line.task_row_id, []).append(line)
        else:
            unknown.append(line)
    existing = set(
        TaskRow.objects.filter(pk__in={line.task_row_id for line in unknown}).values_list("pk", flat=True)
    )
    for line in unknown:
        message = (
            _("该任务不属于本单位，不能导入其他单位的数据。")
            if line.task_row_id in existing
            else _("未知的任务编号。")
        )
        plan.issues.append(Issue(message, line.row, ROW_ID))
    checks = []
    for task_row_id, lines in groups.items():
        check = _RowCheck(sheet[task_row_id], lines)
        entry = check.run()
        plan.issues += check.issues
        plan.changes += check.changes
        if entry is not None:
            plan.entries.append(entry)
            checks.append(check)
    if plan.entries:
        _run_services(plan, checks, user=user, commit=commit and plan.ok)
    plan.issues.sort(key=lambda issue: (issue.row or 0, issue.column.index if issue.column else 0))
    return plan


def _run_services(plan: ImportPlan, checks: list[_RowCheck], *, user, commit: bool) -> None:
    try:
        with transaction.atomic():
            results = data_entry.save_month_sheet(
                user=user, unit=plan.unit, reporting_month=plan.reporting_month, entries=plan.entries
            )
            if not commit:
                transaction.set_rollback(True)
            elif all(result.ok for result in results.values()):
                record(
                    event="reporting.import",
                    user=user,
                    obj=plan.reporting_month,
                    detail={"unit": plan.unit.name, "rows": len(plan.entries), "changes": len(plan.changes)},
                )
    except (errors.WorkflowError, PermissionDenied) as exc:
        plan.issues.append(Issue(str(exc)))
        return
    for check in checks:
        result = results.get(check.entry.task_row.pk)
        if result is None:
            continue
        for indicator_id, message in result.errors.items():
            plan.issues.append(_result_issue(check, indicator_id, message))
        for indicator_id, message in result.warnings.items():
            plan.warnings.append(_result_issue(check, indicator_id, message))
    plan.saved = commit and plan.ok


def _result_issue(check: _RowCheck, indicator_id: int, message: str) -> Issue:
    if indicator_id == 0:  # the funds
        return Issue(message, check.task_line.row if check.task_line else None, FUNDS)
    line = check.line_of.get(indicator_id)
    indicator = next((item for item in check.entry.indicators if item.pk == indicator_id), None)
    column = STAGE if indicator is not None and not indicator.is_numeric else VALUE
    return Issue(message, line.row if line else None, column)


# --- uploads waiting for confirmation ------------------------------------------------------------

TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")


def pending_dir() -> Path:
    configured = getattr(settings, "IMPORT_PENDING_DIR", None)
    directory = Path(configured) if configured else Path(tempfile.gettempdir()) / "minsheng-imports"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def pending_path(token: str) -> Path | None:
    """The stored upload of a token; None for a malformed token or a file gone."""
    if not TOKEN_RE.match(token or ""):
        return None
    path = pending_dir() / f"{token}.xlsx"
    return path if path.is_file() else None


def store_pending(chunks: Iterator[bytes]) -> tuple[str, int]:
    """Keep an upload until it is confirmed or expires; returns its token and size."""
    purge_pending()
    token = secrets.token_hex(16)
    size = 0
    with open(pending_dir() / f"{token}.xlsx", "xb") as handle:
        for chunk in chunks:
            size += len(chunk)
            handle.write(chunk)
    return token, size


def discard_pending(token: str) -> None:
    path = pending_path(token)
    if path is not None:
        path.unlink(missing_ok=True)


def purge_pending() -> None:
    cutoff = time.time() - limit("IMPORT_PENDING_MAX_AGE")
    for path in pending_dir().glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue
