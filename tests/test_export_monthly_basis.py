"""The monthly report's basis: what it counts, how it labels rows not counted, and its rules sheet."""

import io

import pytest
from openpyxl import load_workbook

from reporting.counting import basis_sentence
from reporting.exports.exporters import MonthlyReportExporter
from reporting.exports.monthly import MonthlyFilter
from reporting.models import Submission
from reporting.progress import rule_sentences, stage_rule_table, thresholds_for
from reporting.workflow import review
from tests.roles import EMPLOYMENT, STARTUP_TRAINING, TRAINING, deadline_moment, save_figures, submit_row

pytestmark = pytest.mark.django_db

Status = Submission.Status
# The data sheet: every column of the indicators (the first sheet is the one to print).
DETAIL = "调度明细"


def _workbook(plan_year, month=3):
    content = MonthlyReportExporter(filters=MonthlyFilter(plan_year=plan_year, month=month)).render()
    return load_workbook(io.BytesIO(content.content))


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def _table(sheet) -> tuple[dict[str, int], list[tuple]]:
    rows = _rows(sheet)
    header_at = next(index for index, row in enumerate(rows) if row[0] == "序号")
    header = {name: index for index, name in enumerate(rows[header_at])}
    return header, [row for row in rows[header_at + 1 :] if isinstance(row[0], int)]


def _employment(sheet) -> tuple[dict[str, int], tuple]:
    header, data = _table(sheet)
    return header, next(row for row in data if row[header["指标"]] == EMPLOYMENT)


@pytest.fixture
def filled(renshe_liaison, employment_row, march):
    save_figures(
        renshe_liaison,
        employment_row,
        march,
        {EMPLOYMENT: "100", TRAINING: "50", STARTUP_TRAINING: "10"},
        funds="30",
    )
    return Submission.objects.get(task_row=employment_row, reporting_month=march)


def test_a_draft_counts_nowhere_in_the_report(plan_2023, filled):
    header, line = _employment(_workbook(plan_2023)[DETAIL])
    assert [line[header[name]] for name in ("累计完成", "本月新增", "完成率", "待审核数（不计入合计）")] == [
        None
    ] * 4
    assert line[header["累计投入资金（万元）"]] is None
    assert (line[header["预警状态"]], line[header["审核状态"]]) == ("本月未报送", "草稿")


def test_a_submitted_figure_waits_apart_with_its_funds_left_out(plan_2023, filled, renshe_liaison, march):
    submit_row(user=renshe_liaison, submission_id=filled.pk, now=deadline_moment(march, 10))
    header, line = _employment(_workbook(plan_2023)[DETAIL])
    assert line[header["待审核数（不计入合计）"]] == 100
    assert line[header["累计完成"]] is None
    assert line[header["累计投入资金（万元）"]] is None


def test_a_verified_figure_counts_with_its_funds(
    plan_2023, filled, renshe_liaison, office_user, statistics_user, march
):
    submit_row(user=renshe_liaison, submission_id=filled.pk, now=deadline_moment(march, 10))
    review.approve(user=office_user, submission_id=filled.pk)
    review.verify(user=statistics_user, submission_id=filled.pk)
    header, line = _employment(_workbook(plan_2023)[DETAIL])
    assert (line[header["累计完成"]], line[header["本月新增"]]) == (100, 100)
    assert line[header["待审核数（不计入合计）"]] is None
    assert line[header["累计投入资金（万元）"]] == 30
    assert line[header["审核状态"]] == "已核验"


def test_a_closed_row_is_labelled_and_not_counted(plan_2023, filled):
    Submission.objects.filter(pk=filled.pk).update(status=Status.CLOSED)
    header, line = _employment(_workbook(plan_2023)[DETAIL])
    assert line[header["审核状态"]] == "截止未报"
    assert line[header["累计完成"]] is None and line[header["待审核数（不计入合计）"]] is None


def test_a_late_report_says_so_on_both_sheets(plan_2023, filled, employment_row):
    Submission.objects.filter(pk=filled.pk).update(late_report=True)
    workbook = _workbook(plan_2023)
    header, line = _employment(workbook[DETAIL])
    assert line[header["报送情况"]] == "补报"
    header, data = _table(workbook["报送情况"])
    lead = [row for row in data if row[header["项目"]] == "3.促进高质量充分就业"]
    assert [row[header["报送情况"]] for row in lead] == ["补报"]


def test_every_sheet_heading_states_the_basis(plan_2023):
    for sheet in _workbook(plan_2023).worksheets:
        assert sheet["A2"].value.startswith(basis_sentence()), sheet.title


def test_the_notes_and_the_rules_sheet_give_the_rules(plan_2023):
    workbook = _workbook(plan_2023)
    sentences = [str(sentence) for sentence in rule_sentences(thresholds_for(plan_2023))]
    footer = [row[0] for row in _rows(workbook[DETAIL])[-len(sentences) - 2 :]]
    assert footer[1:-1] == sentences
    rules = workbook["判定规则"]
    rows = _rows(rules)
    assert [row[0] for row in rows[2 : 2 + len(sentences)]] == sentences
    header_at = next(index for index, row in enumerate(rows) if row[0] == "目标节点")
    table = [tuple(row) for row in rows[header_at + 1 :]]
    assert table == [(rule.target, rule.reached, rule.completion, rule.status) for rule in stage_rule_table()]
