"""The monthly progress report (月度调度表): contents, formats, filters, safety, queries, pages, command."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from core.xlsx import XLSX_CONTENT_TYPE
from projects.models import (
    Indicator,
    Person,
    Project,
    TargetAdjustment,
    TargetAdjustmentLine,
    TaskRow,
    Tier,
    Unit,
)
from projects.targets import targets_for_month
from reporting.exports.exporters import MonthlyReportExporter
from reporting.exports.monthly import MonthlyFilter
from reporting.models import Contribution, Figure, Submission
from reporting.workflow import data_entry, review
from reporting.workflow.validation import FigureInput
from tests.roles import (
    EMPLOYMENT,
    STARTUP_TRAINING,
    TRAINING,
    client_for,
    deadline_moment,
    fill_employment,
    indicator,
    make_member,
    provincial_row,
    save_figures,
    submit_row,
)

pytestmark = pytest.mark.django_db

HEADERS = [
    "序号",
    "层级",
    "项目",
    "任务内容",
    "牵头单位",
    "牵头领导",
    "指标",
    "计量单位",
    "目标",
    "累计完成",
    "本月新增",
    "完成率",
    "序时进度",
    "完成率与序时进度之差",
    "预警状态",
    "最近已核验数（月份）",
    "待审核数（不计入合计）",
    "各单位已核验数",
    "累计投入资金（万元）",
    "报送情况",
    "审核状态",
    "进展情况",
    "存在问题",
]
SUBMISSION_HEADERS = [
    "序号",
    "层级",
    "项目",
    "任务内容",
    "牵头单位",
    "报送截止日",
    "首次提交时间",
    "最近提交时间",
    "报送情况",
    "逾期天数",
    "审核状态",
]
COLUMN = {name: index for index, name in enumerate(HEADERS)}
# The data sheet: every column of the indicators (the first sheet, to print, is tested in
# tests/test_export_monthly_print.py).
DETAIL = "调度明细"
SHEETS = ["月度调度表", DETAIL, "报送情况", "判定规则"]
SUBMISSION_COLUMN = {name: index for index, name in enumerate(SUBMISSION_HEADERS)}
# Month rows and calendar (2), demo flag, thresholds; the print sheet and the data sheet each merge
# six cursors (indicators, counted totals, totals awaiting review, earlier counted totals,
# submissions, narratives), the data sheet a seventh (each unit's counted figures), the
# submissions sheet two (task rows, submissions); the rules none.
MONTHLY_QUERIES = 19
EVIL = '=HYPERLINK("http://evil.example","点我")'


def _workbook(plan_year, month=3, **filters):
    content = MonthlyReportExporter(
        filters=MonthlyFilter(plan_year=plan_year, month=month, **filters)
    ).render()
    return load_workbook(io.BytesIO(content.content))


def _table(sheet) -> tuple[int, list, list[tuple]]:
    """The header row number, the header, and the data rows (the footer left out)."""
    rows = list(sheet.iter_rows())
    header_at = next(index for index, row in enumerate(rows) if row[0].value == "序号")
    data = []
    for row in rows[header_at + 1 :]:
        if row[1].value is None and isinstance(row[0].value, str):
            break  # the footer
        data.append(row)
    return header_at + 1, [cell.value for cell in rows[header_at]], data


def _data(sheet) -> list[tuple]:
    return _table(sheet)[2]


def _line(sheet, indicator_name: str):
    return next(row for row in _data(sheet) if row[COLUMN["指标"]].value == indicator_name)


def _submission_line(sheet, task_row: TaskRow):
    project = f"{task_row.project.number}.{task_row.project.title}"
    return next(
        row
        for row in _data(sheet)
        if row[SUBMISSION_COLUMN["项目"]].value == project
        and row[SUBMISSION_COLUMN["牵头单位"]].value == task_row.lead_unit.name
        and row[SUBMISSION_COLUMN["任务内容"]].value == (task_row.title or None)
    )


@pytest.fixture
def verify(office_user, statistics_user):
    """Submit, approve and verify a row's month through the services, so its figures count."""

    def verify(row: TaskRow, month, *, liaison) -> Submission:
        submission = Submission.objects.get(task_row=row, reporting_month=month)
        submit_row(user=liaison, submission_id=submission.pk, now=deadline_moment(month, 10))
        review.approve(user=office_user, submission_id=submission.pk)
        review.verify(user=statistics_user, submission_id=submission.pk)
        submission.refresh_from_db()
        assert submission.status == Submission.Status.VERIFIED
        return submission

    return verify


