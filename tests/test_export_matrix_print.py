"""The responsibility matrix on paper: page setup, row heights, page breaks, and LibreOffice's PDF of it.

The workbook is built once for the module and converted to PDF once.
"""

import io
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from core.xlsx_layout import POINTS_PER_INCH, column_points, lines_needed
from projects.matrix import BODY_FONT_SIZE, FIRST_DATA_ROW, HEADER_ROW, PAGE, TITLE_ROW
from projects.models import PlanYear, Tier
from tests.matrix_workbook import matrix_bytes

pytestmark = pytest.mark.django_db

# How tall a line of 10.5 pt text prints in Noto Sans CJK (LibreOffice's stand-in for 宋体 here),
# measured in its PDF; 宋体 itself in Excel and WPS needs less.
MEASURED_LINE = 15.3


@pytest.fixture(scope="module")
def content(django_db_setup, django_db_blocker) -> bytes:
    with django_db_blocker.unblock():
        return matrix_bytes(PlanYear.objects.get(year=2023))


@pytest.fixture(scope="module")
def tiers(django_db_setup, django_db_blocker) -> list[tuple[int, str, int]]:
    """(position, short name, number of task rows) of each tier, in order."""
    with django_db_blocker.unblock():
        plan_year = PlanYear.objects.get(year=2023)
        return [
            (
                tier.position,
                tier.short_name,
                sum(project.task_rows.count() for project in tier.projects.all()),
            )
            for tier in Tier.objects.filter(plan_year=plan_year).order_by("position")
        ]


@pytest.fixture(scope="module")
def sheet(content):
    return load_workbook(io.BytesIO(content)).active


@pytest.fixture(scope="module")
def last_data_row(tiers) -> int:
    return FIRST_DATA_ROW + sum(rows for _position, _name, rows in tiers) - 1


@pytest.fixture(scope="module")
def breaks(sheet) -> list[int]:
    return [item.id for item in sheet.row_breaks.brk]


def test_it_prints_on_a4_landscape_at_full_size(sheet):
    setup = sheet.page_setup
    assert (setup.orientation, int(setup.paperSize), int(setup.scale)) == ("landscape", 9, 100)
    # Fitting to a number of pages would make Excel ignore the sheet's own page breaks.
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage


def test_it_keeps_the_footer_well_inside_the_bottom_margin(sheet):
    margins = sheet.page_margins
    assert (margins.left, margins.right, margins.top, margins.bottom) == (0.5, 0.5, 0.6, 0.85)
    # Room for a 10 pt footer line and air above it.
    assert margins.bottom - margins.footer >= 0.5
    assert margins.top - margins.header >= 0.3


def test_it_numbers_the_pages_in_the_footer(sheet):
    footer = sheet.oddFooter.center
    assert (footer.text, footer.font, footer.size) == ("第 &P 页，共 &N 页", "宋体,Regular", 10)


def test_it_repeats_the_header_row_on_every_page(sheet, last_data_row):
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.print_area == f"'{sheet.title}'!$A$1:$G${sheet.max_row}"
    assert sheet.max_row > last_data_row  # the notes are printed too
    assert sheet.print_options.horizontalCentered


def test_it_fits_the_table_in_the_page_width(sheet):
    width = sum(
        column_points(sheet.column_dimensions[get_column_letter(column)].width) for column in range(1, 8)
    )
    # LibreOffice prints columns about 3 % wider than Excel's own measure.
    assert width * 1.04 <= PAGE.printable_width


