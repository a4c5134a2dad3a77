"""The monthly report's print sheet (月度调度表): what an upstream reader gets on paper.

The workbook is built once for the module (March counted and forwarded over February's counted
figures, a long narrative in March, an over-long one in February), re-opened cell by cell, and
converted once by LibreOffice to PDF, whose pages are read back as text.
"""

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from accounts.models import Role
from core.xlsx_print import PAGE_SLACK_POINTS, PageGeometry, lines_needed, row_height
from projects.models import Indicator, PlanYear
from reporting.counting import COUNTED, basis_sentence
from reporting.exports.exporters import MonthlyReportExporter
from reporting.exports.monthly import MonthlyFilter
from reporting.models import Submission
from reporting.progress import month_totals
from reporting.workflow import review
from tests.roles import (
    EMPLOYMENT,
    STARTUP_TRAINING,
    TRAINING,
    deadline_moment,
    forward_whole_month,
    make_member,
    provincial_row,
    reporting_month,
    save_figures,
    submit_row,
)

# The module's data is built once, in a transaction of its own (the `built` fixture); the mark asks
# pytest-django for the test database.
pytestmark = pytest.mark.django_db

PRINT = "月度调度表"
DETAIL = "调度明细"
HEADERS = [
    "序号",
    "项目",
    "指标",
    "目标",
    "累计完成",
    "本月新增",
    "完成率",
    "序时进度",
    "状态",
    "牵头单位",
    "进展与问题",
]
COLUMN = {name: index for index, name in enumerate(HEADERS)}
BODY_SIZE = 11
# March's narrative of 城镇新增就业: long enough to wrap over several lines at the column's width.
LONG_PROGRESS = "全县按计划推进，" + "各乡镇同步开展就业帮扶和岗位对接，" * 8 + "最后一句不可截断。"
PROBLEMS = "部分企业用工需求波动。"
# February's: more than a row can hold (409 pt), within the 2,000 characters a unit may write.
HUGE_PROGRESS = "超长进展" * 450


@dataclass
class Built:
    march: bytes
    february: bytes
    # Indicator name → the counted (value, stage) of March, from `month_totals`.
    counted: dict[str, tuple]
    forwarded_by: str


def _verify(submission, *, liaison, office, statistics, month):
    submit_row(user=liaison, submission_id=submission.pk, now=deadline_moment(month, 10))
    review.approve(user=office, submission_id=submission.pk)
    review.verify(user=statistics, submission_id=submission.pk)


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker) -> Built:
    """The two reports, made inside a transaction that is rolled back: no other test sees the data."""
    with django_db_blocker.unblock(), transaction.atomic():
        users = get_user_model()
        plan = PlanYear.objects.get(year=2023)
        office = make_member(users, "zhuanban", Role.OFFICE, unit="县人社局", is_staff=True)
        statistics = make_member(users, "tongji", Role.STATISTICS, unit="县统计局")
        renshe = make_member(users, "renshe", Role.LIAISON, unit="县人社局")
        row = provincial_row(plan, 3)
        february, march = reporting_month(plan, 2), reporting_month(plan, 3)
        people = {"liaison": renshe, "office": office, "statistics": statistics}
        values = {EMPLOYMENT: "900", TRAINING: "400", STARTUP_TRAINING: "100"}
        save_figures(renshe, row, february, values, progress=HUGE_PROGRESS)
        _verify(Submission.objects.get(task_row=row, reporting_month=february), month=february, **people)
        values = {EMPLOYMENT: "1257", TRAINING: "876", STARTUP_TRAINING: "186"}
        contribution = save_figures(renshe, row, march, values, funds="120.5", progress=LONG_PROGRESS)
        contribution.problems = PROBLEMS
        contribution.save(update_fields=["problems"])
        _verify(Submission.objects.get(task_row=row, reporting_month=march), month=march, **people)
        forward_whole_month(office, march)
        totals = month_totals(reporting_month=march, statuses=COUNTED)
        counted = {
            item.name: (totals[item.pk].value, totals[item.pk].stage)
            for item in Indicator.objects.filter(pk__in=totals)
        }

        def render(month: int) -> bytes:
            exporter = MonthlyReportExporter(filters=MonthlyFilter(plan_year=plan, month=month))
            return exporter.render().content

        result = Built(march=render(3), february=render(2), counted=counted, forwarded_by="zhuanban")
        transaction.set_rollback(True)
    return result