def _fill_all(user, row: TaskRow, month, value="1"):
    """Every indicator of the row, through the service, so the row can be submitted."""
    submission = data_entry.open_submission(reporting_month=month, task_row=row)
    contribution = data_entry.open_contribution(submission=submission, unit=row.lead_unit)
    inputs = [
        FigureInput(indicator=item, raw_value="" if item.kind == "milestone" else value, raw_stage="2")
        for item in row.indicators.all()
    ]
    result = data_entry.save_contribution(
        user=user, contribution=contribution, expected_version=contribution.version, inputs=inputs
    )
    assert result.ok, result.errors
    return submission


# --- the first sheet ------------------------------------------------------------------------------


def test_it_writes_the_title_and_headers(plan_2023):
    sheet = _workbook(plan_2023)[DETAIL]
    header_row, header, _rows = _table(sheet)
    assert sheet["A1"].value == "隆回县重点民生实事月度调度明细表（2023年3月）"
    assert header == HEADERS
    assert sheet.freeze_panes == f"A{header_row + 1}"


def test_it_filters_the_data_sheet_from_its_header_row(plan_2023):
    sheet = _workbook(plan_2023)[DETAIL]
    header_row, _header, rows = _table(sheet)
    assert sheet.auto_filter.ref == f"A{header_row}:W{header_row + len(rows)}"


def test_it_lists_every_indicator_of_the_year_in_plan_order(plan_2023):
    expected = list(
        Indicator.objects.filter(task_row__project__tier__plan_year=plan_2023)
        .order_by(
            "task_row__project__tier__position", "task_row__project__number", "task_row__position", "position"
        )
        .values_list("name", flat=True)
    )
    rows = _data(_workbook(plan_2023)[DETAIL])
    assert len(expected) == 66
    assert [row[COLUMN["指标"]].value for row in rows] == expected
    assert [row[COLUMN["序号"]].value for row in rows] == list(range(1, 67))


def test_it_writes_figures_and_targets_as_numbers(plan_2023, renshe_liaison, employment_row, march, verify):
    fill_employment(renshe_liaison, employment_row, march, employment="930")
    verify(employment_row, march, liaison=renshe_liaison)
    row = _line(_workbook(plan_2023)[DETAIL], EMPLOYMENT)
    target, figure = row[COLUMN["目标"]], row[COLUMN["累计完成"]]
    assert (target.value, target.data_type, target.number_format) == (4650, "n", "0")
    assert (figure.value, figure.data_type) == (930, "n")


def test_it_formats_completion_time_progress_and_gap_as_percentages(
    plan_2023, renshe_liaison, employment_row, march, verify
):
    fill_employment(renshe_liaison, employment_row, march, employment="930")
    verify(employment_row, march, liaison=renshe_liaison)
    row = _line(_workbook(plan_2023)[DETAIL], EMPLOYMENT)
    completion, elapsed, gap = (row[COLUMN[name]] for name in ("完成率", "序时进度", "完成率与序时进度之差"))
    # 930 of 4,650 is 20.0%; 20 March is day 79 of 365, 21.6% of the year.
    assert completion.value == pytest.approx(0.2)
    assert elapsed.value == pytest.approx(0.216)
    assert gap.value == pytest.approx(-0.016)
    assert {cell.number_format for cell in (completion, elapsed, gap)} == {"0.0%"}
    assert {cell.data_type for cell in (completion, elapsed, gap)} == {"n"}


