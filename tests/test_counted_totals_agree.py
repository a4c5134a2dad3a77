"""One question, one answer: every output counts the same figures (`reporting.counting`).

A month holds rows in every status. For every indicator of the year, the monthly report's
累计完成, the board's total, the grassroots comparison and `month_totals(statuses=COUNTED)` all
equal the total worked out here straight from the verified and forwarded figures; the figures of
drafts, submitted, returned, approved and closed rows are in none of them, and those awaiting
review (submitted, approved) stand apart in the report's 待审核 column.
"""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from beneficiaries import access as beneficiary_access
from beneficiaries.selectors import row_counts
from projects.models import Indicator, TaskRow
from reporting.calendar.deadlines import month_schedule
from reporting.counting import COUNTED, basis_sentence
from reporting.dashboards.board import board
from reporting.dashboards.indicator import indicator_months
from reporting.exports.exporters import MonthlyReportExporter
from reporting.exports.monthly import MonthlyFilter
from reporting.models import Figure, Submission
from reporting.progress import month_totals
from reporting.selectors import submission_totals
from reporting.workflow import data_entry, review
from reporting.workflow.validation import FigureInput
from tests.roles import (
    EMPLOYMENT,
    client_for,
    deadline_moment,
    entry_url,
    make_member,
    provincial_row,
    reporting_month,
    save_figures,
    submit_row,
)

pytestmark = pytest.mark.django_db

Status = Submission.Status
# Figures no output may count: each row in one of these statuses is filled with its own value,
# so any of them turning up in a total is seen at once.
NOT_COUNTED_VALUES = {
    Status.DRAFT: "7001",
    Status.SUBMITTED: "7002",
    Status.RETURNED: "7003",
    Status.APPROVED: "7004",
    Status.CLOSED: "7005",
}
AWAITING_VALUES = {
    Decimal(NOT_COUNTED_VALUES[Status.SUBMITTED]),
    Decimal(NOT_COUNTED_VALUES[Status.APPROVED]),
}


def _fill(user, row: TaskRow, month, value: str) -> Submission:
    """Every indicator of the row as the lead unit, through the service: a number, or stage 2."""
    submission = data_entry.open_submission(reporting_month=month, task_row=row)
    contribution = data_entry.open_contribution(submission=submission, unit=row.lead_unit)
    inputs = [
        FigureInput(indicator=item, raw_value="", raw_stage="2")
        if item.kind == Indicator.Kind.MILESTONE
        else FigureInput(indicator=item, raw_value=value)
        for item in row.indicators.all()
    ]
    result = data_entry.save_contribution(
        user=user, contribution=contribution, expected_version=contribution.version, inputs=inputs
    )
    assert result.ok, result.errors
    return submission


def _drive(submission: Submission, status: str, *, liaison, office, statistics) -> None:
    """Take a filled row's submission to the status through the review services."""
    month = submission.reporting_month
    if status in (Status.DRAFT, Status.CLOSED):
        if status == Status.CLOSED:  # as the month's forwarding leaves a row not ready
            Submission.objects.filter(pk=submission.pk).update(status=Status.CLOSED)
        return
    submit_row(user=liaison, submission_id=submission.pk, now=deadline_moment(month, 10))
    if status == Status.RETURNED:
        review.return_submission(user=office, submission_id=submission.pk, reason="请核实。")
    if status in (Status.APPROVED, Status.VERIFIED, Status.FORWARDED):
        review.approve(user=office, submission_id=submission.pk)
    if status in (Status.VERIFIED, Status.FORWARDED):
        review.verify(user=statistics, submission_id=submission.pk)
    if status == Status.FORWARDED:
        # Forwarding closes the whole month (tests/test_forwarding.py); here one forwarded row must
        # sit beside rows in every other status, as after 补报 were opened, so it is set directly.
        Submission.objects.filter(pk=submission.pk).update(status=Status.FORWARDED)