def _book(content: bytes):
    return load_workbook(io.BytesIO(content))


@pytest.fixture(scope="module")
def sheet(built) -> Worksheet:
    return _book(built.march)[PRINT]


@pytest.fixture(scope="module")
def february_sheet(built) -> Worksheet:
    return _book(built.february)[PRINT]


def _header_row(sheet) -> int:
    return next(cells[0].row for cells in sheet.iter_rows() if cells[0].value == "序号")


def _lines(sheet) -> list[tuple]:
    """The table's lines (a number in 序号), bands and notes left out."""
    return [
        cells for cells in sheet.iter_rows(min_row=_header_row(sheet) + 1) if isinstance(cells[0].value, int)
    ]


def _line(sheet, name: str) -> tuple:
    return next(cells for cells in _lines(sheet) if str(cells[COLUMN["指标"]].value).startswith(name))


def _height(sheet, row: int) -> float:
    return sheet.row_dimensions[row].height


# --- the heading and the header ---------------------------------------------------------------------


def test_it_is_the_first_sheet_before_the_full_detail(built):
    assert _book(built.march).sheetnames[:2] == [PRINT, DETAIL]


def test_it_titles_the_sheet_with_the_month(sheet):
    assert sheet["A1"].value == "隆回县重点民生实事月度调度表（2023年3月）"
    assert sheet["A1"].font.name == "黑体"


def test_it_states_the_counting_basis_in_the_heading(sheet):
    assert sheet["A2"].value.startswith(basis_sentence())
    assert "序时进度21.6%" in sheet["A2"].value


def test_it_says_when_and_by_whom_the_month_was_forwarded(sheet):
    # Forwarded as the module's data was built: today, at some minute.
    assert re.fullmatch(
        r"本月状态：已上报（\d{4}年\d+月\d+日 \d\d:\d\d，上报人：zhuanban）。", sheet["A3"].value
    )


def test_it_says_a_month_not_forwarded_is_not(february_sheet):
    assert february_sheet["A3"].value.startswith("本月状态：未上报。")


def test_it_names_the_official_fonts(sheet):
    header_row = _header_row(sheet)
    line = _line(sheet, EMPLOYMENT)
    assert sheet["A2"].font.name == "仿宋"
    assert {cell.font.name for cell in sheet[header_row]} == {"黑体"}
    assert {cell.font.name for cell in line} == {"宋体"}
    assert {cell.font.size for cell in line} == {BODY_SIZE}


def test_it_writes_the_columns_an_upstream_reader_needs(sheet):
    assert [cell.value for cell in sheet[_header_row(sheet)]] == HEADERS


def test_it_keeps_the_header_in_its_own_row_tall_enough_for_its_text(sheet):
    header_row = _header_row(sheet)
    widths = [sheet.column_dimensions[cell.column_letter].width for cell in sheet[header_row]]
    needed = max(
        lines_needed(cell.value, width, BODY_SIZE)
        for cell, width in zip(sheet[header_row], widths, strict=True)
    )
    assert _height(sheet, header_row) >= row_height(needed, BODY_SIZE)
    assert all(cell.alignment.wrap_text for cell in sheet[header_row])
    assert sheet[header_row + 1][0].value == "一、省定民生实事"


# --- the figures ------------------------------------------------------------------------------------


def test_it_lists_every_indicator_once(sheet):
    assert [cells[0].value for cells in _lines(sheet)] == list(range(1, 67))


def test_it_shows_the_counted_figures_as_numbers(built, sheet):
    line = _line(sheet, EMPLOYMENT)
    value, _stage = built.counted[EMPLOYMENT]
    figure = line[COLUMN["累计完成"]]
    assert (Decimal(str(figure.value)), figure.data_type, figure.number_format) == (value, "n", "0")
    assert value == 1257
    for name in (TRAINING, STARTUP_TRAINING):
        assert Decimal(str(_line(sheet, name)[COLUMN["累计完成"]].value)) == built.counted[name][0]