def test_it_breaks_pages_by_hand_where_each_page_is_full(sheet, breaks):
    assert breaks
    assert all(item.man for item in sheet.row_breaks.brk)
    height = (PAGE.height - (PAGE.top + PAGE.bottom) * POINTS_PER_INCH) - sheet.row_dimensions[
        HEADER_ROW
    ].height
    pages = [FIRST_DATA_ROW - 1, *breaks, sheet.max_row]
    for number, (previous, end) in enumerate(zip(pages, pages[1:], strict=False), start=1):
        used = sum(sheet.row_dimensions[row].height for row in range(previous + 1, end + 1))
        room = height - (sheet.row_dimensions[TITLE_ROW].height if number == 1 else 0)
        assert used <= room * 0.96, number
        if end != sheet.max_row:
            # Full enough that a break was due: the next page's first row would not have fitted.
            assert used + sheet.row_dimensions[end + 1].height > room * 0.95 * 0.6, number


def test_it_cuts_no_merged_cell_at_a_page_break(sheet, breaks):
    for cell_range in sheet.merged_cells.ranges:
        for end in breaks:
            assert not (cell_range.min_row <= end < cell_range.max_row), (str(cell_range), end)


def test_it_repeats_the_tier_cell_at_the_top_of_every_page(sheet, breaks, tiers, last_data_row):
    tier_of_row = {}
    row = FIRST_DATA_ROW
    for position, name, rows in tiers:
        for offset in range(rows):
            tier_of_row[row + offset] = (position, name)
        row += rows
    tops = [end + 1 for end in breaks if end + 1 <= last_data_row]
    assert tops
    for top in tops:
        assert (sheet.cell(row=top, column=1).value, sheet.cell(row=top, column=2).value) == tier_of_row[
            top
        ], top
        # The project, units, people and leader are repeated too.
        for column in (3, 5, 6, 7):
            assert sheet.cell(row=top, column=column).value, (top, column)


def test_it_splits_a_tier_across_a_page_break_into_one_merge_per_page(sheet, breaks, tiers):
    first, last = FIRST_DATA_ROW, FIRST_DATA_ROW + tiers[0][2] - 1
    cuts = [end for end in breaks if first <= end < last]
    assert cuts  # the provincial tier runs over several pages
    starts = [first, *(end + 1 for end in cuts)]
    ends = [*cuts, last]
    merged = {str(cell_range) for cell_range in sheet.merged_cells.ranges}
    for start, end in zip(starts, ends, strict=True):
        assert (sheet[f"A{start}"].value, sheet[f"B{start}"].value) == (1, "省定民生实事")
        if end > start:  # a part of one row is a cell of its own
            assert {f"A{start}:A{end}", f"B{start}:B{end}"} <= merged


def _spans(sheet) -> dict[tuple[int, int], int]:
    """(first row, column) → last row of each cell merged down the table."""
    return {
        (cell_range.min_row, cell_range.min_col): cell_range.max_row
        for cell_range in sheet.merged_cells.ranges
        if cell_range.max_row > cell_range.min_row and cell_range.min_col == cell_range.max_col
    }


def _width(sheet, column: int, row: int) -> float:
    width = sheet.column_dimensions[get_column_letter(column)].width
    for cell_range in sheet.merged_cells.ranges:
        if cell_range.min_row == row == cell_range.max_row and cell_range.min_col == column:
            return sum(
                sheet.column_dimensions[get_column_letter(item)].width
                for item in range(cell_range.min_col, cell_range.max_col + 1)
            )
    return width


def test_it_gives_every_cell_room_for_its_lines_in_the_fallback_font(sheet):
    spans = _spans(sheet)
    for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
        for column in range(1, 8):
            value = sheet.cell(row=row, column=column).value
            if not value:
                continue
            last = spans.get((row, column), row)
            lines = lines_needed(str(value), _width(sheet, column, row))
            height = sum(sheet.row_dimensions[item].height for item in range(row, last + 1))
            assert height >= lines * MEASURED_LINE + 4, (row, column, lines, height)


def test_it_gives_the_six_people_of_item_1_six_lines_and_padding(sheet):
    people = sheet.cell(row=FIRST_DATA_ROW, column=6).value
    assert people.count("\n") == 5
    assert sheet.row_dimensions[FIRST_DATA_ROW].height >= 6 * BODY_FONT_SIZE * 1.5 + BODY_FONT_SIZE * 0.5


