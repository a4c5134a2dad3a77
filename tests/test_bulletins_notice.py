"""The monthly 通报 drafted from a forwarded month: its facts are the board's, its shape the office's.

The month is tests/bulletins.py's (built once for the module, then rolled back); each test re-opens
the .docx with python-docx and reads what it says.
"""

import pytest
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn

from bulletins.facts import MISSING
from bulletins.word import BODY, BODY_FONT, DRAFT, HEADING_1, TITLE, TITLE_FONT, chinese_date
from reporting.counting import basis_sentence
from tests.bulletins import ZHUJIAN, document_text, opened

# The database is read once, by the module's fixture; the mark has the test database set up for it.
pytestmark = pytest.mark.django_db

TITLE_TEXT = "关于2023年5月重点民生实事推进情况的通报"


@pytest.fixture(name="notice")
def notice_fixture(drafted_may):
    return opened(drafted_may.notice)


def paragraphs_in(document, style: str) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs if paragraph.style.name == style]


def test_it_is_titled_for_the_month_in_the_title_style(notice):
    assert notice.paragraphs[0].text.replace("\n", "") == TITLE_TEXT
    assert notice.paragraphs[0].style.name == TITLE


def test_it_addresses_the_townships_and_county_departments(notice):
    assert "各乡镇人民政府、街道办事处，县直有关单位：" in [paragraph.text for paragraph in notice.paragraphs]


def test_it_has_the_four_numbered_sections_with_next_steps_last(notice):
    assert paragraphs_in(notice, HEADING_1) == [
        "一、总体进展情况",
        "二、按时报送情况",
        "三、滞后序时进度的指标",
        "四、下一步工作",
    ]


def test_it_states_the_counting_basis(notice):
    assert basis_sentence("本通报") in document_text(notice)


def test_it_is_marked_as_a_draft_in_its_header_and_properties(notice):
    header = notice.sections[0].header.paragraphs[0].text
    assert header.startswith(DRAFT)
    properties = notice.core_properties
    assert properties.title == f"{TITLE_TEXT}（草稿）"
    assert properties.comments.startswith("草稿")
    assert properties.keywords == DRAFT


def test_it_counts_each_tier_and_status_as_the_board_does(notice, drafted_may):
    table = notice.tables[0]
    header = [cell.text for cell in table.rows[0].cells]
    statuses = header[2:]
    written = {
        row.cells[0].text: dict(zip(statuses, (int(cell.text) for cell in row.cells[2:]), strict=True))
        for row in table.rows[1:]
    }

    assert written == drafted_may.tallies
    assert list(written) == ["省定民生实事", "市定民生实事", "县定民生实事", "重点监测民生项目", "合计"]


def test_it_gives_the_overall_progress_against_time_progress(notice, drafted_may):
    overall = drafted_may.tallies["合计"]
    total = sum(overall.values())
    behind = overall["滞后"] + overall["严重滞后"]

    text = document_text(notice)

    assert f"截至5月20日，全年序时进度为38.4%。纳入统计的{total}项指标中" in text
    assert f"落后序时进度的共{behind}项，其中严重滞后{overall['严重滞后']}项" in text


def test_it_names_the_unit_that_reported_late_with_the_day_it_submitted(notice):
    # 县民政局's row went in three days after the 22 May deadline (21 May was a Sunday).
    assert "1个单位在报送截止日后才提交：县民政局（逾期1项，最后提交于5月25日）。" in document_text(notice)


def test_it_names_the_units_that_did_not_report(notice):
    text = document_text(notice)

    assert f"{ZHUJIAN}（6项未报，共牵头7项）" in text
    assert "县教育局（4项未报，共牵头4项）" in text
    assert "县人社局（1项未报，共牵头2项）" in text
    assert "县妇联（1项未报，共牵头1项）" in text


def test_it_names_the_units_returned_most_often(notice):
    assert "县民政局（退回2次，涉及1项任务）" in document_text(notice)


def test_it_lists_the_indicators_behind_with_their_unit_and_leader_as_the_board_does(notice, drafted_may):
    table = notice.tables[1]
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]

    assert [row[0] for row in rows] == [str(number) for number in range(1, len(drafted_may.behind) + 1)]
    for row, (name, figure, unit, leader) in zip(rows, drafted_may.behind, strict=True):
        assert row[1].startswith(f"{name}（")
        assert (row[2], row[6], row[7]) == (figure, unit, leader or str(MISSING))
    employment = next(row for row in rows if row[1].startswith("城镇新增就业"))
    assert employment[2:] == ["1000人", "21.5%", "38.4%", "滞后（连续2个月）", "县人社局", "王兰鹏"]
    assert any(row[6:] == ["县民政局", "张胤"] for row in rows)


def test_it_leaves_the_next_steps_to_the_office_marked_as_a_placeholder(notice):
    heading = next(i for i, item in enumerate(notice.paragraphs) if item.text == "四、下一步工作")
    placeholder = notice.paragraphs[heading + 1]

    assert placeholder.text.startswith("【待专班办公室填写")
    assert placeholder.runs[0].font.highlight_color == WD_COLOR_INDEX.YELLOW


def test_it_is_signed_by_the_task_force_office_and_dated(notice, drafted_may):
    texts = [paragraph.text for paragraph in notice.paragraphs]

    assert texts[-2:] == ["县重点民生实事工作专班办公室", chinese_date(drafted_may.today)]


def test_it_names_the_official_chinese_fonts_on_its_styles(notice):
    def east_asian(style_name):
        return notice.styles[style_name].element.rPr.rFonts.get(qn("w:eastAsia"))

    assert east_asian(TITLE) == TITLE_FONT
    assert east_asian(BODY) == BODY_FONT
    assert east_asian("Normal") == "宋体"  # beneath every style, where an official font is missing