@pytest.fixture
def mixed_month(
    plan_2023,
    django_user_model,
    office_user,
    statistics_user,
    renshe_liaison,
    township_liaison,
    minzheng_liaison,
    zhujian_liaison,
    employment_row,
    february,
    march,
):
    """March in every status, and February's employment row verified before it."""
    people = {"office": office_user, "statistics": statistics_user}
    liaisons = {
        "县人社局": renshe_liaison,
        "县民政局": minzheng_liaison,
        "县住建局": zhujian_liaison,
        "县教育局": make_member(django_user_model, "jiaoyu", Role.LIAISON, unit="县教育局"),
        "县妇联": make_member(django_user_model, "fulian", Role.LIAISON, unit="县妇联"),
        "县残联": make_member(django_user_model, "canlian", Role.LIAISON, unit="县残联"),
        "县医疗保障局": make_member(django_user_model, "yibao", Role.LIAISON, unit="县医疗保障局"),
    }

    def row_in(row: TaskRow, month, status: str, value: str) -> Submission:
        liaison = liaisons[row.lead_unit.name]
        submission = _fill(liaison, row, month, value)
        _drive(submission, status, liaison=liaison, office=office_user, statistics=statistics_user)
        return submission

    # February: the employment row counted, so March has an earlier counted figure.
    row_in(employment_row, february, Status.VERIFIED, "900")
    row_in(provincial_row(plan_2023, 7, 1), march, Status.FORWARDED, "700")  # standards: lead's figure
    # Verified, with a township's part of the row (it counts with its row).
    _fill(renshe_liaison, employment_row, march, "1200")
    save_figures(township_liaison, employment_row, march, {EMPLOYMENT: "57"})
    _drive(
        employment_row.submissions.get(reporting_month=march),
        Status.VERIFIED,
        liaison=renshe_liaison,
        **people,
    )
    row_in(provincial_row(plan_2023, 1), march, Status.VERIFIED, "")  # a milestone
    row_in(provincial_row(plan_2023, 5), march, Status.VERIFIED, "40")  # milestones and a quantity
    row_in(provincial_row(plan_2023, 7, 2), march, Status.VERIFIED, "90")
    # Not counted, each with its own value.
    row_in(provincial_row(plan_2023, 9, 1), march, Status.DRAFT, NOT_COUNTED_VALUES[Status.DRAFT])
    row_in(provincial_row(plan_2023, 4), march, Status.SUBMITTED, NOT_COUNTED_VALUES[Status.SUBMITTED])
    row_in(provincial_row(plan_2023, 8, 1), march, Status.RETURNED, NOT_COUNTED_VALUES[Status.RETURNED])
    row_in(provincial_row(plan_2023, 6, 1), march, Status.APPROVED, NOT_COUNTED_VALUES[Status.APPROVED])
    row_in(provincial_row(plan_2023, 6, 2), march, Status.CLOSED, NOT_COUNTED_VALUES[Status.CLOSED])
    statuses = set(Submission.objects.filter(reporting_month=march).values_list("status", flat=True))
    assert statuses == set(Status.values)
    return march


def _expected(march) -> dict[int, tuple[Decimal | None, int | None]]:
    """Indicator id → (value, stage), straight from the counted figures: the sum where additive,
    the lead unit's figure otherwise."""
    figures = Figure.objects.filter(
        contribution__submission__reporting_month=march,
        contribution__submission__status__in=["verified", "forwarded"],
    ).select_related("indicator__task_row", "contribution")
    expected: dict[int, tuple[Decimal | None, int | None]] = {}
    for figure in figures:
        indicator = figure.indicator
        if indicator.is_additive:
            if figure.value is not None:
                total = expected.get(indicator.pk, (Decimal(0), None))[0]
                expected[indicator.pk] = (total + figure.value, None)
        elif figure.contribution.unit_id == indicator.task_row.lead_unit_id:
            expected[indicator.pk] = (figure.value, figure.stage)
    return expected


def _indicators(plan_year) -> list[Indicator]:
    return list(
        Indicator.objects.filter(task_row__project__tier__plan_year=plan_year)
        .select_related("task_row__lead_unit")
        .order_by(
            "task_row__project__tier__position", "task_row__project__number", "task_row__position", "position"
        )
    )


def _report(plan_year, month: int = 3):
    content = MonthlyReportExporter(filters=MonthlyFilter(plan_year=plan_year, month=month)).render().content
    return load_workbook(io.BytesIO(content))