def test_it_shows_the_target_and_the_increase_as_numbers(sheet):
    line = _line(sheet, EMPLOYMENT)
    target, increase = line[COLUMN["目标"]], line[COLUMN["本月新增"]]
    assert (target.value, target.data_type, target.number_format) == (4650, "n", "0")
    assert (increase.value, increase.data_type, increase.number_format) == (357, "n", "0")  # 1257 − 900


def test_it_formats_completion_and_time_progress_as_percentages(sheet):
    line = _line(sheet, EMPLOYMENT)
    completion, elapsed = line[COLUMN["完成率"]], line[COLUMN["序时进度"]]
    assert completion.value == pytest.approx(1257 / 4650, abs=0.001)
    assert elapsed.value == pytest.approx(0.216)
    assert {completion.number_format, elapsed.number_format} == {"0.0%"}
    assert {completion.data_type, elapsed.data_type} == {"n"}


def test_it_shows_the_status_and_lead_unit(sheet):
    line = _line(sheet, EMPLOYMENT)
    assert line[COLUMN["状态"]].value == "正常推进"
    assert line[COLUMN["牵头单位"]].value == "县人社局"
    assert line[COLUMN["指标"]].value == "城镇新增就业（人）"


def test_it_keeps_a_pending_target_as_text(sheet):
    target = _line(sheet, "上线服务事项")[COLUMN["目标"]]
    assert (target.value, target.data_type) == ("待下达", "s")


def test_it_writes_progress_and_problems_in_one_cell(sheet):
    cell = _line(sheet, EMPLOYMENT)[COLUMN["进展与问题"]]
    assert cell.value == f"{LONG_PROGRESS}\n存在问题：{PROBLEMS}"


def test_it_merges_project_and_lead_unit_down_a_task_row(sheet):
    first, second, third = (_line(sheet, name) for name in (EMPLOYMENT, TRAINING, STARTUP_TRAINING))
    assert first[COLUMN["项目"]].value == "3.促进高质量充分就业"
    merged = {str(cells) for cells in sheet.merged_cells.ranges}
    for column in ("项目", "牵头单位"):
        letter = first[COLUMN[column]].column_letter
        assert f"{letter}{first[0].row}:{letter}{third[0].row}" in merged
    assert second[COLUMN["项目"]].value is None


# --- row heights ------------------------------------------------------------------------------------


def test_it_makes_every_row_as_tall_as_its_text(sheet):
    widths = {index: sheet.column_dimensions[letter].width for index, letter in enumerate("ABCDEFGHIJK", 1)}
    for cells in _lines(sheet):
        needed = max(
            lines_needed(cell.value, widths[cell.column], BODY_SIZE)
            for cell in cells
            if isinstance(cell.value, str)
        )
        assert _height(sheet, cells[0].row) >= row_height(needed, BODY_SIZE), cells[0].row


def test_it_gives_the_long_narrative_the_lines_it_needs(sheet):
    line = _line(sheet, EMPLOYMENT)
    width = sheet.column_dimensions[line[COLUMN["进展与问题"]].column_letter].width
    # About 2.1 width units a character at 11 pt: more characters than one line holds, several lines.
    characters = len(LONG_PROGRESS) + len(PROBLEMS) + 5
    lines = characters * 2.1 / width
    assert lines > 4
    assert _height(sheet, line[0].row) >= lines * BODY_SIZE * 1.2


def test_it_cuts_a_narrative_longer_than_a_row_can_hold_and_points_to_the_detail(built, february_sheet):
    cell = _line(february_sheet, EMPLOYMENT)[COLUMN["进展与问题"]]
    assert cell.value.endswith("……（全文见“调度明细”工作表）")
    assert _height(february_sheet, cell.row) <= 409
    detail = _book(built.february)[DETAIL]
    assert any(HUGE_PROGRESS in str(value) for row in detail.iter_rows(values_only=True) for value in row)


