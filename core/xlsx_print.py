"""Sheets meant to be printed as they are: at 100 %, rows as tall as their text, pages broken here.

A print sheet is written in openpyxl's write-only mode like every streamed sheet, so it may run to
any length. Everything a renderer would otherwise guess is worked out from the text instead:

- column widths are in Excel's unit, the maximum digit width of the workbook's default font
  (Calibri 11 in the files openpyxl writes: 7 px at 96 dpi, i.e. 5.25 pt); the columns must fit the
  printable width at 100 % (`PageGeometry.scale_needed`);
- a cell's lines are counted at its column's width, a CJK character taking `size / 5.25` units (2.1
  at 11 pt), other characters 0.6 of that; each row gets the height of its tallest cell, so
  wrapped text is never cut, in LibreOffice or Excel, with 宋体 or a fallback CJK font (whose
  lines are taller: `LINE_SPACING`);
- pages are broken by the writer from those heights (manual row breaks, honoured at 100 %), the
  header row repeats on every page (print titles), a band row (e.g. a tier) is continued at the top
  of a page that starts inside it, and cells merged down a group of lines are split at the break,
  their text written again at the top of the new page;
- the footer carries 第 N 页，共 M 页, inside the bottom margin.

openpyxl's write-only sheet reads `row_dimensions`, `row_breaks`, `merged_cells`, the print titles
and the page setup when it writes each row or closes the sheet, so all of them can be set while the
rows stream.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass, field
from functools import lru_cache

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.rich_text import CellRichText
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from core.xlsx import Column, Formatted, SheetSpec, neutralise, prepared_style

POINTS_PER_WIDTH_UNIT = 5.25
# A cell's text starts and ends a little inside its borders.
CELL_PADDING_UNITS = 0.8
CELL_PADDING_POINTS = 5.0
# Line height as a multiple of the font size: 宋体 needs about 1.3, the CJK fonts LibreOffice falls
# back to (Noto Sans CJK, WenQuanYi) about 1.45.
LINE_SPACING = 1.45
MAX_ROW_HEIGHT = 409.0  # Excel's limit
INCH = 72.0
# Portrait width and height in points.
PAPER_POINTS = {
    Worksheet.PAPERSIZE_A3: (841.89, 1190.55),
    Worksheet.PAPERSIZE_A4: (595.28, 841.89),
}
# Left for what a renderer adds (gridline rounding, a border's width) when it fills a page.
PAGE_SLACK_POINTS = 12.0

BODY_FONT_NAME = "宋体"
HEADING_FONT_NAME = "黑体"
NOTE_FONT_NAME = "仿宋"
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
BAND_FILL = PatternFill("solid", fgColor="F2F2F2")
# &P is the page number; the count is the writer's own, as renderers number the pages of a whole
# workbook together (LibreOffice's &N counts every sheet's).
PAGE_NUMBERS = "第 &P 页，共 %(pages)s 页"


def is_wide(character: str) -> bool:
    return unicodedata.east_asian_width(character) in ("W", "F")


def text_units(text: str, size: float) -> float:
    """The width of one line of text in column-width units, at `size` points."""
    wide = size / POINTS_PER_WIDTH_UNIT
    return sum(wide if is_wide(character) else 0.6 * wide for character in text)


def _tokens(paragraph: str) -> Iterator[str]:
    """What a renderer will not break: a CJK character, or a run of other non-space characters."""
    word = ""
    for character in paragraph:
        if is_wide(character) or character.isspace():
            if word:
                yield word
                word = ""
            yield character
        else:
            word += character
    if word:
        yield word


@lru_cache(maxsize=4096)
def lines_needed(text: str, width: float, size: float) -> int:
    """How many lines `text` takes wrapped in a column `width` units wide, at `size` points.

    Cached: the same labels, units and project titles come back row after row.
    """
    room = max(width - CELL_PADDING_UNITS, 1.0)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for token in _tokens(paragraph):
            needed = text_units(token, size)
            if used and used + needed > room and not token.isspace():
                lines += 1
                used = 0.0
            if needed > room:  # a word longer than the line is broken anyway
                extra = math.ceil(needed / room) - 1
                lines += extra
                used = needed - extra * room
            else:
                used += needed
    return lines


def line_height(size: float) -> float:
    return size * LINE_SPACING


def row_height(lines: int, size: float) -> float:
    """The height in points of a row whose tallest cell holds `lines` lines at `size` points."""
    return min(math.ceil((lines * line_height(size) + CELL_PADDING_POINTS) * 4) / 4, MAX_ROW_HEIGHT)


def max_lines(size: float) -> int:
    """The most lines a cell can show: a row is at most `MAX_ROW_HEIGHT` tall."""
    return int((MAX_ROW_HEIGHT - CELL_PADDING_POINTS) // line_height(size))


def clip_to_lines(text: str, width: float, size: float, limit: int, ellipsis: str) -> str:
    """`text` cut so that it and `ellipsis` fit in `limit` lines (unchanged when it fits already)."""
    if lines_needed(text, width, size) <= limit:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if lines_needed(text[:middle] + ellipsis, width, size) <= limit:
            low = middle
        else:
            high = middle - 1
    return text[:low] + ellipsis


@dataclass(frozen=True)
class PageGeometry:
    """Paper, orientation and margins (inches), and what is left for the table, in points."""

    paper_size: int = Worksheet.PAPERSIZE_A3
    landscape: bool = True
    left: float = 0.5
    right: float = 0.5
    top: float = 0.6
    bottom: float = 0.75
    header: float = 0.3
    # From the paper's bottom edge to the footer's text, inside the bottom margin.
    footer: float = 0.3

    @property
    def paper_points(self) -> tuple[float, float]:
        """Width and height of the paper as it lies."""
        width, height = PAPER_POINTS[self.paper_size]
        return (height, width) if self.landscape else (width, height)

    @property
    def printable_width(self) -> float:
        return self.paper_points[0] - (self.left + self.right) * INCH

    @property
    def printable_height(self) -> float:
        return self.paper_points[1] - (self.top + self.bottom) * INCH

    def scale_needed(self, widths: Iterable[float]) -> float:
        """The print scale at which the columns fill the printable width: 1.0 when they fit."""
        return min(1.0, self.printable_width / (sum(widths) * POINTS_PER_WIDTH_UNIT))


@dataclass(frozen=True)
class Band:
    """A row across the whole table: the heading of the lines below it (e.g. a tier)."""

    text: str
    continued: str = ""  # the text at the top of a page that starts inside the band

    def __iter__(self):
        return iter((self.text,))


@dataclass(frozen=True)
class Line:
    """A row of the table; consecutive lines of one `group` share the spec's merged columns."""

    values: Sequence
    group: object = None

    def __iter__(self):
        return iter(self.values)


