"""Excel exports, in the style of pretix's exporters.

An exporter knows its identifier and title, builds an openpyxl Workbook and
renders it to bytes; views and management commands only pick an exporter and
deliver its file.
"""

import io
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import groupby

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.cell.rich_text import CellRichText
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from projects.models import Indicator, PlanYear, ResponsiblePerson, TaskRow, TaskRowParty
from reporting.models import Submission
from reporting.monthly import (
    MonthContext,
    MonthlyFilter,
    MonthlyLine,
    SubmissionLine,
    Timeliness,
    month_context,
    monthly_lines,
    status_label,
    submission_lines,
)
from reporting.progress import judge, thresholds_for, time_progress

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

    def write(self, target) -> None:
        """Write the file to a path or a binary file object (views stream it from a temporary file)."""
        self.build_workbook().save(target)

    def render(self) -> ExportFile:
        buffer = io.BytesIO()
        self.write(buffer)
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
MATRIX_TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
MATRIX_HEADER_FONT = Font(name=FONT_NAME, size=BODY_FONT_SIZE, bold=True)
MATRIX_BODY_FONT = Font(name=FONT_NAME, size=BODY_FONT_SIZE)
# Points per printed line of 11 pt 宋体, with a little air so borders do not touch the text.
LINE_HEIGHT = 14.5
ROW_PADDING = 4


def prepared_style(sheet, **attributes) -> StyleArray:
    """The style of a kind of cell, registered in the sheet's workbook once.

    openpyxl hashes a style object and looks it up in the workbook's tables every time one is
    assigned to a cell, which costs more than writing the cell. Worked out once on a cell that
    is never placed in the sheet, the style is a small array of indexes into those tables, which
    any number of cells can take a copy of.
    """
    prototype = WriteOnlyCell(sheet)
    for name, value in attributes.items():
        setattr(prototype, name, value)
    return prototype._style


class _PreparedMerge(MergedCellRange):
    """A merged range whose cells the exporter has already replaced and styled (see _Merger)."""

    def _get_borders(self):
        self.start_cell = self.ws._cells[(self.min_row, self.min_col)]