# --- the page -----------------------------------------------------------------------------------------


def test_it_prints_on_a3_landscape_at_full_scale(sheet):
    setup = sheet.page_setup
    assert (int(setup.paperSize), setup.orientation) == (int(Worksheet.PAPERSIZE_A3), "landscape")
    assert int(setup.scale) == 100
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage


def test_its_columns_fit_the_printable_width_at_full_scale(sheet):
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJK"]
    margins = sheet.page_margins
    geometry = PageGeometry(left=margins.left, right=margins.right, top=margins.top, bottom=margins.bottom)
    assert geometry.scale_needed(widths) == 1.0
    # 5.25 pt per width unit (Calibri 11's digit); A3 is 1190.55 pt wide.
    assert sum(widths) * 5.25 <= 1190.55 - (margins.left + margins.right) * 72
    assert sum(widths) * 5.25 >= 0.85 * (1190.55 - (margins.left + margins.right) * 72)  # and uses it


def test_it_repeats_the_header_row_on_every_page(sheet):
    header_row = _header_row(sheet)
    assert sheet.print_title_rows == f"${header_row}:${header_row}"


def test_it_numbers_the_pages_in_the_footer_inside_the_margin(sheet):
    pages = len(sheet.row_breaks.brk) + 1
    assert sheet.oddFooter.center.text == f"第 &P 页，共 {pages} 页"
    margins = sheet.page_margins
    # The footer's 10 pt line sits between its distance from the edge and the table's margin.
    assert margins.footer + 10 * 1.5 / 72 <= margins.bottom


def test_it_breaks_pages_before_they_overflow(sheet):
    """The rows between two breaks, with the repeated header, fit the printable height."""
    margins = sheet.page_margins
    printable = 841.89 - (margins.top + margins.bottom) * 72
    header_row = _header_row(sheet)
    breaks = [item.id for item in sheet.row_breaks.brk]
    starts = [1, *(row + 1 for row in breaks)]
    ends = [*breaks, sheet.max_row]
    for start, end in zip(starts, ends, strict=True):
        height = sum(_height(sheet, row) for row in range(start, end + 1))
        if start > 1:
            height += _height(sheet, header_row)
        assert height <= printable - PAGE_SLACK_POINTS + 0.01, (start, end)


def test_it_starts_every_page_with_its_tier(sheet):
    for item in sheet.row_breaks.brk:
        first = sheet.cell(item.id + 1, 1).value
        if str(first).startswith("判定规则"):  # the notes, on a page of their own
            continue
        assert re.match(r"[一二三四]、.+民生实事|[一二三四]、", str(first)), item.id
        following = sheet[item.id + 2]
        assert isinstance(following[0].value, int) and following[COLUMN["项目"]].value, item.id


# --- the data sheet -----------------------------------------------------------------------------------


def test_the_data_sheet_freezes_its_header_and_filters_it(built):
    detail = _book(built.march)[DETAIL]
    header_row = next(cells[0].row for cells in detail.iter_rows() if cells[0].value == "序号")
    assert detail.freeze_panes == f"A{header_row + 1}"
    assert detail.auto_filter.ref.startswith(f"A{header_row}:")


def test_the_data_sheet_keeps_the_full_detail(built):
    detail = _book(built.march)[DETAIL]
    rows = list(detail.iter_rows(values_only=True))
    header = next(row for row in rows if row[0] == "序号")
    for name in (
        "累计投入资金（万元）",
        "报送情况",
        "审核状态",
        "待审核数（不计入合计）",
        "最近已核验数（月份）",
    ):
        assert name in header
    line = next(row for row in rows if row[header.index("指标")] == EMPLOYMENT)
    assert line[header.index("累计投入资金（万元）")] == 120.5
    assert line[header.index("审核状态")] == "已报送"


# --- LibreOffice ------------------------------------------------------------------------------------


@dataclass
class Pdf:
    pages: list[str]  # each page's text, laid out
    sizes: list[tuple[float, float]]
    words: str  # the first page's words with their boxes (pdftotext -bbox)


