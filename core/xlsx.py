"""Excel files the way every export of the project writes them: one base, one writer, safe cells.

An exporter knows its identifier and title, builds an openpyxl Workbook (or describes flat
sheets for the streaming writer) and renders it to bytes; views and management commands only
pick an exporter and hand it to `audit.delivery`, which delivers the file with its audit row.
"""

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.cell.rich_text import CellRichText
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

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


def write_cell(sheet, row: int, column: int, value):
    """Put user text or a value into a cell of a normal-mode sheet, neutralised; returns the cell.

    Text that `neutralise` turns into rich text also gets Excel's quote prefix, so it stays
    literal when someone edits the cell later.
    """
    value = neutralise(value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, CellRichText):
        cell.quotePrefix = True
    return cell


def neutralise_csv(value):
    """The same rule for files without rich text (CSV, tablib): a leading apostrophe, as OWASP advises."""
    if isinstance(value, str) and (value.startswith(FORMULA_TRIGGERS) or value in ERROR_CODES):
        return "'" + value
    return value


FONT_NAME = "宋体"
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


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
# Excel's text format: what is typed into the column stays as typed (an ID number keeps its digits).
TEXT = "@"
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

    def write_into(self, workbook: Workbook) -> None:
        """Write the sheet into a write-only workbook (a print sheet writes itself its own way)."""
        _SheetWriter(workbook, self).write()


def number_format_for(decimal_places: int) -> str:
    return "0" if decimal_places <= 0 else "0." + "0" * decimal_places


def as_fraction(percent: Decimal | None) -> Decimal | None:
    """88.8 (percent) → 0.888, which Excel shows as 88.8% with PERCENT."""
    return None if percent is None else percent / 100


def landscape_a4_fit_width(sheet: Worksheet) -> None:
    """A4 landscape, every column on the page width, the rows running on over as many pages as needed."""
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


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
            dimension = sheet.column_dimensions[get_column_letter(column)]
            dimension.width = item.width
            if item.number_format == TEXT:
                # The column's own format, so what is typed into it later stays text as well.
                dimension.number_format = TEXT
        sheet.freeze_panes = f"A{header_row + 1}"
        sheet.print_title_rows = f"{header_row}:{header_row}"
        landscape_a4_fit_width(sheet)
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
            spec.write_into(workbook)
        workbook.save(target)
