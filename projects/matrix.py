"""The responsibility matrix (责任分解表), laid out and printed like the plan's 附表.

What each line says comes from `projects.matrix_content`; this module lays it out: merged tier,
project and shared cells as in the 附表, row heights from the text, and pages broken by the sheet
itself so that LibreOffice, Excel and WPS break at the same rows. A merged cell that a page break
would cut is split there and its text repeated below the break, as the 附表 repeats
"1 省定民生实事" after its own page break; the notes follow the table.
"""

from dataclasses import dataclass
from itertools import groupby

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, NamedStyle
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from core.xlsx import BORDER, CENTRED, FONT_NAME, LEFT, BaseExporter, write_cell
from core.xlsx_layout import (
    A4_LANDSCAPE,
    TextMetrics,
    lines_needed,
    paginate,
    set_row_breaks,
)
from projects.matrix_content import MatrixLine, matrix_content
from projects.models import PlanYear

# 序号, tier, project, sub-item, units, 责任人, 牵头领导 — widths in Excel character units,
# together a little narrower than the printable width of A4 landscape at 100 %.
COLUMN_WIDTHS = (6, 8, 22, 27, 31, 30, 10)
LAST_COLUMN = len(COLUMN_WIDTHS)
TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3
BODY_FONT_SIZE = 10.5
TITLE_FONT_SIZE = 16
FOOTER_FONT_SIZE = 10
BODY_TEXT = TextMetrics.for_size(BODY_FONT_SIZE)
TITLE_HEIGHT = TextMetrics.for_size(TITLE_FONT_SIZE).height(1)
HEADER_HEIGHT = BODY_TEXT.height(1)
PAGE = A4_LANDSCAPE
# Kept for callers that size a line of body text.
LINE_HEIGHT = BODY_TEXT.line_points

_STYLES = {
    "matrix-title": {"font": Font(name=FONT_NAME, size=TITLE_FONT_SIZE, bold=True), "alignment": CENTRED},
    "matrix-header": {
        "font": Font(name=FONT_NAME, size=BODY_FONT_SIZE, bold=True),
        "alignment": CENTRED,
        "border": BORDER,
    },
    "matrix-centre": {
        "font": Font(name=FONT_NAME, size=BODY_FONT_SIZE),
        "alignment": CENTRED,
        "border": BORDER,
    },
    "matrix-left": {"font": Font(name=FONT_NAME, size=BODY_FONT_SIZE), "alignment": LEFT, "border": BORDER},
    "matrix-note": {
        "font": Font(name=FONT_NAME, size=BODY_FONT_SIZE),
        "alignment": Alignment(horizontal="left", vertical="top", wrap_text=True),
    },
}
COLUMN_STYLES = ("matrix-centre", "matrix-centre", "matrix-left", "matrix-left", "matrix-left")
COLUMN_STYLES += ("matrix-centre", "matrix-centre")


@dataclass(frozen=True)
class Span:
    """Rows of the table (sheet row numbers) whose cells in `columns` are merged into one each."""

    start: int
    end: int
    columns: tuple[int, ...]


def _spans(lines: list[MatrixLine]) -> list[Span]:
    """The vertical merges of the 附表: tier, split project, and sub-items sharing units and people."""
    spans = []
    row = FIRST_DATA_ROW
    for _tier, tier_lines in groupby(lines, key=lambda line: line.tier_key):
        tier_lines = list(tier_lines)
        spans.append(Span(row, row + len(tier_lines) - 1, (1, 2)))
        project_row = row
        for _project, project_lines in groupby(tier_lines, key=lambda line: line.project_key):
            project_lines = list(project_lines)
            if project_lines[0].split:
                spans.append(Span(project_row, project_row + len(project_lines) - 1, (3,)))
            run_row = project_row
            # Consecutive sub-items with the same units, people and leader share those cells,
            # as items 6 and 7 do in the 附表.
            for _shared, run in groupby(project_lines, key=lambda line: line.shared):
                run_end = run_row + len(list(run)) - 1
                spans.append(Span(run_row, run_end, (5, 6, 7)))
                run_row = run_end + 1
            project_row += len(project_lines)
        row += len(tier_lines)
    return spans


