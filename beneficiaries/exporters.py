"""Excel files of this app, on the exporter framework of `core.xlsx`.

- the grassroots table (基层表) of one submission: small, laid out with merged cells, normal mode;
- a task row's beneficiary list (受益对象明细表): flat and possibly long, streamed in write-only
  mode; masked unless the caller asks for full numbers (which the view allows only with the
  permission, after writing the audit row);
- the empty import template.
"""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from beneficiaries.imports import COLUMNS as IMPORT_COLUMNS
from beneficiaries.selectors import GrassrootsTable
from core.xlsx import (
    BORDER,
    CENTRED,
    DATE,
    FONT_NAME,
    LEFT,
    TEXT,
    BaseExporter,
    Column,
    Formatted,
    SheetSpec,
    StreamingExporter,
    landscape_a4_fit_width,
    neutralise,
    number_format_for,
)
from projects.models import TaskRow
from reporting.calendar.deadlines import DATA_CUTOFF_DAY

GRASSROOTS_TITLE = gettext_lazy("重点民生实事项目基层表")


class GrassrootsTableExporter(BaseExporter):
    """One submission's 基层表: a line per unit, a column per additive indicator, and the row's total."""

    identifier = "grassroots_table"
    verbose_name = GRASSROOTS_TITLE

    def __init__(self, *, table: GrassrootsTable):
        self.table = table

    def get_filename(self) -> str:
        submission = self.table.submission
        month = submission.reporting_month
        return (
            f"{self.verbose_name}-{month.plan_year.year}年{month.month}月-"
            f"{submission.task_row.project.number}.{submission.task_row.position}.{self.extension}"
        )

    def headers(self) -> list[str]:
        indicators = [
            f"{item.name}（{item.measure}）" if item.measure else item.name for item in self.table.indicators
        ]
        return [_("序号"), _("单位"), *indicators, _("累计投入资金（万元）")]

    def body(self) -> list[list]:
        lines = []
        for number, line in enumerate(self.table.lines, start=1):
            name = f"{line.unit.name}{_('（牵头）') if line.is_lead else ''}"
            lines.append([number, name, *line.values, line.funds])
        lines.append(["", self.table.total_label, *self.table.totals, self.table.funds_total])
        return lines

    def build_workbook(self) -> Workbook:
        table = self.table
        submission = table.submission
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("基层表")
        headers = self.headers()
        width = len(headers)
        subtitle = _(
            "%(row)s · 牵头单位：%(lead)s · %(month)s（数据截至当月%(day)s日）· %(status)s · %(basis)s"
        ) % {
            "basis": table.basis_note,
            "row": submission.task_row.label(),
            "lead": submission.task_row.lead_unit.name,
            "month": submission.reporting_month,
            "status": submission.get_status_display(),
            "day": DATA_CUTOFF_DAY,
        }
        self._write(sheet, 1, 1, str(self.verbose_name), font=Font(name=FONT_NAME, size=16, bold=True))
        self._write(sheet, 2, 1, subtitle, alignment=LEFT)
        for column, header in enumerate(headers, start=1):
            self._write(sheet, 3, column, header, font=Font(name=FONT_NAME, bold=True))
        formats = [None, None, *(number_format_for(item.decimal_places) for item in table.indicators), "0.00"]
        body = self.body()
        for offset, values in enumerate(body):
            row = 4 + offset
            bold = offset == len(body) - 1
            for column, value in enumerate(values, start=1):
                cell = self._write(
                    sheet,
                    row,
                    column,
                    value,
                    font=Font(name=FONT_NAME, bold=bold),
                    alignment=LEFT if column == 2 else CENTRED,
                )
                if formats[column - 1] and value is not None:
                    cell.number_format = formats[column - 1]
        last = 4 + len(body)
        if table.other_indicators:
            parts = [f"{total.indicator.name}：{self._total_text(total)}" for total in table.other_indicators]
            self._write(
                sheet, last, 1, _("不按单位分解的指标（牵头单位填报）：") + "；".join(parts), alignment=LEFT
            )
            sheet.merge_cells(start_row=last, start_column=1, end_row=last, end_column=width)
        # Values first, merges after: openpyxl refuses writes into merged cells.
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
        for column, size in enumerate([6, 28, *([16] * len(table.indicators)), 14], start=1):
            sheet.column_dimensions[get_column_letter(column)].width = size
        sheet.row_dimensions[1].height = 30
        sheet.row_dimensions[2].height = 32
        sheet.freeze_panes = "C4"
        sheet.print_title_rows = "1:3"
        landscape_a4_fit_width(sheet)
        return workbook

    @staticmethod
    def _total_text(total) -> str:
        if total.stage is not None:
            return total.stage_display
        if total.total is None:
            return "—"
        return f"{total.indicator.format_number(total.total)}{total.indicator.measure}"

    @staticmethod
    def _write(sheet, row: int, column: int, value, *, font=None, alignment=CENTRED):
        cell = sheet.cell(row=row, column=column, value=neutralise(value) if value != "" else None)
        if isinstance(cell.value, CellRichText):
            cell.quotePrefix = True
        cell.font = font or Font(name=FONT_NAME)
        cell.alignment = alignment
        if row > 2:
            cell.border = BORDER
        return cell