def test_it_sums_every_units_figure_of_an_additive_indicator(
    plan_2023, renshe_liaison, township_liaison, employment_row, march, verify
):
    fill_employment(renshe_liaison, employment_row, march, employment="100")
    save_figures(township_liaison, employment_row, march, {EMPLOYMENT: "20"})
    verify(employment_row, march, liaison=renshe_liaison)
    assert _line(_workbook(plan_2023)[DETAIL], EMPLOYMENT)[COLUMN["累计完成"]].value == 120


def test_it_lists_each_units_counted_figure_the_lead_unit_first(
    plan_2023, renshe_liaison, township_liaison, employment_row, march, verify
):
    save_figures(township_liaison, employment_row, march, {EMPLOYMENT: "20"})
    fill_employment(renshe_liaison, employment_row, march, employment="100")
    verify(employment_row, march, liaison=renshe_liaison)
    row = _line(_workbook(plan_2023)[DETAIL], EMPLOYMENT)
    assert row[COLUMN["各单位已核验数"]].value == "县人社局：100；金石桥镇人民政府：20"


def test_it_lists_no_units_figure_before_it_is_verified(
    plan_2023, renshe_liaison, township_liaison, employment_row, march
):
    save_figures(township_liaison, employment_row, march, {EMPLOYMENT: "20"})
    fill_employment(renshe_liaison, employment_row, march, employment="100")
    submit_row(user=renshe_liaison, submission_id=employment_row.submissions.get().pk)
    assert _line(_workbook(plan_2023)[DETAIL], EMPLOYMENT)[COLUMN["各单位已核验数"]].value is None


def test_it_sums_the_funds_of_every_unit_once_per_task_row(
    plan_2023, renshe_liaison, township_liaison, employment_row, march, verify
):
    save_figures(
        renshe_liaison,
        employment_row,
        march,
        {EMPLOYMENT: "100", TRAINING: "50", STARTUP_TRAINING: "10"},
        funds="150.50",
    )
    save_figures(township_liaison, employment_row, march, {EMPLOYMENT: "20"}, funds="20")
    verify(employment_row, march, liaison=renshe_liaison)
    sheet = _workbook(plan_2023)[DETAIL]
    first, second = _line(sheet, EMPLOYMENT), _line(sheet, TRAINING)
    assert (first[COLUMN["累计投入资金（万元）"]].value, first[COLUMN["累计投入资金（万元）"]].data_type) == (
        170.5,
        "n",
    )
    assert first[COLUMN["累计投入资金（万元）"]].number_format == "0.00"
    assert second[COLUMN["累计投入资金（万元）"]].value is None


def test_it_judges_against_the_target_in_force_after_an_approved_adjustment(
    plan_2023, renshe_liaison, office_user, employment_row, march, verify
):
    fill_employment(renshe_liaison, employment_row, march, employment="930")
    verify(employment_row, march, liaison=renshe_liaison)
    adjustment = TargetAdjustment.objects.create(
        plan_year=plan_2023,
        unit=employment_row.lead_unit,
        status=TargetAdjustment.Status.APPROVED,
        reason="疫情影响",
        force_majeure="不可抗力",
        effective_month=3,
        filed_by=office_user,
        filed_at=timezone.now(),
        reviewed_at=timezone.now(),
        decided_on=date(2023, 3, 1),
        decision_by="县人民政府常务会议",
        document_number="隆政〔2023〕1号",
    )
    employment = indicator(employment_row, EMPLOYMENT)
    TargetAdjustmentLine.objects.create(
        adjustment=adjustment, indicator=employment, previous_target=4650, new_target=3100
    )
    row = _line(_workbook(plan_2023)[DETAIL], EMPLOYMENT)
    assert row[COLUMN["目标"]].value == 3100 == targets_for_month(plan_year=plan_2023, month=3)[employment.pk]
    assert row[COLUMN["完成率"]].value == pytest.approx(0.3)  # 930 of 3,100
    # February's report still shows the plan target.
    assert _line(_workbook(plan_2023, month=2)[DETAIL], EMPLOYMENT)[COLUMN["目标"]].value == 4650