def _split(spans: list[Span], breaks: list[int]) -> list[Span]:
    """The spans cut after each row that ends a page."""
    result = []
    for span in spans:
        start = span.start
        for end in breaks:
            if start <= end < span.end:
                result.append(Span(start, end, span.columns))
                start = end + 1
        result.append(Span(start, span.end, span.columns))
    return result


def _merge(sheet: Worksheet, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
    """Record a merged range over cells that are all styled already, as Excel itself stores one.

    `Worksheet.merge_cells` also re-styles each cell on the range's edges, one border object at a
    time, which took about two thirds of the export's time; every cell of the table carries the
    bordered style already, so the range alone is recorded, through the sheet's public
    `merged_cells` set. The cells inside keep their style and hold no value (only the first one is
    written), which is what Excel writes for a merge; openpyxl reads it back as merged cells.
    """
    sheet.merged_cells.add(
        CellRange(min_row=start_row, min_col=start_column, max_row=end_row, max_col=end_column)
    )


class ResponsibilityMatrixExporter(BaseExporter):
    """The plan's 附表: one line per task row, with units, 责任人 and 牵头领导, then the notes."""

    identifier = "responsibility_matrix"
    verbose_name = gettext_lazy("责任分解表")

    def __init__(self, *, plan_year: PlanYear):
        self.plan_year = plan_year

    def get_filename(self) -> str:
        return f"{self.verbose_name}-{self.plan_year.year}.{self.extension}"

    def lines(self) -> list[MatrixLine]:
        return matrix_content(self.plan_year).lines

    def build_workbook(self) -> Workbook:
        content = matrix_content(self.plan_year)
        lines, notes = content.lines, content.notes
        workbook = Workbook()
        for name, attributes in _STYLES.items():
            workbook.add_named_style(NamedStyle(name=name, **attributes))
        sheet = workbook.active
        sheet.title = _("%(year)s年责任分解表") % {"year": self.plan_year.year}
        first_note = FIRST_DATA_ROW + len(lines)
        layout = _Layout(lines, notes, first_note=first_note)
        self._write_head(sheet)
        for row, line in enumerate(lines, start=FIRST_DATA_ROW):
            for column, value in enumerate(line.values, start=1):
                if layout.shows(row, column):
                    self._put(sheet, row, column, value, COLUMN_STYLES[column - 1])
                else:
                    # Merged away: only its style matters, for the merged cell's borders.
                    sheet.cell(row=row, column=column).style = COLUMN_STYLES[column - 1]
        for row, note in enumerate(notes, start=first_note):
            self._put(sheet, row, 1, note, "matrix-note")
            _merge(sheet, row, 1, row, LAST_COLUMN)
        for span in layout.spans:
            for column in span.columns:
                if span.end > span.start:
                    _merge(sheet, span.start, column, span.end, column)
        for row in layout.across:
            _merge(sheet, row, 3, row, 4)
        for row, height in layout.heights.items():
            sheet.row_dimensions[row].height = height
        set_row_breaks(sheet, layout.breaks)
        self._set_up_page(sheet, last_row=first_note + len(notes) - 1)
        return workbook

    @staticmethod
    def _put(sheet: Worksheet, row: int, column: int, value, style: str) -> None:
        # Style first: a named style also resets the quote prefix write_cell may set.
        sheet.cell(row=row, column=column).style = style
        if value not in ("", None):
            write_cell(sheet, row, column, value)

    def _write_head(self, sheet: Worksheet) -> None:
        title = _("隆回县打好“重点民生保障仗”重点工作任务责任分解表")
        self._put(sheet, TITLE_ROW, 1, title, "matrix-title")
        _merge(sheet, TITLE_ROW, 1, TITLE_ROW, LAST_COLUMN)
        headers = (_("序号"), _("重点工作任务"), "", "", _("主要责任单位"), _("责任人"), _("牵头领导"))
        for column, header in enumerate(headers, start=1):
            self._put(sheet, HEADER_ROW, column, header, "matrix-header")
        # 重点工作任务 sits over tier, project and sub-item.
        _merge(sheet, HEADER_ROW, 2, HEADER_ROW, 4)
        sheet.row_dimensions[TITLE_ROW].height = TITLE_HEIGHT
        sheet.row_dimensions[HEADER_ROW].height = HEADER_HEIGHT

    def _set_up_page(self, sheet: Worksheet, *, last_row: int) -> None:
        for column, width in enumerate(COLUMN_WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        PAGE.apply(sheet, landscape=True)
        # The header row on every page; the title only on the first.
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        sheet.print_area = f"A1:{get_column_letter(LAST_COLUMN)}{last_row}"
        sheet.print_options.horizontalCentered = True
        footer = sheet.oddFooter.center
        footer.text = _("第 &P 页，共 &N 页")
        footer.font = f"{FONT_NAME},Regular"
        footer.size = FOOTER_FONT_SIZE
        sheet.freeze_panes = f"A{FIRST_DATA_ROW}"


class _Layout:
    """Row heights, page breaks and merges of the table, worked out together.

    Heights decide where pages break, and a break splits the merges it cuts, whose parts then need
    room for their own copy of the text: a few rounds settle it (in practice two).
    """

    ROUNDS = 4

    def __init__(self, lines: list[MatrixLine], notes: list[str], *, first_note: int):
        self.lines = lines
        self.notes = notes
        self.first_note = first_note
        whole = _spans(lines)
        # A page preferably ends where a project does.
        self.preferred = frozenset(
            row - FIRST_DATA_ROW
            for row, (line, following) in enumerate(
                zip(lines, [*lines[1:], None], strict=True), start=FIRST_DATA_ROW
            )
            if following is None or following.project_key != line.project_key
        )
        self.across = [row for row, line in enumerate(lines, start=FIRST_DATA_ROW) if not line.split]
        self.breaks: list[int] = []
        for _round in range(self.ROUNDS):
            self.spans = _split(whole, self.breaks)
            self.heights = self._heights()
            breaks = self._paginate()
            if breaks == self.breaks:
                break
            self.breaks = breaks
        self.spans = _split(whole, self.breaks)
        self.heights = self._heights()
        self._hidden = {
            (row, column)
            for span in self.spans
            for column in span.columns
            for row in range(span.start + 1, span.end + 1)
        }

    def shows(self, row: int, column: int) -> bool:
        """Whether the cell holds its text (the first cell of a merge, or a cell not merged)."""
        return (row, column) not in self._hidden and not (column == 4 and row in self.across)

    def _text(self, row: int, column: int) -> str:
        return str(self.lines[row - FIRST_DATA_ROW].values[column - 1] or "")

    def _heights(self) -> dict[int, float]:
        down = {
            (span.start, column): span
            for span in self.spans
            for column in span.columns
            if span.end > span.start
        }
        inside = {
            (row, column) for (start, column), span in down.items() for row in range(start, span.end + 1)
        }
        across = set(self.across)
        heights = {}
        for row in range(FIRST_DATA_ROW, self.first_note):
            needed = 1
            for column, width in enumerate(COLUMN_WIDTHS, start=1):
                if (row, column) in inside or (column == 4 and row in across):
                    continue
                if column == 3 and row in across:
                    width += COLUMN_WIDTHS[3]
                needed = max(needed, lines_needed(self._text(row, column), width))
            heights[row] = BODY_TEXT.height(needed)
        # A merged cell may need more than its rows give it: share the shortfall out.
        for (start, column), span in down.items():
            needed = BODY_TEXT.height(lines_needed(self._text(start, column), COLUMN_WIDTHS[column - 1]))
            rows = range(start, span.end + 1)
            shortfall = needed - sum(heights[row] for row in rows)
            if shortfall > 0:
                for row in rows:
                    heights[row] += shortfall / len(rows)
        for row, note in enumerate(self.notes, start=self.first_note):
            heights[row] = BODY_TEXT.height(lines_needed(note, sum(COLUMN_WIDTHS)))
        return {row: round(height, 1) for row, height in heights.items()}

    def _paginate(self) -> list[int]:
        rows = sorted(self.heights)
        page = PAGE.printable_height - HEADER_HEIGHT
        ends = paginate(
            [self.heights[row] for row in rows],
            first_page=page - TITLE_HEIGHT,
            other_pages=page,
            preferred=self.preferred,
        )
        return [rows[index] for index in ends]
