"""Laying a normal-mode sheet out for print: how tall a row must be for its text, where pages break.

Excel and WPS never grow a row whose height was set, nor one with merged or wrapped cells nobody
edited; LibreOffice measures with whatever font replaces the one named (Noto CJK here, whose lines
are a third taller than 宋体's). So a printed sheet sets every row height itself, generously: a CJK
character counts two character units of the column width, a line is as tall as the tallest of
those fonts needs, and a cell keeps some padding. Pages are broken by the sheet itself (manual row
breaks at 100 % scale), so every program breaks at the same rows.
"""

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

POINTS_PER_INCH = 72
# Excel's column width unit is the width of a digit of the default font (Calibri 11, 7 px at
# 96 dpi), plus 5 px of cell padding per column.
PIXELS_PER_WIDTH_UNIT = 7
COLUMN_PADDING_PIXELS = 5
POINTS_PER_PIXEL = 0.75
# Units of column width a cell gives up to its left and right padding before text wraps.
CELL_PADDING_UNITS = 2


def text_units(text: str) -> int:
    """Character units the text takes: two for a wide (CJK) character, one for any other.

    Characters of ambiguous width (“”·…) count as wide: a CJK font prints them full width.
    """
    return sum(2 if unicodedata.east_asian_width(char) in "WFA" else 1 for char in text)


def lines_needed(text: str, width: float) -> int:
    """Printed lines of `text` in a wrapped cell `width` character units wide (at least one)."""
    usable = max(width - CELL_PADDING_UNITS, 2)
    return sum(max(1, math.ceil(text_units(line) / usable)) for line in str(text).split("\n"))


def column_points(width: float) -> float:
    """The printed width of a column `width` character units wide."""
    return (width * PIXELS_PER_WIDTH_UNIT + COLUMN_PADDING_PIXELS) * POINTS_PER_PIXEL


@dataclass(frozen=True)
class TextMetrics:
    """How tall a line of text of one size prints, and the air a cell keeps above and below it."""

    line_points: float
    padding_points: float

    @classmethod
    def for_size(cls, size: float) -> "TextMetrics":
        # Noto Sans CJK, LibreOffice's usual stand-in for 宋体, spaces lines 1.45 em apart (宋体
        # itself about 1.3 em); 1.5 em and most of a line of padding leave room for rounding.
        return cls(line_points=round(size * 1.5, 1), padding_points=round(size * 0.8, 1))

    def height(self, lines: int) -> float:
        return lines * self.line_points + self.padding_points


@dataclass(frozen=True)
class PageGeometry:
    """A printed page: paper size in points, margins in inches (as the sheet stores them)."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    header: float
    footer: float
    # Part of the printable height a page is filled to: programs round row heights differently,
    # and a page they found too full would get a break of their own before ours.
    fill: float = 0.95

    @property
    def printable_width(self) -> float:
        return self.width - (self.left + self.right) * POINTS_PER_INCH

    @property
    def printable_height(self) -> float:
        return (self.height - (self.top + self.bottom) * POINTS_PER_INCH) * self.fill

    def apply(self, sheet: Worksheet, *, landscape: bool) -> None:
        """Paper, orientation and margins at 100 %, so that the sheet's own row breaks hold."""
        sheet.page_setup.orientation = (
            Worksheet.ORIENTATION_LANDSCAPE if landscape else Worksheet.ORIENTATION_PORTRAIT
        )
        sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        sheet.page_setup.scale = 100
        # Excel ignores manual page breaks on a sheet fitted to a number of pages.
        sheet.sheet_properties.pageSetUpPr.fitToPage = False
        margins = sheet.page_margins
        margins.left, margins.right, margins.top, margins.bottom = (
            self.left,
            self.right,
            self.top,
            self.bottom,
        )
        margins.header, margins.footer = self.header, self.footer


# A4 landscape with a footer line well inside the bottom margin.
A4_LANDSCAPE = PageGeometry(
    width=841.9, height=595.3, left=0.5, right=0.5, top=0.6, bottom=0.85, header=0.3, footer=0.3
)


def paginate(
    heights: Sequence[float],
    *,
    first_page: float,
    other_pages: float,
    preferred: frozenset[int] = frozenset(),
    least_fill: float = 0.6,
) -> list[int]:
    """Where pages break: the indexes of the rows that end a page (all but the last page).

    `heights` are the rows' heights in points, `first_page` and `other_pages` the height each page
    has for them. A page ends where the next row would not fit; if a row in `preferred` (the end of
    a group the reader wants together) ends the page a little earlier, still filled to
    `least_fill`, the page ends there instead. A row taller than a page gets a page of its own.
    """
    breaks: list[int] = []
    room, start = first_page, 0
    while True:
        used, end, last_preferred = 0.0, None, None
        for index in range(start, len(heights)):
            if used + heights[index] > room and index > start:
                end = index - 1
                break
            used += heights[index]
            if index in preferred:
                last_preferred = index
        if end is None:
            return breaks
        if last_preferred is not None and last_preferred < end:
            if sum(heights[start : last_preferred + 1]) >= least_fill * room:
                end = last_preferred
        breaks.append(end)
        room, start = other_pages, end + 1


def set_row_breaks(sheet: Worksheet, rows: Sequence[int]) -> None:
    """Manual page breaks after each of `rows` (sheet row numbers)."""
    for row in rows:
        sheet.row_breaks.append(Break(id=row))