def test_it_shows_a_pending_target_as_to_be_set(plan_2023):
    row = _line(_workbook(plan_2023)[DETAIL], "上线服务事项")
    assert row[COLUMN["目标"]].value == "待下达"
    assert row[COLUMN["预警状态"]].value == "目标待下达"


def test_it_shows_a_milestone_figure_as_its_stage_label(plan_2023, django_user_model, march, verify):
    liaison = make_member(django_user_model, "jiaoyu", Role.LIAISON, unit="县教育局")
    _fill_all(liaison, provincial_row(plan_2023, 1), march)
    verify(provincial_row(plan_2023, 1), march, liaison=liaison)
    row = _line(_workbook(plan_2023)[DETAIL], "启动县域普通高中一校一栋建筑项目")
    assert row[COLUMN["累计完成"]].value == "推进中"


def test_it_puts_the_lead_units_progress_first_and_prefixes_the_others(
    plan_2023, renshe_liaison, township_liaison, employment_row, march
):
    save_figures(township_liaison, employment_row, march, {EMPLOYMENT: "20"}, progress="新增就业20人")
    save_figures(renshe_liaison, employment_row, march, {EMPLOYMENT: "100"}, progress="全县按计划推进")
    row = _line(_workbook(plan_2023)[DETAIL], EMPLOYMENT)
    assert row[COLUMN["进展情况"]].value == "全县按计划推进\n金石桥镇人民政府：新增就业20人"


def test_it_marks_the_submission_status_on_each_indicator(plan_2023, renshe_liaison, employment_row, march):
    fill_employment(renshe_liaison, employment_row, march)
    submission = Submission.objects.get(task_row=employment_row, reporting_month=march)
    submit_row(user=renshe_liaison, submission_id=submission.pk, now=deadline_moment(march, 10))
    sheet = _workbook(plan_2023)[DETAIL]
    assert [_line(sheet, EMPLOYMENT)[COLUMN[name]].value for name in ("报送情况", "审核状态")] == [
        "按时",
        "已提交",
    ]
    assert [_line(sheet, "上线服务事项")[COLUMN[name]].value for name in ("报送情况", "审核状态")] == [
        "未报送",
        "未填报",
    ]


# --- the second sheet -----------------------------------------------------------------------------


@pytest.fixture
def timeliness(plan_2023, renshe_liaison, minzheng_liaison, employment_row, march):
    """Item 3 submitted on the deadline, item 6 three days late, the rest not at all."""
    fill_employment(renshe_liaison, employment_row, march)
    on_time = Submission.objects.get(task_row=employment_row, reporting_month=march)
    submit_row(user=renshe_liaison, submission_id=on_time.pk, now=deadline_moment(march, 10))
    beds = provincial_row(plan_2023, 6)
    late = _fill_all(minzheng_liaison, beds, march)
    submit_row(user=minzheng_liaison, submission_id=late.pk, now=deadline_moment(march, 10, days_after=3))
    return {"on_time": employment_row, "late": beds}


def test_it_adds_a_second_sheet_of_who_submitted_when(plan_2023):
    workbook = _workbook(plan_2023)
    sheet = workbook["报送情况"]
    _header_row, header, rows = _table(sheet)
    assert workbook.sheetnames == SHEETS
    assert sheet["A1"].value == "2023年3月各单位报送情况"
    assert header == SUBMISSION_HEADERS
    assert len(rows) == TaskRow.objects.filter(project__tier__plan_year=plan_2023).count()


def test_it_marks_each_row_on_time_late_or_missing(plan_2023, timeliness):
    sheet = _workbook(plan_2023)["报送情况"]
    column = SUBMISSION_COLUMN["报送情况"]
    assert _submission_line(sheet, timeliness["on_time"])[column].value == "按时"
    assert _submission_line(sheet, timeliness["late"])[column].value == "逾期"
    assert _submission_line(sheet, provincial_row(plan_2023, 1))[column].value == "未报送"