def _report_lines(sheet) -> tuple[dict[str, int], list[tuple]]:
    """The header (name → column index) and the data rows of a sheet of the report, in order."""
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(index for index, row in enumerate(rows) if row[0] == "序号")
    header = {name: index for index, name in enumerate(rows[header_at])}
    data = [row for row in rows[header_at + 1 :] if isinstance(row[0], int)]
    return header, data


def _as_decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _shown(indicator: Indicator, value, stage):
    """A figure as the report's 累计完成 cell holds it."""
    if indicator.kind == Indicator.Kind.MILESTONE:
        return None if stage is None else str(Indicator.Stage(stage).label)
    return None if value is None else value.normalize()


def test_every_output_counts_the_same_figures(plan_2023, mixed_month, office_user):
    expected = _expected(mixed_month)
    indicators = _indicators(plan_2023)
    assert expected, "the month has counted figures"
    # The report, re-opened cell by cell: its data sheet, and the print sheet showing the same.
    report = _report(plan_2023)
    header, data = _report_lines(report["调度明细"])
    assert len(data) == len(indicators)
    printed_header, printed = _report_lines(report["月度调度表"])
    assert [row[printed_header["累计完成"]] for row in printed] == [row[header["累计完成"]] for row in data]
    # The board, the grassroots comparison and the shared totals.
    lines = {line.indicator.pk: line for line in board(plan_year=plan_2023, month=3).lines}
    totals = month_totals(reporting_month=mixed_month, statuses=COUNTED)
    cutoff = month_schedule(mixed_month).data_cutoff
    reported = {}
    for row in TaskRow.objects.filter(project__tier__plan_year=plan_2023):
        _row, row_access = beneficiary_access.get_row_for_user(office_user, row.pk)
        for count in row_counts(row_access, reporting_month=mixed_month, cutoff=cutoff):
            reported[count.indicator.pk] = count.reported
    for indicator, cells in zip(indicators, data, strict=True):
        assert cells[header["指标"]] == indicator.name
        value, stage = expected.get(indicator.pk, (None, None))
        cell = cells[header["累计完成"]]
        if indicator.kind == Indicator.Kind.MILESTONE:
            assert cell == _shown(indicator, value, stage), indicator.name
        else:
            assert _as_decimal(cell) == value, indicator.name
        line_total = lines[indicator.pk].total
        if line_total is not None:
            assert (line_total.value, line_total.stage) == (value, stage), indicator.name
        else:
            assert (value, stage) == (None, None), indicator.name
        shared = totals.get(indicator.pk)
        assert ((shared.value, shared.stage) if shared else (None, None)) == (value, stage), indicator.name
        if indicator.is_additive:
            assert reported[indicator.pk] == value, indicator.name


def test_no_figure_of_a_row_not_counted_reaches_a_total(plan_2023, mixed_month, office_user):
    not_counted = {Decimal(value) for value in NOT_COUNTED_VALUES.values()}
    header, data = _report_lines(_report(plan_2023)["调度明细"])
    for column in ("累计完成", "本月新增", "完成率"):
        assert (
            not {
                _as_decimal(row[header[column]])
                for row in data
                if isinstance(row[header[column]], int | float)
            }
            & not_counted
        )
    lines = board(plan_year=plan_2023, month=3).lines
    assert not {line.total.value for line in lines if line.total} & not_counted
    assert (
        not {total.value for total in month_totals(reporting_month=mixed_month, statuses=COUNTED).values()}
        & not_counted
    )
    cutoff = month_schedule(mixed_month).data_cutoff
    for row in TaskRow.objects.filter(submissions__reporting_month=mixed_month):
        _row, row_access = beneficiary_access.get_row_for_user(office_user, row.pk)
        counts = row_counts(row_access, reporting_month=mixed_month, cutoff=cutoff)
        assert not {count.reported for count in counts} & not_counted


def test_the_awaiting_column_holds_submitted_and_approved_figures_outside_the_total(plan_2023, mixed_month):
    header, data = _report_lines(_report(plan_2023)["调度明细"])
    awaiting = {
        row[header["指标"]]: _as_decimal(row[header["待审核数（不计入合计）"]])
        for row in data
        if row[header["待审核数（不计入合计）"]] is not None
    }
    expected = {
        item.name: Decimal(NOT_COUNTED_VALUES[status])
        for status, row in (
            (Status.SUBMITTED, provincial_row(plan_2023, 4)),
            (Status.APPROVED, provincial_row(plan_2023, 6, 1)),
        )
        for item in row.indicators.all()
    }
    assert awaiting == expected
    assert set(awaiting.values()) == AWAITING_VALUES
    for row in data:
        if row[header["指标"]] in expected:
            assert row[header["累计完成"]] is None
            assert row[header["完成率"]] is None
            assert row[header["预警状态"]] == "本月未报送"
            assert row[header["审核状态"]] in ("已提交", "已审核")