class _Merger:
    """Merges cell ranges with the same outcome as openpyxl's merge_cells, for a fraction of the cost.

    openpyxl replaces every cell but the top-left one with an empty MergedCell, gives the top-left
    cell the bottom-right cell's right and bottom borders, gives each cell on an edge of the range
    the top-left cell's border on that edge and sets the protection of all, assigning style
    objects cell by cell. Every cell's resulting style depends only on the styles of the two
    corner cells, on whether the range is one row or one column, and on which edges the cell
    lies on: openpyxl itself works that out once per combination, by merging a range of the same
    shape on a sheet that is never saved, and the cells of every such range get a copy.
    The exporter's ranges never overlap, so they are added without openpyxl's check against every
    range already merged.
    """

    def __init__(self, sheet: Worksheet):
        self.sheet = sheet
        self._outcomes: dict[tuple, dict] = {}
        self._scratch: Worksheet | None = None

    def merge(self, *, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
        cells = self.sheet._cells
        start = cells[(start_row, start_column)]
        end = cells.get((end_row, end_column))
        key = (
            tuple(start._style),
            None if end is None else tuple(end._style),
            start_row == end_row,
            start_column == end_column,
        )
        outcome = self._outcomes.get(key)
        if outcome is None:
            outcome = self._outcomes[key] = self._work_out(start, end, one_row=key[2], one_column=key[3])
        for row in range(start_row, end_row + 1):
            for column in range(start_column, end_column + 1):
                edges = (row == start_row, column == start_column, column == end_column, row == end_row)
                if row == start_row and column == start_column:
                    cell = start
                else:
                    cell = cells[(row, column)] = MergedCell(self.sheet, row, column)
                cell._style = copy(outcome[edges])
        coordinate = f"{get_column_letter(start_column)}{start_row}:{get_column_letter(end_column)}{end_row}"
        self.sheet.merged_cells.ranges.add(_PreparedMerge(self.sheet, coordinate))

    def _work_out(self, start: Cell, end: Cell | None, *, one_row: bool, one_column: bool) -> dict:
        # Three rows and three columns hold a cell on every combination of edges.
        last_row, last_column = (1 if one_row else 3), (1 if one_column else 3)
        if self._scratch is None:
            # In the workbook's style tables, but not one of its sheets.
            self._scratch = Worksheet(self.sheet.parent)
        scratch = self._scratch
        scratch._cells.clear()
        scratch.merged_cells.ranges.clear()
        scratch.cell(row=1, column=1)._style = copy(start._style)
        if end is not None:
            scratch.cell(row=last_row, column=last_column)._style = copy(end._style)
        scratch.merge_cells(start_row=1, start_column=1, end_row=last_row, end_column=last_column)
        return {
            (row == 1, column == 1, column == last_column, row == last_row): cell._style
            for (row, column), cell in scratch._cells.items()
        }


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

    @property
    def values(self) -> tuple:
        return (
            self.tier_position,
            self.tier_name,
            self.project_text,
            self.item,
            self.units,
            self.responsible,
            self.leader,
        )


def _text_width(text: str) -> int:
    # CJK characters print about two character units wide.
    return sum(1 if ord(char) < 0x2E80 else 2 for char in text)


def _lines_needed(text: str, width: float) -> int:
    # A cell's usable width is a little narrower than the column.
    usable = max(width - 1.5, 1)
    return sum(max(1, math.ceil(_text_width(line) / usable)) for line in str(text).split("\n"))


def _shown_text(value) -> str:
    """The text a written cell value shows, for estimating its height."""
    if value is None:
        return ""
    return "".join(str(part) for part in value) if isinstance(value, CellRichText) else str(value)


# The matrix's task rows in plan order, as plain values.
_MATRIX_ROW_FIELDS = (
    "pk",
    "project_id",
    "project__number",
    "project__title",
    "project__matrix_title",
    "project__tier_id",
    "project__tier__position",
    "project__tier__short_name",
    "title",
    "lead_unit_id",
    "lead_unit__name",
    "leader__name",
)


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
        """Three queries, read as plain values: the task rows, their parties and the year's 责任人.

        The parties of each row come lead unit first, then co-leads, then responsible parties (the
        order the plan names them in); a unit group names its collective 责任人.
        """
        by_unit = dict(
            ResponsiblePerson.objects.filter(plan_year=self.plan_year).values_list("unit_id", "person__name")
        )
        parties: dict[int, list[tuple[bool, str, str]]] = {}
        for row_id, role, unit_id, unit_name, group_name, group_title in (
            TaskRowParty.objects.filter(task_row__project__tier__plan_year=self.plan_year)
            .order_by("task_row_id", "role", "position")
            .values_list(
                "task_row_id", "role", "unit_id", "unit__name", "group__name", "group__responsible_title"
            )
        ):
            responsible = role == TaskRowParty.Role.RESPONSIBLE
            if unit_id is not None:
                party = (responsible, unit_name, by_unit.get(unit_id, ""))
            else:
                party = (responsible, group_name, group_title)
            parties.setdefault(row_id, []).append(party)
        rows = (
            TaskRow.objects.filter(project__tier__plan_year=self.plan_year)
            .order_by("project__tier__position", "project__number", "position")
            .values_list(*_MATRIX_ROW_FIELDS)
        )
        result = []
        for (
            row_id,
            project_id,
            project_number,
            project_title,
            matrix_title,
            tier_id,
            tier_position,
            tier_name,
            title,
            lead_unit_id,
            lead_unit_name,
            leader_name,
        ) in rows:
            named = [(False, lead_unit_name, by_unit.get(lead_unit_id, "")), *parties.get(row_id, ())]
            leads = [name for responsible, name, _person in named if not responsible]
            others = [name for responsible, name, _person in named if responsible]
            units = _("牵头单位：%(units)s") % {"units": "、".join(leads)}
            if others:
                units += _("，责任单位：%(units)s") % {"units": "、".join(others)}
            result.append(
                _MatrixLine(
                    tier_key=tier_id,
                    tier_position=tier_position,
                    tier_name=tier_name,
                    project_key=project_id,
                    project_text=f"{project_number}.{matrix_title or project_title}",
                    item=title,
                    units=units,
                    # Only known names: an unnamed unit leaves no blank line in the cell.
                    responsible="\n".join(person for _responsible, _name, person in named if person),
                    leader=leader_name or "",
                )
            )
        return result

    def build_workbook(self) -> Workbook:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("%(year)s年责任分解表") % {"year": self.plan_year.year}
        lines = self.lines()
        self._styles: dict[tuple, tuple] = {}
        # Every value goes in before any merge: openpyxl refuses writes into merged cells.
        self._write_head(sheet)
        shown = []
        for offset, line in enumerate(lines):
            row = FIRST_DATA_ROW + offset
            shown.append(
                [
                    self._write(sheet, row, column, value, alignment=alignment)
                    for column, (value, alignment) in enumerate(
                        zip(line.values, COLUMN_ALIGNMENTS, strict=True), start=1
                    )
                ]
            )
        merges = self._head_merges() + self._body_merges(lines)
        self._fit_row_heights(sheet, shown, merges)
        merger = _Merger(sheet)
        for merge in merges:
            merger.merge(**merge)
        self._set_up_page(sheet, last_row=FIRST_DATA_ROW + len(lines) - 1)
        return workbook

    def _write(
        self, sheet: Worksheet, row: int, column: int, value, *, alignment, font=MATRIX_BODY_FONT
    ) -> str:
        """Writes one cell and returns the text it shows."""
        value = neutralise(value) if value != "" else None
        cell = sheet.cell(row=row, column=column, value=value)
        # Keeps the text literal even when someone edits the cell in Excel later.
        quoted = isinstance(value, CellRichText)
        bordered = row > 1
        # Keyed by identity, which is cheap; the entry holds the objects so no identity is reused.
        key = (id(alignment), id(font), bordered, quoted)
        found = self._styles.get(key)
        if found is None:
            attributes = {"alignment": alignment, "font": font, "quotePrefix": quoted}
            if bordered:
                attributes["border"] = BORDER
            found = self._styles[key] = (prepared_style(sheet, **attributes), alignment, font)
        cell._style = copy(found[0])
        return _shown_text(value)

    def _write_head(self, sheet: Worksheet) -> None:
        title = _("隆回县打好“重点民生保障仗”重点工作任务责任分解表")
        self._write(sheet, 1, 1, title, alignment=CENTRED, font=MATRIX_TITLE_FONT)
        headers = (_("序号"), _("重点工作任务"), "", "", _("主要责任单位"), _("责任人"), _("牵头领导"))
        for column, header in enumerate(headers, start=1):
            self._write(sheet, 2, column, header, alignment=CENTRED, font=MATRIX_HEADER_FONT)
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

    def _fit_row_heights(self, sheet: Worksheet, shown: list[list[str]], merges: list[dict]) -> None:
        """Give wrapped text room: Excel does not grow rows for merged or wrapped cells it did not edit.

        `shown` holds the text of every body cell, row by row, as written.
        """
        merged_down = {}
        merged_across = {}
        for merge in merges:
            start = (merge["start_row"], merge["start_column"])
            if merge["start_row"] >= FIRST_DATA_ROW and merge["end_row"] > merge["start_row"]:
                merged_down[start] = merge["end_row"]
            if merge["start_row"] == merge["end_row"]:
                merged_across[start] = sum(COLUMN_WIDTHS[merge["start_column"] - 1 : merge["end_column"]])
        skipped = set(merged_down)
        skipped.update(
            (row, column) for (start, column), end in merged_down.items() for row in range(start + 1, end + 1)
        )
        heights = {}
        for row, texts in enumerate(shown, start=FIRST_DATA_ROW):
            needed = 1
            for column, (text, width) in enumerate(zip(texts, COLUMN_WIDTHS, strict=True), start=1):
                if (row, column) in skipped:
                    continue
                needed = max(needed, _lines_needed(text, merged_across.get((row, column), width)))
            heights[row] = needed * LINE_HEIGHT + ROW_PADDING
        # A cell merged down may need more than its rows give it: share the shortfall out.
        for (start, column), end in merged_down.items():
            text = shown[start - FIRST_DATA_ROW][column - 1]
            needed_height = _lines_needed(text, COLUMN_WIDTHS[column - 1]) * LINE_HEIGHT + ROW_PADDING
            rows = range(start, end + 1)
            shortfall = needed_height - sum(heights[row] for row in rows)
            if shortfall > 0:
                for row in rows:
                    heights[row] += shortfall / len(rows)
        for row, height in heights.items():
            sheet.row_dimensions[row].height = round(height, 1)

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


# --- Streaming exports ----------------------------------------------------------------------------
#
# Large flat reports are written in openpyxl's write-only mode: rows go to disk as they are
# produced, so memory stays flat however many rows the report has. An exporter describes its
# sheets (columns, heading lines, a generator of rows); one writer below styles and
# neutralises every cell.

PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
MONEY = "0.00"
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)
HEADER_FONT = Font(name=FONT_NAME, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
WRAPPED = Alignment(vertical="top", wrap_text=True)


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 12
    # Applied to numbers and dates in the column; text is left as text.
    number_format: str | None = None
    wrap: bool = False


@dataclass(frozen=True)
class Formatted:
    """A number with its own format, e.g. a figure with its indicator's decimal places."""

    value: object
    number_format: str


@dataclass
class SheetSpec:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]
    heading: Sequence[str] = ()
    # Lines written after the rows, asked for once every row has been written (totals, counts).
    footer: Callable[[], Sequence[str]] = field(default=lambda: ())