@dataclass
class PrintSheetSpec(SheetSpec):
    """A sheet to print: `rows` yields `Line`s and `Band`s; `heading` lines above, `footer` below."""

    geometry: PageGeometry = field(default_factory=PageGeometry)
    # 0-based indexes of the columns merged down the lines of a group, within a page.
    merged: Sequence[int] = ()
    # 0-based indexes of the columns whose text is aligned left (the rest is centred).
    left: Sequence[int] = ()
    body_size: float = 11
    title_size: float = 18
    note_size: float = 12
    # Text put after a cell cut to the most a row can hold.
    clipped: str = "……"

    def write_into(self, workbook) -> None:
        _PrintSheetWriter(workbook, self).write()


class _PrintSheetWriter:
    def __init__(self, workbook, spec: PrintSheetSpec):
        self.spec = spec
        self.sheet = workbook.create_sheet(spec.title)
        self.widths = [column.width for column in spec.columns]
        self.table_width = sum(self.widths)
        self.columns = len(spec.columns)
        self.row = 0
        self.used = 0.0  # points of the current page taken
        self.header_height = 0.0
        self.pages = 1
        self.band: Band | None = None
        self.group: object = None
        self.group_start = 0
        self._styles: dict[tuple, object] = {}

    # --- the sheet ---

    def write(self) -> None:
        spec, sheet = self.spec, self.sheet
        for index, width in enumerate(self.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        self._page_setup()
        for index, line in enumerate(spec.heading):
            if index == 0:
                self._across(line, self._title_style(), spec.title_size, height_floor=spec.title_size * 2)
            else:
                self._across(line, self._note_style(), spec.note_size)
        self._header()
        items = iter(spec.rows)
        item = next(items, None)
        while item is not None:
            following = next(items, None)
            if isinstance(item, Band):
                self._band(item, following)
            else:
                self._line(item)
            item = following
        self._close_group()
        # The notes under the table, at the body's size, stay together: on the last page or on one
        # of their own.
        size = spec.body_size
        notes = [(line, self._across_height(line, size)) for line in spec.footer()]
        if notes and not self._fits(sum(height for _line, height in notes)):
            self._new_page()
        for line, _height in notes:
            self._across(line, self._note_style(size), size)
        # Written when the sheet is closed, after its rows: the count of pages is known by then.
        sheet.oddFooter.center.text = PAGE_NUMBERS % {"pages": self.pages}

    def _page_setup(self) -> None:
        sheet, geometry = self.sheet, self.spec.geometry
        sheet.page_setup.paperSize = geometry.paper_size
        sheet.page_setup.orientation = (
            Worksheet.ORIENTATION_LANDSCAPE if geometry.landscape else Worksheet.ORIENTATION_PORTRAIT
        )
        sheet.page_setup.scale = 100
        sheet.sheet_properties.pageSetUpPr.fitToPage = False
        margins = sheet.page_margins
        margins.left, margins.right = geometry.left, geometry.right
        margins.top, margins.bottom = geometry.top, geometry.bottom
        margins.header, margins.footer = geometry.header, geometry.footer
        sheet.print_options.horizontalCentered = True
        sheet.oddFooter.center.font = f"{BODY_FONT_NAME},Regular"
        sheet.oddFooter.center.size = 10
        header_row = len(self.spec.heading) + 1
        sheet.print_title_rows = f"{header_row}:{header_row}"

    # --- rows ---

    def _append(self, cells: list, height: float) -> None:
        """Write a row at its height; the row's dimension goes once written, so memory stays flat."""
        self.row += 1
        self.sheet.row_dimensions[self.row].height = height
        self.sheet.append(cells)
        del self.sheet.row_dimensions[self.row]

    def _merge(self, first_column: int, first_row: int, last_column: int, last_row: int) -> None:
        """Merge a range; straight into the set, as openpyxl's `add` compares it with every range
        merged before (quadratic over a long sheet), and ranges merged here never overlap."""
        self.sheet.merged_cells.ranges.add(
            CellRange(min_col=first_column, min_row=first_row, max_col=last_column, max_row=last_row)
        )

    def _fits(self, height: float) -> bool:
        return self.used + height <= self.spec.geometry.printable_height - PAGE_SLACK_POINTS

    def _new_page(self) -> None:
        """Break after the last row written; the new page starts with the repeated header row."""
        self._close_group()
        self.sheet.row_breaks.append(Break(id=self.row))
        self.pages += 1
        self.used = self.header_height

    def _across_height(self, text: str, size: float) -> float:
        return row_height(lines_needed(text, self.table_width, size), size)

    def _across(self, text: str, style, size: float, *, height_floor: float = 0) -> None:
        """A line of text across the table's width (heading or notes), merged, as tall as its text."""
        height = max(self._across_height(text, size), height_floor)
        self._append([self._cell(text, style)], height)
        self.used += height
        self._merge(1, self.row, self.columns, self.row)

    def _header(self) -> None:
        size = self.spec.body_size
        headers = [str(column.header) for column in self.spec.columns]
        lines = max(lines_needed(text, width, size) for text, width in zip(headers, self.widths, strict=True))
        self.header_height = row_height(lines, size)
        style = self._header_style()
        self._append([self._cell(text, style) for text in headers], self.header_height)
        self.used += self.header_height

    def _band_cells(self, text: str) -> list:
        style = self._band_style()
        # Every cell of the merged band gets its borders, so the band is boxed in every renderer.
        return [self._cell(text, style), *(self._cell(None, style) for _ in self.widths[1:])]

    def _band(self, band: Band, following) -> None:
        size = self.spec.body_size
        height = row_height(lines_needed(band.text, self.table_width, size), size)
        # Keep a band with its first line: never alone at the foot of a page.
        needed = height + (self._line_height(following, first=True) if isinstance(following, Line) else 0)
        self._close_group()
        if not self._fits(needed):
            self._new_page()
        self.band = band
        self._append(self._band_cells(band.text), height)
        self.used += height
        self._merge(1, self.row, self.columns, self.row)

    def _line_height(self, line: Line, *, first: bool) -> float:
        size = self.spec.body_size
        lines = 1
        for index, (value, column) in enumerate(zip(line.values, self.spec.columns, strict=True)):
            if not first and index in self.spec.merged:
                continue
            if isinstance(value, str) and value:
                lines = max(lines, lines_needed(value, column.width, size))
        return row_height(lines, size)

    def _line(self, line: Line) -> None:
        first = line.group is None or line.group != self.group
        height = self._line_height(line, first=first)
        if not self._fits(height):
            self._new_page()
            if self.band is not None:
                text = self.band.continued or self.band.text
                size = self.spec.body_size
                band_height = row_height(lines_needed(text, self.table_width, size), size)
                self._append(self._band_cells(text), band_height)
                self.used += band_height
                self._merge(1, self.row, self.columns, self.row)
            first = True
            height = self._line_height(line, first=True)
        if first:
            self._close_group()
            self.group, self.group_start = line.group, self.row + 1
        limit = max_lines(self.spec.body_size)
        cells = []
        for index, (value, column) in enumerate(zip(line.values, self.spec.columns, strict=True)):
            if index in self.spec.merged and not first:
                value = None
            elif isinstance(value, str):
                value = clip_to_lines(value, column.width, self.spec.body_size, limit, self.spec.clipped)
            cells.append(self._value_cell(value, column, left=index in self.spec.left))
        self._append(cells, height)
        self.used += height

    def _close_group(self) -> None:
        """Merge the group's cells in the merged columns, from its first line to the last written."""
        if self.group is not None and self.row > self.group_start:
            for index in self.spec.merged:
                self._merge(index + 1, self.group_start, index + 1, self.row)
        self.group = None

    # --- cells and styles ---

    def _cell(self, value, style) -> WriteOnlyCell:
        value = neutralise(value)
        cell = WriteOnlyCell(self.sheet, value)
        cell._style = copy(style)
        if isinstance(value, CellRichText):
            cell.quotePrefix = True
        return cell

    def _value_cell(self, value, column: Column, *, left: bool) -> WriteOnlyCell:
        """Every cell wraps (its row is as tall as its lines); numbers keep their number format."""
        number_format = column.number_format
        if isinstance(value, Formatted):
            value, number_format = value.value, value.number_format
        if value == "":
            value = None
        is_text = isinstance(value, str)
        return self._cell(value, self._body_style(None if is_text else number_format, left and is_text))

    def _style(self, key: tuple, build):
        """The style of a kind of cell, worked out once (`build` gives its attributes): building
        fonts and alignments costs more than writing the cell."""
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = prepared_style(self.sheet, **build())
        return style

    def _body_style(self, number_format: str | None, left: bool):
        def build():
            attributes = {
                "font": Font(name=BODY_FONT_NAME, size=self.spec.body_size),
                "alignment": Alignment(
                    horizontal="left" if left else "center", vertical="center", wrap_text=True
                ),
                "border": BORDER,
            }
            if number_format:
                attributes["number_format"] = number_format
            return attributes

        return self._style(("body", number_format, left), build)

    def _header_style(self):
        return self._style(
            ("header",),
            lambda: {
                "font": Font(name=HEADING_FONT_NAME, size=self.spec.body_size, bold=True),
                "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
                "border": BORDER,
                "fill": HEADER_FILL,
            },
        )

    def _band_style(self):
        return self._style(
            ("band",),
            lambda: {
                "font": Font(name=HEADING_FONT_NAME, size=self.spec.body_size, bold=True),
                "alignment": Alignment(horizontal="left", vertical="center", wrap_text=True),
                "border": BORDER,
                "fill": BAND_FILL,
            },
        )

    def _title_style(self):
        return self._style(
            ("title",),
            lambda: {
                "font": Font(name=HEADING_FONT_NAME, size=self.spec.title_size, bold=True),
                "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
            },
        )

    def _note_style(self, size: float | None = None):
        size = size or self.spec.note_size
        return self._style(
            ("note", size),
            lambda: {
                "font": Font(name=NOTE_FONT_NAME, size=size),
                "alignment": Alignment(horizontal="left", vertical="center", wrap_text=True),
            },
        )