def test_it_writes_the_deadline_and_submission_time_as_dates(plan_2023, timeliness, march):
    line = _submission_line(_workbook(plan_2023)["报送情况"], timeliness["late"])
    deadline, first = line[SUBMISSION_COLUMN["报送截止日"]], line[SUBMISSION_COLUMN["首次提交时间"]]
    assert deadline.is_date and deadline.value.date().isoformat() == "2023-03-21"
    # Local time, as Excel has no time zones: 10:00 three days after the deadline.
    assert first.is_date and first.value.isoformat() == "2023-03-24T10:00:00"
    assert line[SUBMISSION_COLUMN["逾期天数"]].value == 3


def test_it_counts_on_time_late_and_missing_rows_below_the_table(plan_2023, timeliness):
    sheet = _workbook(plan_2023)["报送情况"]
    total = TaskRow.objects.filter(project__tier__plan_year=plan_2023).count()
    assert sheet.cell(sheet.max_row, 1).value == f"合计：按时1项，逾期1项，未报送{total - 2}项。"


def test_it_judges_timeliness_from_the_first_submission_not_a_later_one(
    plan_2023, timeliness, office_user, minzheng_liaison, march
):
    late = Submission.objects.get(task_row=timeliness["late"], reporting_month=march)
    review.return_submission(user=office_user, submission_id=late.pk, reason="请核实。")
    submit_row(user=minzheng_liaison, submission_id=late.pk, now=deadline_moment(march, 9, days_after=-1))
    sheet = _workbook(plan_2023)["报送情况"]
    assert _submission_line(sheet, timeliness["late"])[SUBMISSION_COLUMN["报送情况"]].value == "逾期"


# --- filters --------------------------------------------------------------------------------------


def test_it_keeps_only_the_chosen_tier(plan_2023):
    workbook = _workbook(plan_2023, tier_kind=Tier.Kind.MUNICIPAL)
    rows = _data(workbook[DETAIL])
    expected = Indicator.objects.filter(
        task_row__project__tier__plan_year=plan_2023, task_row__project__tier__kind=Tier.Kind.MUNICIPAL
    ).count()
    assert len(rows) == expected > 0
    assert {row[COLUMN["层级"]].value for row in rows} == {"市定民生实事"}
    assert {row[SUBMISSION_COLUMN["层级"]].value for row in _data(workbook["报送情况"])} == {"市定民生实事"}


def test_it_keeps_only_the_chosen_lead_unit(plan_2023):
    unit = Unit.objects.get(name="县民政局")
    rows = _data(_workbook(plan_2023, lead_unit=unit)[DETAIL])
    assert len(rows) == Indicator.objects.filter(task_row__lead_unit=unit).count() > 0
    assert {row[COLUMN["牵头单位"]].value for row in rows} == {"县民政局"}


def test_it_keeps_only_the_chosen_leader(plan_2023):
    leader = Person.objects.get(name="张胤")
    rows = _data(_workbook(plan_2023, leader=leader)[DETAIL])
    assert len(rows) == Indicator.objects.filter(task_row__leader=leader).count() > 0
    assert {row[COLUMN["牵头领导"]].value for row in rows} == {"张胤"}


def test_it_names_the_filters_in_the_heading(plan_2023):
    sheet = _workbook(plan_2023, lead_unit=Unit.objects.get(name="县民政局"))[DETAIL]
    assert "筛选条件：牵头单位：县民政局" in [sheet.cell(row, 1).value for row in range(1, 10)]


# --- safety ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [EVIL, "+1+2", "-1+2", "@SUM(A1)", "\t=1+2", "\r=1+2"])
def test_it_keeps_formula_like_progress_as_text(plan_2023, renshe_liaison, employment_row, march, text):
    save_figures(renshe_liaison, employment_row, march, {EMPLOYMENT: "100"}, progress=f"x{text}")
    # The service strips the text; put the trigger first, as a hand-made row would.
    Contribution.objects.filter(unit__name="县人社局").update(progress=text, problems=text)
    workbook = _workbook(plan_2023)
    row = _line(workbook[DETAIL], EMPLOYMENT)
    cell = row[COLUMN["进展情况"]]
    # A bare carriage return may read back as a line feed (openpyxl without lxml); else unchanged.
    assert cell.data_type == "s"
    assert cell.value.replace("\r", "\n") == text.replace("\r", "\n")
    assert not [
        c.coordinate for sheet in workbook for line in sheet.iter_rows() for c in line if c.data_type == "f"
    ]