def number_format_for(decimal_places: int) -> str:
    return "0" if decimal_places <= 0 else "0." + "0" * decimal_places


def as_fraction(percent: Decimal | None) -> Decimal | None:
    """88.8 (percent) → 0.888, which Excel shows as 88.8% with PERCENT."""
    return None if percent is None else percent / 100


class _SheetWriter:
    def __init__(self, workbook: Workbook, spec: SheetSpec):
        self.spec = spec
        self.sheet = workbook.create_sheet(spec.title)
        self._styles: dict[tuple, object] = {}
        self._header_style: StyleArray | None = None

    def write(self) -> None:
        spec, sheet = self.spec, self.sheet
        header_row = len(spec.heading) + 1
        for column, item in enumerate(spec.columns, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = item.width
        sheet.freeze_panes = f"A{header_row + 1}"
        sheet.print_title_rows = f"{header_row}:{header_row}"
        sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
        sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        for index, line in enumerate(spec.heading):
            sheet.append([self._styled(line, font=TITLE_FONT if index == 0 else None)])
        sheet.append([self._header(str(item.header)) for item in spec.columns])
        last_row = header_row
        for row in spec.rows:
            sheet.append([self._cell(value, column) for value, column in zip(row, spec.columns, strict=True)])
            last_row += 1
        last_column = get_column_letter(len(spec.columns))
        sheet.auto_filter.ref = f"A{header_row}:{last_column}{max(last_row, header_row + 1)}"
        for line in spec.footer():
            sheet.append([self._styled(line)])

    def _styled(self, value, *, font=None):
        value = neutralise(value)
        cell = WriteOnlyCell(self.sheet, value)
        if isinstance(value, CellRichText):
            cell.quotePrefix = True
        if font is not None:
            cell.font = font
        return cell

    def _header(self, text: str) -> WriteOnlyCell:
        cell = self._styled(text)
        if self._header_style is None:
            self._header_style = prepared_style(
                self.sheet, font=HEADER_FONT, fill=HEADER_FILL, alignment=CENTRED, border=BORDER
            )
        quoted = cell.quotePrefix
        cell._style = copy(self._header_style)
        cell.quotePrefix = quoted
        return cell

    def _cell(self, value, column: Column):
        number_format = column.number_format
        if isinstance(value, Formatted):
            value, number_format = value.value, value.number_format
        if value is None or value == "":
            return None
        if isinstance(value, datetime) and timezone.is_aware(value):
            # Excel has no time zones: show the county's local time.
            value = timezone.make_naive(value)
        value = neutralise(value)
        is_text = isinstance(value, str | CellRichText)
        key = (
            number_format if not is_text else None,
            column.wrap and is_text,
            isinstance(value, CellRichText),
        )
        if key == (None, False, False):
            return value
        cell = WriteOnlyCell(self.sheet, value)
        cell._style = self._style(*key)
        return cell

    def _style(self, number_format: str | None, wrapped: bool, quoted: bool):
        """The style of a kind of cell, built once: setting styles cell by cell is what costs most.

        openpyxl keeps a cell's style as a small array of indexes into the workbook's
        style tables; cells of the same kind share one, which openpyxl only reads.
        """
        key = (number_format, wrapped, quoted)
        style = self._styles.get(key)
        if style is None:
            prototype = WriteOnlyCell(self.sheet)
            if number_format:
                prototype.number_format = number_format
            if wrapped:
                prototype.alignment = WRAPPED
            if quoted:
                # Keeps the text literal even when someone edits the cell in Excel later.
                prototype.quotePrefix = True
            style = self._styles[key] = prototype._style
        return style


class StreamingExporter(BaseExporter):
    """An export of flat sheets, written row by row in openpyxl's write-only mode."""

    def sheets(self) -> Iterator[SheetSpec]:
        raise NotImplementedError

    def write(self, target) -> None:
        workbook = Workbook(write_only=True)
        for spec in self.sheets():
            _SheetWriter(workbook, spec).write()
        workbook.save(target)


def _date_text(day) -> str:
    return _("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month, "day": day.day}


@register
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
        Column(gettext_lazy("完成率"), 9, PERCENT),
        Column(gettext_lazy("序时进度"), 9, PERCENT),
        Column(gettext_lazy("完成率与序时进度之差"), 11, PERCENT),
        Column(gettext_lazy("预警状态"), 10),
        Column(gettext_lazy("累计投入资金（万元）"), 12, MONEY),
        Column(gettext_lazy("报送情况"), 9),
        Column(gettext_lazy("审核状态"), 9),
        Column(gettext_lazy("进展情况"), 40, wrap=True),
        Column(gettext_lazy("存在问题"), 30, wrap=True),
    )
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

    def __init__(self, *, filters: MonthlyFilter):
        self.filters = filters

    @property
    def year(self) -> int:
        return self.filters.plan_year.year

    def get_filename(self) -> str:
        return f"{self.verbose_name}-{self.year}年{self.filters.month}月.{self.extension}"

    def sheets(self) -> Iterator[SheetSpec]:
        context = month_context(self.filters)
        yield self._indicator_sheet(context)
        yield self._submission_sheet(context)

    # --- sheet 1: the indicators ---------------------------------------------------------------

    def _indicator_sheet(self, context: MonthContext) -> SheetSpec:
        filters, schedule = self.filters, context.schedule
        elapsed = time_progress(year=self.year, month=filters.month)
        notes = [
            _("数据截至%(cutoff)s；序时进度%(elapsed)s%%；报送截止日%(deadline)s。")
            % {
                "cutoff": _date_text(schedule.data_cutoff),
                "elapsed": elapsed,
                "deadline": _date_text(schedule.submit_deadline),
            },
            _("累计投入资金为各单位填报之和，每项任务只列在其第一个指标所在行。"),
        ]
        if filters.describe():
            notes.append(_("筛选条件：%(filters)s") % {"filters": filters.describe()})
        if Submission.objects.filter(reporting_month_id=context.reporting_month_id, is_demo=True).exists():
            notes.append(_("注意：本表含演示数据，不是真实报送。"))
        return SheetSpec(
            title=_("月度调度表"),
            columns=self.INDICATOR_COLUMNS,
            heading=[
                _("隆回县重点民生实事月度调度表（%(year)s年%(month)s月）")
                % {"year": self.year, "month": filters.month},
                *notes,
            ],
            rows=self._indicator_rows(context, elapsed),
        )

    def _indicator_rows(self, context: MonthContext, elapsed: Decimal) -> Iterator[tuple]:
        limits = thresholds_for(self.filters.plan_year)
        for number, line in enumerate(monthly_lines(self.filters, context), start=1):
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
                self._figure(line),
                as_fraction(completion),
                as_fraction(elapsed),
                as_fraction(completion - elapsed) if completion is not None else None,
                str(judgement.label),
                month.funds if line.first_of_row else None,
                str(month.timeliness.label),
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
    def _figure(line: MonthlyLine):
        indicator = line.indicator
        if indicator.kind == Indicator.Kind.MILESTONE:
            return str(Indicator.Stage(line.stage).label) if line.stage is not None else None
        if line.value is None:
            return None
        return Formatted(line.value, number_format_for(indicator.decimal_places))

    # --- sheet 2: who submitted when -----------------------------------------------------------

    def _submission_sheet(self, context: MonthContext) -> SheetSpec:
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
            str(line.timeliness.label),
            line.days_late,
            status_label(month.status),
        )
