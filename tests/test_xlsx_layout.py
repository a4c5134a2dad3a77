"""Sizing rows for their text and breaking pages, for sheets that are printed."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from core.xlsx_layout import A4_LANDSCAPE, TextMetrics, lines_needed, paginate, set_row_breaks, text_units


@pytest.mark.parametrize(
    ("text", "units"),
    [("李良", 4), ("ICU", 3), ("“两癌”", 8), ("4%", 2), ("（待补充）", 10), ("李  良", 6)],
)
def test_it_counts_a_wide_character_as_two_units(text, units):
    assert text_units(text) == units


def test_it_counts_each_line_and_each_wrap_of_a_cell():
    # 12 units fit a column 14 wide (2 go to padding).
    assert lines_needed("一二三四五六", 14) == 1
    assert lines_needed("一二三四五六七", 14) == 2
    assert lines_needed("王柏玉\n各乡镇长、街道办事处主任", 14) == 3
    assert lines_needed("", 14) == 1


def test_it_gives_a_line_of_10_5_pt_text_room_for_the_fallback_font():
    metrics = TextMetrics.for_size(10.5)
    # Noto Sans CJK spaces 10.5 pt lines 15.2 pt apart.
    assert metrics.height(6) >= 6 * 15.2 + 4


def test_it_breaks_a_page_before_the_row_that_would_not_fit():
    assert paginate([40, 40, 40, 40, 40], first_page=100, other_pages=100) == [1, 3]


def test_it_gives_the_first_page_its_own_room():
    assert paginate([40, 40, 40, 40], first_page=50, other_pages=100) == [0, 2]


def test_it_ends_a_page_where_a_group_ends_if_the_page_stays_full_enough():
    heights = [30, 30, 30, 30, 30]
    assert paginate(heights, first_page=100, other_pages=100, preferred=frozenset({1})) == [1]
    # Not when that would leave the page too empty.
    assert paginate(heights, first_page=100, other_pages=100, preferred=frozenset({0})) == [2]


def test_it_gives_a_row_taller_than_a_page_a_page_of_its_own():
    assert paginate([30, 150, 30], first_page=100, other_pages=100) == [0, 1]


def test_it_needs_no_break_when_everything_fits():
    assert paginate([10, 20], first_page=100, other_pages=100) == []


def test_it_sets_manual_row_breaks_at_full_size():
    workbook = Workbook()
    sheet = workbook.active
    A4_LANDSCAPE.apply(sheet, landscape=True)
    set_row_breaks(sheet, [6, 11])
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = load_workbook(buffer).active
    assert [(item.id, item.man) for item in sheet.row_breaks.brk] == [(6, True), (11, True)]
    assert (int(sheet.page_setup.scale), sheet.sheet_properties.pageSetUpPr.fitToPage) == (100, False)
    assert sheet.page_margins.bottom - sheet.page_margins.footer > 0.5