def test_it_keeps_formula_like_plan_text_as_text(plan_2023):
    Unit.objects.filter(name="县民政局").update(name=EVIL)
    TaskRow.objects.filter(pk=provincial_row(plan_2023, 6).pk).update(title="=1+2")
    Indicator.objects.filter(name="养老机构新增护理型床位").update(name="@SUM(A1:A9)")
    workbook = _workbook(plan_2023)
    row = _line(workbook[DETAIL], "@SUM(A1:A9)")
    assert row[COLUMN["牵头单位"]].value == EVIL
    assert row[COLUMN["任务内容"]].value == "=1+2"
    assert not [
        c.coordinate for sheet in workbook for line in sheet.iter_rows() for c in line if c.data_type == "f"
    ]


# --- queries --------------------------------------------------------------------------------------


def _render(plan_year):
    return MonthlyReportExporter(filters=MonthlyFilter(plan_year=plan_year, month=3)).render()


def test_it_exports_with_a_fixed_number_of_queries(
    plan_2023, renshe_liaison, employment_row, march, django_assert_num_queries
):
    fill_employment(renshe_liaison, employment_row, march)
    with django_assert_num_queries(MONTHLY_QUERIES):
        _render(plan_2023)


def test_it_does_not_query_more_when_rows_figures_and_narratives_are_added(
    plan_2023, renshe_liaison, township_liaison, employment_row, march, django_assert_num_queries
):
    save_figures(renshe_liaison, employment_row, march, {EMPLOYMENT: "100"}, progress="推进中")
    save_figures(township_liaison, employment_row, march, {EMPLOYMENT: "20"}, progress="推进中")
    project = Project.objects.create(
        tier=plan_2023.tiers.get(kind=Tier.Kind.COUNTY), number=99, title="新增项目"
    )
    unit = Unit.objects.get(name="县民政局")
    for position in range(1, 21):
        row = TaskRow.objects.create(
            project=project, position=position, title=f"任务{position}", lead_unit=unit
        )
        submission = Submission.objects.create(reporting_month=march, task_row=row)
        contribution = Contribution.objects.create(submission=submission, unit=unit, progress="按计划推进")
        for number in range(1, 6):
            item = Indicator.objects.create(
                task_row=row,
                position=number,
                name=f"指标{position}-{number}",
                kind="quantity",
                target_value=10,
            )
            Figure.objects.create(contribution=contribution, indicator=item, value=number)
    with django_assert_num_queries(MONTHLY_QUERIES):
        content = _render(plan_2023).content
    assert len(_data(load_workbook(io.BytesIO(content))[DETAIL])) == 66 + 100


# --- the exports page and downloads ---------------------------------------------------------------

READERS = ("office", "statistics", "leader")
REFUSED = ("renshe", "minzheng", "township", "sysadmin", "no_role")


def _monthly_url(**params):
    query = "&".join(f"{key}={value}" for key, value in {"year": 2023, "month": 3, **params}.items())
    return f"{reverse('reporting:monthly_report')}?{query}"


PAGES = {
    "exports": lambda: reverse("reporting:exports"),
    "monthly": _monthly_url,
    "matrix": lambda: f"{reverse('reporting:exports_matrix')}?year=2023",
}


@pytest.mark.parametrize("screen", PAGES)
@pytest.mark.parametrize("role", READERS)
def test_it_opens_the_exports_to_the_readers(user_in_role, plan_2023, screen, role):
    response = client_for(user_in_role(role)).get(PAGES[screen]())
    assert response.status_code == 200