def _run(command: list[str]) -> str:
    # Fixed arguments and paths we created: nothing from users reaches the command line.
    return subprocess.run(command, check=True, timeout=240, capture_output=True, text=True).stdout  # noqa: S603


@pytest.fixture(scope="module")
def pdf(built, tmp_path_factory) -> Pdf:
    soffice, pdftotext, pdfinfo = (shutil.which(name) for name in ("soffice", "pdftotext", "pdfinfo"))
    if soffice is None or pdftotext is None or pdfinfo is None:
        pytest.skip(
            "LibreOffice (soffice) or poppler (pdftotext, pdfinfo) is not on PATH: the PDF is not checked"
        )
    fonts = _run(["fc-match", "Calibri"]) if shutil.which("fc-match") else "Calibri"
    if "Calibri" not in fonts and "Carlito" not in fonts:
        pytest.skip(
            "neither Calibri nor Carlito (fonts-crosextra-carlito) is installed: column widths would differ"
        )
    folder = tmp_path_factory.mktemp("monthly-print")
    source = folder / "monthly.xlsx"
    source.write_bytes(built.march)
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    _run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(source)])
    target = folder / "monthly.pdf"
    count = int(re.search(r"Pages:\s+(\d+)", _run([pdfinfo, str(target)])).group(1))
    pages = [
        _run([pdftotext, "-layout", "-f", str(n), "-l", str(n), str(target), "-"])
        for n in range(1, count + 1)
    ]
    info = _run([pdfinfo, "-f", "1", "-l", str(count), str(target)])
    sizes = [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
    words = _run([pdftotext, "-bbox", "-f", "1", "-l", "1", str(target), "-"])
    return Pdf(pages=pages, sizes=sizes, words=words)


def _printed_pages(sheet, pdf: Pdf) -> list[str]:
    return pdf.pages[: len(sheet.row_breaks.brk) + 1]


def test_libreoffice_prints_the_sheet_on_the_pages_it_was_laid_out_for(sheet, pdf):
    pages = len(sheet.row_breaks.brk) + 1
    assert 3 <= pages <= 8
    for number, text in enumerate(_printed_pages(sheet, pdf), start=1):
        assert f"第 {number} 页，共 {pages} 页" in text, number
    # The next page is the data sheet's: no page of the print sheet ran over.
    assert "进展与问题" not in pdf.pages[pages]


def test_libreoffice_prints_every_column_header_on_every_page(sheet, pdf):
    for number, text in enumerate(_printed_pages(sheet, pdf), start=1):
        for header in HEADERS:
            assert header in text, (number, header)


def test_libreoffice_prints_on_a3_landscape(sheet, pdf):
    for width, height in pdf.sizes[: len(sheet.row_breaks.brk) + 1]:
        assert (round(width), round(height)) == (1191, 842)


def test_libreoffice_prints_the_tier_at_the_top_of_every_page(sheet, pdf):
    for number, text in enumerate(_printed_pages(sheet, pdf), start=1):
        body = text.split("进展与问题", 1)[1].strip()
        if body.startswith("只计") or body.startswith("判定规则"):
            continue
        assert re.match(r"[一二三四]、", body), number


def test_libreoffice_prints_the_long_narrative_to_its_last_words(sheet, pdf):
    text = "".join("".join(page.split()) for page in _printed_pages(sheet, pdf))
    assert "最后一句不可截断。" in text
    assert f"存在问题：{PROBLEMS}" in text


def test_libreoffice_prints_the_body_at_a_readable_size(pdf):
    """A word of a body cell is about 11 pt tall on the page (it was 5 pt at the old 46 % fit)."""
    boxes = re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>', pdf.words
    )
    heights = [float(bottom) - float(top) for top, bottom, word in boxes if word.startswith("4650")]
    assert heights and min(heights) >= 10


def test_libreoffice_converts_the_other_sheets_after_it(sheet, pdf):
    rest = "".join(pdf.pages[len(sheet.row_breaks.brk) + 1 :])
    for title in (
        "隆回县重点民生实事月度调度明细表（2023年3月）",
        "2023年3月各单位报送情况",
        "预警状态判定规则",
    ):
        assert title in rest
