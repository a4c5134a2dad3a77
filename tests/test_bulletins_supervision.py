"""督办单: one a page for each lead unit the board escalates, with its figures, deadline and leader."""

from datetime import date, datetime

import pytest
from django.utils import timezone
from docx.oxml.ns import qn

from bulletins.facts import MISSING, REPLY_WORKING_DAYS, month_facts, reply_deadline
from bulletins.notice import NoticeExporter
from bulletins.supervision import SupervisionExporter
from bulletins.word import DRAFT, TITLE, chinese_date
from projects.models import TaskRow
from reporting.calendar.workcalendar import weekday_name
from reporting.models import ReportingMonth
from tests.bulletins import document_text, opened

pytestmark = pytest.mark.django_db

SUPERVISED = "县人社局"  # item 3 behind time progress in April and May
ALSO_SUPERVISED = "县民政局"  # item 6 likewise


def page_breaks(document) -> int:
    return sum(
        1
        for paragraph in document.paragraphs
        for run in paragraph.runs
        for element in run.element.iter(qn("w:br"))
        if element.get(qn("w:type")) == "page"
    )


def test_it_drafts_one_page_for_each_lead_unit_the_board_escalates(drafted_may):
    document = opened(drafted_may.supervision)

    titles = [paragraph.text for paragraph in document.paragraphs if paragraph.style.name == TITLE]

    assert list(drafted_may.supervision_units) == [SUPERVISED, ALSO_SUPERVISED]
    assert titles == ["重点民生实事督办单"] * 2
    assert page_breaks(document) == 1
    lines = [paragraph.text for paragraph in document.paragraphs]
    addressees = [line.split("\t")[0] for line in lines if "\t督办" in line]
    assert addressees == [f"{SUPERVISED}：", f"{ALSO_SUPERVISED}："]


def test_it_lists_the_units_flagged_indicators_with_their_counted_figures(drafted_may):
    document = opened(drafted_may.supervision_units[SUPERVISED])
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows[1:]]

    flagged = [name for name, unit in drafted_may.flagged if unit == SUPERVISED]
    assert [row[1].split("（")[0] for row in rows] == flagged
    employment = next(row for row in rows if row[1].startswith("城镇新增就业"))
    assert employment[2:] == ["4650人", "1000人", "21.5%", "滞后", "2个月（自4月起）", "王兰鹏"]
    training = next(row for row in rows if row[1].startswith("其中创业培训"))
    assert training[3] == "120人次"


def test_it_is_addressed_to_the_unit_and_copies_its_leader(drafted_may):
    text = document_text(opened(drafted_may.supervision_units[SUPERVISED]))
    other = document_text(opened(drafted_may.supervision_units[ALSO_SUPERVISED]))

    assert f"\n{SUPERVISED}：\t督办〔2023〕5-1号\n" in text
    assert "抄送：王兰鹏（牵头领导）" in text
    assert f"\n{ALSO_SUPERVISED}：\t督办〔2023〕5-2号\n" in other
    assert "抄送：张胤（牵头领导）" in other
    assert SUPERVISED not in other


def test_it_sets_the_reply_deadline_in_working_days_after_the_forwarding(drafted_may):
    deadline = drafted_may.reply_deadline
    text = document_text(opened(drafted_may.supervision_units[SUPERVISED]))

    assert f"于{chinese_date(deadline)}（{weekday_name(deadline)}）前将书面情况报" in text
    assert f"自{chinese_date(drafted_may.forwarded_on)}上报起{REPLY_WORKING_DAYS}个工作日" in text


def test_it_is_marked_as_a_draft(drafted_may):
    document = opened(drafted_may.supervision)

    assert document.sections[0].header.paragraphs[0].text.startswith(DRAFT)
    assert document.core_properties.title == "2023年5月重点民生实事督办单（草稿）"


def test_it_counts_working_days_across_the_national_day_holiday():
    # Wednesday 27 September 2023: 28th, then 29 Sep–6 Oct off, Saturday 7 and Sunday 8 October worked.
    assert reply_deadline(date(2023, 9, 27)) == date(2023, 10, 10)


def test_it_counts_the_make_up_saturday_after_labour_day():
    # Thursday 27 April 2023: 28th, 29 April–3 May off, 4th, 5th, Saturday 6 May worked, Monday 8th.
    assert reply_deadline(date(2023, 4, 27)) == date(2023, 5, 8)


def test_it_prints_the_deadline_of_a_month_forwarded_before_a_holiday(forwarded_may):
    before_holiday = timezone.make_aware(datetime(2023, 9, 27, 16, 0))
    ReportingMonth.objects.filter(pk=forwarded_may.pk).update(forwarded_at=before_holiday)

    facts = month_facts(year=2023, month=5)
    text = document_text(opened(SupervisionExporter(facts=facts).render()))

    assert "于2023年10月10日（周二）前将书面情况报" in text
    assert "自2023年9月27日上报起5个工作日" in text


def test_it_marks_a_leader_the_plan_does_not_name(forwarded_may, employment_row):
    TaskRow.objects.filter(pk=employment_row.pk).update(leader=None)

    facts = month_facts(year=2023, month=5)
    supervision = document_text(opened(SupervisionExporter(facts=facts).render()))
    notice = opened(NoticeExporter(facts=facts).render())

    assert f"抄送：{MISSING}（牵头领导）" in supervision
    employment = next(row for row in notice.tables[1].rows if row.cells[1].text.startswith("城镇新增就业"))
    assert employment.cells[7].text == str(MISSING)


def test_it_says_so_when_no_unit_is_escalated(forwarded_april):
    text = document_text(opened(SupervisionExporter(facts=month_facts(year=2023, month=4)).render()))

    assert "本月没有连续两个月落后序时进度的指标，无需督办。" in text
