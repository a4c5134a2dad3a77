"""Excel exports, in the style of pretix's exporters.

An exporter knows its identifier and title, builds an openpyxl Workbook and
renders it to bytes; views and management commands only pick an exporter and
deliver its file.
"""

import io
import math
from dataclasses import dataclass
from itertools import groupby

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.cell.rich_text import CellRichText
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from projects.models import PlanYear, TaskRowParty
from projects.selectors import matrix_rows, responsible_names, row_parties

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Leading characters that make a spreadsheet treat text as a formula (OWASP CSV
# injection list); "-" and "+" also start formulas when a user edits the cell.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Make user text safe to put into a cell; other values pass through.

    openpyxl stores any string starting with "=" as a formula. Text that could
    be read as a formula or an error code is returned as a one-piece rich
    text, which openpyxl always writes as a literal string (inlineStr) in
    normal and write-only mode alike, so Excel shows it unchanged and never
    evaluates it. Characters that XML cannot carry are dropped instead of
    failing the whole export.
    """
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if text.startswith(FORMULA_TRIGGERS) or text in ERROR_CODES:
        return CellRichText([text])
    return text


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


class BaseExporter:
    """One downloadable file; subclasses set identifier and verbose_name and build the workbook."""

    identifier: str = ""
    verbose_name = ""
    content_type = XLSX_CONTENT_TYPE
    extension = "xlsx"

    def get_filename(self) -> str:
        return f"{self.verbose_name}.{self.extension}"

    def build_workbook(self) -> Workbook:
        raise NotImplementedError

    def render(self) -> ExportFile:
        buffer = io.BytesIO()
        self.build_workbook().save(buffer)
        return ExportFile(
            filename=self.get_filename(), content_type=self.content_type, content=buffer.getvalue()
        )


EXPORTERS: dict[str, type[BaseExporter]] = {}


def register(exporter: type[BaseExporter]) -> type[BaseExporter]:
    EXPORTERS[exporter.identifier] = exporter
    return exporter


FONT_NAME = "宋体"
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)

# 序号, tier, project, sub-item, units, 责任人, 牵头领导 — widths in Excel character units.
COLUMN_WIDTHS = (6, 9, 28, 26, 40, 24, 10)
COLUMN_ALIGNMENTS = (CENTRED, CENTRED, LEFT, LEFT, LEFT, CENTRED, CENTRED)
FIRST_DATA_ROW = 3
BODY_FONT_SIZE = 11
# Points per printed line of 11 pt 宋体, with a little air so borders do not touch the text.
LINE_HEIGHT = 14.5
ROW_PADDING = 4


@dataclass
class _MatrixLine:
    tier_key: int
    tier_position: int
    tier_name: str
    project_key: int
    project_text: str
    item: str
    units: str
    responsible: str
    leader: str

    @property
    def shared(self) -> tuple[str, str, str]:
        return (self.units, self.responsible, self.leader)


def _text_width(text: str) -> int:
    # CJK characters print about two character units wide.
    return sum(1 if ord(char) < 0x2E80 else 2 for char in text)


def _lines_needed(text: str, width: float) -> int:
    # A cell's usable width is a little narrower than the column.
    usable = max(width - 1.5, 1)
    return sum(max(1, math.ceil(_text_width(line) / usable)) for line in str(text).split("\n"))


@register
class ResponsibilityMatrixExporter(BaseExporter):
    """The plan's 附表: one line per task row, with units, 责任人 and 牵头领导."""

    identifier = "responsibility_matrix"
    verbose_name = gettext_lazy("责任分解表")

    def __init__(self, *, plan_year: PlanYear):
        self.plan_year = plan_year

    def get_filename(self) -> str:
        return f"{self.verbose_name}-{self.plan_year.year}.{self.extension}"

    def lines(self) -> list[_MatrixLine]:
        by_unit = responsible_names(plan_year=self.plan_year)
        result = []
        for row in matrix_rows(plan_year=self.plan_year):
            parties = row_parties(row, responsible_by_unit=by_unit)
            leads = [party.name for party in parties if party.role != TaskRowParty.Role.RESPONSIBLE]
            others = [party.name for party in parties if party.role == TaskRowParty.Role.RESPONSIBLE]
            units = _("牵头单位：%(units)s") % {"units": "、".join(leads)}
            if others:
                units += _("，责任单位：%(units)s") % {"units": "、".join(others)}
            project = row.project
            result.append(
                _MatrixLine(
                    tier_key=project.tier_id,
                    tier_position=project.tier.position,
                    tier_name=project.tier.short_name,
                    project_key=project.pk,
                    project_text=f"{project.number}.{project.matrix_title or project.title}",
                    item=row.title,
                    units=units,
                    # Only known names: an unnamed unit leaves no blank line in the cell.
                    responsible="\n".join(party.responsible for party in parties if party.responsible),
                    leader=row.leader.name if row.leader else "",
                )
            )
        return result

    def build_workbook(self) -> Workbook:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("%(year)s年责任分解表") % {"year": self.plan_year.year}
        lines = self.lines()
        # Every value goes in before any merge: openpyxl refuses writes into merged cells.
        self._write_head(sheet)
        for offset, line in enumerate(lines):
            row = FIRST_DATA_ROW + offset
            values = (
                line.tier_position,
                line.tier_name,
                line.project_text,
                line.item,
                line.units,
                line.responsible,
                line.leader,
            )
            for column, value in enumerate(values, start=1):
                self._write(sheet, row, column, value, alignment=COLUMN_ALIGNMENTS[column - 1])
        merges = self._head_merges() + self._body_merges(lines)
        self._fit_row_heights(sheet, lines, merges)
        for merge in merges:
            sheet.merge_cells(**merge)
        self._set_up_page(sheet, last_row=FIRST_DATA_ROW + len(lines) - 1)
        return workbook

    def _write(self, sheet: Worksheet, row: int, column: int, value, *, alignment, font=None):
        cell = sheet.cell(row=row, column=column, value=neutralise(value) if value != "" else None)
        if isinstance(cell.value, CellRichText):
            # Keeps the text literal even when someone edits the cell in Excel later.
            cell.quotePrefix = True
        cell.alignment = alignment
        cell.font = font or Font(name=FONT_NAME, size=BODY_FONT_SIZE)
        if row > 1:
            cell.border = BORDER
        return cell

    def _write_head(self, sheet: Worksheet) -> None:
        title = _("隆回县打好“重点民生保障仗”重点工作任务责任分解表")
        self._write(sheet, 1, 1, title, alignment=CENTRED, font=Font(name=FONT_NAME, size=16, bold=True))
        headers = (_("序号"), _("重点工作任务"), "", "", _("主要责任单位"), _("责任人"), _("牵头领导"))
        header_font = Font(name=FONT_NAME, size=BODY_FONT_SIZE, bold=True)
        for column, header in enumerate(headers, start=1):
            self._write(sheet, 2, column, header, alignment=CENTRED, font=header_font)
        sheet.row_dimensions[1].height = 36
        sheet.row_dimensions[2].height = 24

    def _head_merges(self) -> list[dict]:
        last = len(COLUMN_WIDTHS)
        return [
            {"start_row": 1, "start_column": 1, "end_row": 1, "end_column": last},
            # 重点工作任务 sits over tier, project and sub-item.
            {"start_row": 2, "start_column": 2, "end_row": 2, "end_column": 4},
        ]

    def _body_merges(self, lines: list[_MatrixLine]) -> list[dict]:
        merges = []
        row = FIRST_DATA_ROW
        for _tier, tier_lines in groupby(lines, key=lambda line: line.tier_key):
            tier_lines = list(tier_lines)
            tier_end = row + len(tier_lines) - 1
            merges += self._down(row, tier_end, columns=(1, 2))
            project_row = row
            for _project, project_lines in groupby(tier_lines, key=lambda line: line.project_key):
                project_lines = list(project_lines)
                project_end = project_row + len(project_lines) - 1
                if len(project_lines) == 1 and not project_lines[0].item:
                    # A project that is not split spans the sub-item column, as in the plan.
                    merges.append(
                        {"start_row": project_row, "start_column": 3, "end_row": project_row, "end_column": 4}
                    )
                else:
                    merges += self._down(project_row, project_end, columns=(3,))
                # Consecutive sub-items with the same units, people and leader share those
                # cells, as items 6 and 7 do in the plan.
                run_row = project_row
                for _shared, run in groupby(project_lines, key=lambda line: line.shared):
                    run_end = run_row + len(list(run)) - 1
                    merges += self._down(run_row, run_end, columns=(5, 6, 7))
                    run_row = run_end + 1
                project_row = project_end + 1
            row = tier_end + 1
        return merges

    @staticmethod
    def _down(start: int, end: int, *, columns) -> list[dict]:
        if end <= start:
            return []
        return [
            {"start_row": start, "start_column": column, "end_row": end, "end_column": column}
            for column in columns
        ]

    def _fit_row_heights(self, sheet: Worksheet, lines: list[_MatrixLine], merges: list[dict]) -> None:
        """Give wrapped text room: Excel does not grow rows for merged or wrapped cells it did not edit."""
        heights = {}
        merged_down = {}
        for merge in merges:
            if merge["start_row"] >= FIRST_DATA_ROW and merge["end_row"] > merge["start_row"]:
                merged_down[(merge["start_row"], merge["start_column"])] = merge["end_row"]
        covered = {
            (row, column) for (start, column), end in merged_down.items() for row in range(start + 1, end + 1)
        }
        for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(lines)):
            needed = 1
            for column, width in enumerate(COLUMN_WIDTHS, start=1):
                if (row, column) in covered or (row, column) in merged_down:
                    continue
                width = self._merged_width(merges, row, column, width)
                needed = max(needed, _lines_needed(self._text(sheet, row, column), width))
            heights[row] = needed * LINE_HEIGHT + ROW_PADDING
        # A cell merged down may need more than its rows give it: share the shortfall out.
        for (start, column), end in merged_down.items():
            needed = _lines_needed(self._text(sheet, start, column), COLUMN_WIDTHS[column - 1])
            needed_height = needed * LINE_HEIGHT + ROW_PADDING
            rows = range(start, end + 1)
            shortfall = needed_height - sum(heights[row] for row in rows)
            if shortfall > 0:
                for row in rows:
                    heights[row] += shortfall / len(rows)
        for row, height in heights.items():
            sheet.row_dimensions[row].height = round(height, 1)

    @staticmethod
    def _merged_width(merges: list[dict], row: int, column: int, width: float) -> float:
        for merge in merges:
            if merge["start_row"] == row == merge["end_row"] and merge["start_column"] == column:
                return sum(COLUMN_WIDTHS[merge["start_column"] - 1 : merge["end_column"]])
        return width

    @staticmethod
    def _text(sheet: Worksheet, row: int, column: int) -> str:
        value = sheet.cell(row=row, column=column).value
        if value is None:
            return ""
        return "".join(str(part) for part in value) if isinstance(value, CellRichText) else str(value)

    def _set_up_page(self, sheet: Worksheet, *, last_row: int) -> None:
        for column, width in enumerate(COLUMN_WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        # Fit every column on the page width; let the rows run on to as many pages as needed.
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = "1:2"
        sheet.print_area = f"A1:{get_column_letter(len(COLUMN_WIDTHS))}{max(last_row, 2)}"
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.5
        sheet.page_margins.top = sheet.page_margins.bottom = 0.6
        sheet.oddFooter.center.text = _("第 &P 页，共 &N 页")
        sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