@pytest.mark.parametrize("screen", PAGES)
@pytest.mark.parametrize("role", REFUSED)
def test_it_refuses_the_exports_to_liaisons_and_others(user_in_role, plan_2023, screen, role):
    assert client_for(user_in_role(role)).get(PAGES[screen]()).status_code == 403


@pytest.mark.parametrize("screen", PAGES)
def test_it_sends_anonymous_users_to_log_in_for_the_exports(client, plan_2023, screen):
    response = client.get(PAGES[screen]())
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


def test_it_offers_both_exports_on_the_page(plan_2023, office_user):
    page = client_for(office_user).get(reverse("reporting:exports")).content.decode()
    assert reverse("reporting:monthly_report") in page
    assert reverse("reporting:exports_matrix") in page
    for name in ("year", "month", "tier", "lead_unit", "leader"):
        assert f'name="{name}"' in page


def test_it_streams_the_monthly_report_from_a_file(plan_2023, office_user):
    response = client_for(office_user).get(_monthly_url())
    assert response.streaming
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    # 月度调度表-2023年3月.xlsx, percent-encoded per RFC 5987.
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''%E6%9C%88%E5%BA%A6")
    content = b"".join(response.streaming_content)
    assert load_workbook(io.BytesIO(content)).sheetnames == SHEETS


def test_it_applies_the_filters_of_the_form(plan_2023, leader_user):
    unit = Unit.objects.get(name="县民政局")
    response = client_for(leader_user).get(_monthly_url(lead_unit=unit.pk, tier=Tier.Kind.PROVINCIAL))
    rows = _data(load_workbook(io.BytesIO(b"".join(response.streaming_content)))[DETAIL])
    assert {row[COLUMN["牵头单位"]].value for row in rows} == {"县民政局"}
    assert {row[COLUMN["层级"]].value for row in rows} == {"省定民生实事"}


def test_it_answers_400_with_the_form_for_an_unknown_year(plan_2023, office_user):
    response = client_for(office_user).get(_monthly_url(year=2019))
    assert response.status_code == 400
    assert "年度" in response.content.decode()


def test_it_downloads_the_matrix_for_a_leader(plan_2023, leader_user):
    response = client_for(leader_user).get(PAGES["matrix"]())
    content = b"".join(response.streaming_content)
    assert load_workbook(io.BytesIO(content)).active["A1"].value.startswith("隆回县打好")


# --- the command ----------------------------------------------------------------------------------


def test_it_writes_the_report_from_the_command(plan_2023, tmp_path):
    target = tmp_path / "monthly.xlsx"
    call_command("export_monthly", "--year", "2023", "--month", "11", "-o", str(target), stdout=io.StringIO())
    assert load_workbook(target).worksheets[0]["A1"].value == "隆回县重点民生实事月度调度表（2023年11月）"


def test_it_refuses_an_unknown_year_in_the_command(plan_2023, tmp_path):
    with pytest.raises(CommandError, match="2019年度不存在"):
        call_command("export_monthly", "--year", "2019", "--month", "3", "-o", str(tmp_path / "x.xlsx"))


def test_it_refuses_a_month_out_of_range_in_the_command(plan_2023, tmp_path):
    with pytest.raises(CommandError, match="月份应为1至12"):
        call_command("export_monthly", "--year", "2023", "--month", "13", "-o", str(tmp_path / "x.xlsx"))


def test_it_refuses_an_unknown_lead_unit_in_the_command(plan_2023, tmp_path):
    with pytest.raises(CommandError, match="找不到单位“县宇航局”"):
        call_command(
            "export_monthly",
            "--year",
            "2023",
            "--month",
            "3",
            "--lead-unit",
            "县宇航局",
            "-o",
            str(tmp_path / "x"),
        )


def test_it_reports_an_unwritable_path_in_the_command(plan_2023, tmp_path):
    with pytest.raises(CommandError, match="无法写入文件"):
        call_command(
            "export_monthly", "--year", "2023", "--month", "3", "-o", str(tmp_path / "missing" / "x.xlsx")
        )


# LibreOffice's conversion to PDF, page by page: tests/test_export_monthly_print.py.