# --- LibreOffice's PDF -------------------------------------------------------------------------------

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


@pytest.fixture(scope="module")
def pdf_pages(content, tmp_path_factory) -> list[dict]:
    """Each page of LibreOffice's PDF of the matrix: its size and its words with their boxes."""
    soffice, pdftotext = shutil.which("soffice"), shutil.which("pdftotext")
    if soffice is None or pdftotext is None:
        pytest.skip("LibreOffice (soffice) or pdftotext (poppler-utils) is not on PATH")
    folder = tmp_path_factory.mktemp("matrix-pdf")
    source = folder / "matrix.xlsx"
    source.write_bytes(content)
    # A private profile, so a running LibreOffice or a parallel test does not block the conversion.
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    # Fixed arguments and paths we created: nothing from users reaches the command line.
    subprocess.run(  # noqa: S603
        [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(source)],
        check=True,
        timeout=180,
        capture_output=True,
    )
    boxes = subprocess.run(  # noqa: S603
        [pdftotext, "-bbox", str(folder / "matrix.pdf"), "-"], check=True, timeout=60, capture_output=True
    ).stdout.decode()
    return [
        {
            "width": float(width),
            "height": float(height),
            "words": [
                (float(x0), float(y0), float(x1), float(y1), text)
                for x0, y0, x1, y1, text in _WORD.findall(body)
            ],
        }
        for width, height, body in _PAGE.findall(boxes)
    ]


def test_it_converts_to_the_pages_the_sheet_breaks_into(pdf_pages, breaks):
    assert len(pdf_pages) == len(breaks) + 1


def test_it_prints_the_header_and_the_page_number_on_every_page(pdf_pages):
    total = len(pdf_pages)
    for number, page in enumerate(pdf_pages, start=1):
        texts = [word[4] for word in page["words"]]
        assert "序号" in texts and "牵头领导" in texts, number
        bottom = [word for word in page["words"] if word[1] > page["height"] - PAGE.bottom * POINTS_PER_INCH]
        assert "".join(word[4] for word in sorted(bottom)).replace(" ", "") == f"第{number}页，共{total}页"
        # Whole, inside the paper.
        assert all(word[3] < page["height"] - 10 for word in bottom), number


def test_it_prints_the_tier_at_the_top_of_every_page_of_the_table(
    pdf_pages, sheet, breaks, tiers, last_data_row
):
    column_a = column_points(sheet.column_dimensions["A"].width)
    column_b = column_points(sheet.column_dimensions["B"].width)
    header = {word[4]: word for word in pdf_pages[0]["words"]}
    left = header["序号"][0] - 8  # 序号 is centred in column A
    starts = [FIRST_DATA_ROW, *(end + 1 for end in breaks)]
    names = {
        FIRST_DATA_ROW + sum(rows for *_rest, rows in tiers[:index]): tiers[index]
        for index in range(len(tiers))
    }
    checked = 0
    for page, start in zip(pdf_pages, starts, strict=True):
        if start > last_data_row:
            continue  # a page of notes only
        tier = next(names[row] for row in sorted(names, reverse=True) if row <= start)
        below_header = [
            word for word in page["words"] if word[1] > next(w for w in page["words"] if w[4] == "序号")[3]
        ]
        region = sorted(
            (
                word
                for word in below_header
                if left <= word[0] and word[2] <= left + (column_a + column_b) * 1.08
            ),
            key=lambda word: (word[1], word[0]),
        )
        text = "".join(word[4] for word in region if not word[4].isdigit())
        digits = [word[4] for word in region if word[4].isdigit()]
        assert text.startswith(tier[1]), (start, text)
        assert digits[0] == str(tier[0]), (start, digits)
        checked += 1
    assert checked == len([start for start in starts if start <= last_data_row])