def amount_cell(amount):
    """金额或数量 as a number: a count prints as "1", an amount with cents as "1.50"."""
    if amount is None:
        return None
    return Formatted(amount, "0" if amount == amount.to_integral_value() else "0.00")


class BeneficiaryListExporter(StreamingExporter):
    """A task row's beneficiary list, masked unless `full` (permission and audit are the view's job)."""

    identifier = "beneficiary_list"
    verbose_name = gettext_lazy("受益对象明细表")

    COLUMNS = (
        Column(gettext_lazy("序号"), 7),
        Column(gettext_lazy("姓名"), 10),
        Column(gettext_lazy("身份证号"), 22, number_format=TEXT),
        Column(gettext_lazy("性别"), 6),
        Column(gettext_lazy("乡镇（街道）"), 18),
        Column(gettext_lazy("村（社区）"), 16),
        Column(gettext_lazy("受益类型"), 16, wrap=True),
        Column(gettext_lazy("金额或数量"), 12),
        Column(gettext_lazy("受益日期"), 12, number_format=DATE),
        Column(gettext_lazy("计入指标"), 24, wrap=True),
        Column(gettext_lazy("联系电话"), 15),
        Column(gettext_lazy("录入单位"), 18),
        Column(gettext_lazy("疑似重复"), 9),
        Column(gettext_lazy("记录编号"), 9),
    )

    def __init__(self, *, task_row: TaskRow, entries: QuerySet, full: bool = False):
        self.task_row = task_row
        self.entries = entries
        self.full = full

    def get_filename(self) -> str:
        suffix = _("完整") if self.full else _("脱敏")
        row = f"{self.task_row.project.number}.{self.task_row.position}"
        return f"{self.verbose_name}-{row}-{suffix}.{self.extension}"

    def rows(self) -> Iterator[list]:
        for number, entry in enumerate(self.entries.iterator(chunk_size=2000), start=1):
            yield [
                number,
                entry.name,
                entry.id_number if self.full else entry.id_number_masked,
                entry.get_gender_display(),
                entry.township.name,
                entry.village,
                entry.benefit_type,
                amount_cell(entry.amount),
                entry.benefit_date,
                entry.indicator.name,
                entry.phone if self.full else entry.phone_masked,
                entry.entered_by_unit.name,
                _("是") if getattr(entry, "has_duplicate", False) else "",
                entry.pk,
            ]

    def sheets(self) -> Iterator[SheetSpec]:
        notice = (
            _("本表含完整身份证号和联系电话，导出已记入审计日志，请严格保密，不得外传。")
            if self.full
            else _("身份证号、联系电话已脱敏。")
        )
        yield SheetSpec(
            title=_("受益对象明细表"),
            columns=self.COLUMNS,
            rows=self.rows(),
            heading=[
                str(self.verbose_name),
                _("%(row)s · 牵头单位：%(lead)s")
                % {"row": self.task_row.label(), "lead": self.task_row.lead_unit.name},
                _("导出时间：%(at)s。%(notice)s")
                % {"at": timezone.localtime().strftime("%Y-%m-%d %H:%M"), "notice": notice},
            ],
        )


class ImportTemplateExporter(StreamingExporter):
    """The empty sheet to fill in: the import's headers, and the rules on a second sheet."""

    identifier = "beneficiary_import_template"
    verbose_name = gettext_lazy("受益对象导入模板")

    def __init__(self, *, task_row: TaskRow, indicators: list):
        self.task_row = task_row
        self.indicators = indicators

    def sheets(self) -> Iterator[SheetSpec]:
        yield SheetSpec(
            title=_("受益对象"),
            columns=[
                Column(column.header, 18, number_format=TEXT if column.key == "id_number" else None)
                for column in IMPORT_COLUMNS
            ],
            rows=[],
        )
        rules = [
            [_("身份证号"), _("18位，最后一位可为X；请将该列设为“文本”格式，否则Excel会丢失末几位。")],
            [_("性别"), _("可不填，按身份证号识别；填写时须与身份证号一致。")],
            [_("乡镇（街道）"), _("填写系统中的乡镇或街道全称。")],
            [_("受益日期"), _("如 2023-03-15。")],
            [_("计入指标"), "、".join(item.name for item in self.indicators)],
            [_("导入规则"), _("先预览再确认；任何一行有错，整个文件都不导入。")],
        ]
        yield SheetSpec(
            title=_("填写说明"),
            columns=[Column(_("栏目"), 16), Column(_("说明"), 80, wrap=True)],
            rows=rules,
            heading=[self.task_row.label()],
        )