def test_the_report_shows_the_increase_and_the_latest_counted_figure(
    plan_2023, mixed_month, township_liaison, employment_row
):
    header, data = _report_lines(_report(plan_2023)["调度明细"])
    employment = next(row for row in data if row[header["指标"]] == EMPLOYMENT)
    # 1,200 + 57 counted in March, 900 in February.
    assert (employment[header["累计完成"]], employment[header["本月新增"]]) == (1257, 357)
    assert employment[header["最近已核验数（月份）"]] is None
    # April holds only a township's unsubmitted draft of 2: nothing counted, the status says so,
    # March's figure stands beside it, and the draft is nowhere.
    save_figures(
        township_liaison,
        employment_row,
        reporting_month(plan_2023, 4),
        {EMPLOYMENT: "2"},
        explanations={EMPLOYMENT: "本月新录入"},
    )
    header, data = _report_lines(_report(plan_2023, month=4)["调度明细"])
    employment = next(row for row in data if row[header["指标"]] == EMPLOYMENT)
    assert employment[header["累计完成"]] is None and employment[header["本月新增"]] is None
    assert employment[header["预警状态"]] == "本月未报送"
    assert employment[header["最近已核验数（月份）"]] == "1257（3月）"
    assert employment[header["待审核数（不计入合计）"]] is None
    assert (employment[header["报送情况"]], employment[header["审核状态"]]) == ("未报送", "草稿")


def test_every_sheet_states_the_basis_in_its_heading(plan_2023, mixed_month):
    workbook = _report(plan_2023)
    for sheet in workbook.worksheets:
        header_at = next(
            (
                index
                for index, row in enumerate(sheet.iter_rows(values_only=True), start=1)
                if row[0] == "序号"
            ),
            sheet.max_row,
        )
        heading = [sheet.cell(row, 1).value or "" for row in range(1, header_at + 1)]
        assert any(line.startswith(basis_sentence()) for line in heading), sheet.title


def test_the_increase_is_the_same_on_every_page_that_shows_it(
    plan_2023, mixed_month, office_user, renshe_liaison, employment_row, march
):
    """本月新增 of 城镇新增就业 in March: 1,200 + 57 counted against February's 900."""
    expected_row, expected_lead = Decimal(357), Decimal(300)
    employment = employment_row.indicators.get(name=EMPLOYMENT)
    # The boards, and the indicator page's month by month.
    the_board = board(plan_year=plan_2023, month=3)
    line = next(item for item in the_board.lines if item.indicator.pk == employment.pk)
    assert line.increment == expected_row
    march_point = next(
        point
        for point in indicator_months(indicator=employment, basis=the_board.basis, year=the_board.year)
        if point.month == 3
    )
    assert march_point.increment == expected_row
    # The monthly report.
    header, data = _report_lines(_report(plan_2023)["调度明细"])
    reported = next(row for row in data if row[header["指标"]] == EMPLOYMENT)
    assert _as_decimal(reported[header["本月新增"]]) == expected_row
    # The review page, unit by unit: they add up to the row's.
    submission = employment_row.submissions.get(reporting_month=march)
    totals = next(item for item in submission_totals(submission) if item.indicator.pk == employment.pk)
    by_unit = {unit.name: added for unit, _figure, _before, added in totals.unit_lines()}
    assert by_unit == {"县人社局": expected_lead, "金石桥镇人民政府": Decimal(57)}
    assert sum(by_unit.values()) == expected_row
    page = client_for(office_user).get(reverse("reporting:review_detail", args=[submission.pk]))
    assert "上月累计 900 · 本月新增 300" in page.content.decode()
    # The lead's entry page: its own figure against its own last counted one.
    entry = client_for(renshe_liaison).get(entry_url(march)).content.decode()
    assert "本月新增（本单位填报，尚未审核）：300" in entry
