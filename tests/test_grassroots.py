"""The grassroots table (基层表): each unit's figures, adding up to the row's reported total; its export."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from beneficiaries.selectors import grassroots_table
from reporting.models import Submission
from reporting.workflow import review
from tests.beneficiaries import ELDERLY
from tests.roles import client_for, downloaded, save_figures, submit_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(minzheng_liaison, township_liaison, elderly_row, february):
    """The lead unit reports 30 homes itself and 金石桥镇 12: the row's total is 42."""
    save_figures(minzheng_liaison, elderly_row, february, {ELDERLY: "30"}, funds="100")
    save_figures(township_liaison, elderly_row, february, {ELDERLY: "12"}, funds="20.5")
    return Submission.objects.get(task_row=elderly_row, reporting_month=february)


def test_it_breaks_the_total_down_by_unit(submission):
    table = grassroots_table(submission)
    assert [(line.unit.name, line.is_lead, line.values) for line in table.lines] == [
        ("县民政局", True, [Decimal(30)]),
        ("金石桥镇人民政府", False, [Decimal(12)]),
    ]
    assert table.totals == [Decimal(42)]
    assert table.funds_total == Decimal("120.5")


def test_it_adds_up_to_the_figure_the_review_page_reports(submission):
    from reporting.selectors import submission_totals

    table = grassroots_table(submission)
    (reported,) = [total.total for total in submission_totals(submission) if total.indicator.is_additive]
    assert sum(line.values[0] for line in table.lines) == reported == table.totals[0]


def test_it_shows_the_table_to_a_participating_unit(township_liaison, submission):
    response = client_for(township_liaison).get(reverse("beneficiaries:grassroots", args=[submission.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "金石桥镇人民政府" in content and "42" in content


def test_it_shows_the_table_to_a_leader(leader_user, submission):
    response = client_for(leader_user).get(reverse("beneficiaries:grassroots", args=[submission.pk]))
    assert response.status_code == 200


def test_it_hides_the_table_from_an_unrelated_unit(renshe_liaison, submission):
    response = client_for(renshe_liaison).get(reverse("beneficiaries:grassroots", args=[submission.pk]))
    assert response.status_code == 404


def test_it_lists_the_months_tables(minzheng_liaison, submission):
    response = client_for(minzheng_liaison).get(
        reverse("beneficiaries:grassroots_index") + "?year=2023&month=2"
    )
    assert list(response.context["submissions"]) == [submission]


def test_it_exports_the_table_with_its_total(minzheng_liaison, submission):
    response = client_for(minzheng_liaison).get(
        reverse("beneficiaries:grassroots_export", args=[submission.pk])
    )
    sheet = load_workbook(io.BytesIO(downloaded(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "重点民生实事项目基层表"
    assert rows[2] == ("序号", "单位", f"{ELDERLY}（户）", "累计投入资金（万元）")
    assert rows[3][1:3] == ("县民政局（牵头）", 30)
    assert rows[4][1:3] == ("金石桥镇人民政府", 12)
    assert rows[5][1:4] == ("合计（待审核，不计入统计）", 42, 120.5)
    assert "尚未经县统计局核验" in rows[1][0]
    assert {str(merged) for merged in sheet.merged_cells.ranges} >= {"A1:D1", "A2:D2"}


def test_it_keeps_a_draft_total_apart_as_awaiting_review(minzheng_liaison, submission):
    page = client_for(minzheng_liaison).get(reverse("beneficiaries:grassroots", args=[submission.pk]))

    content = page.content.decode()
    assert "合计（待审核，不计入统计）" in content
    assert "不计入任何统计、报表和评分" in content


def test_it_calls_a_verified_total_counted(minzheng_liaison, office_user, statistics_user, submission):
    submit_row(user=minzheng_liaison, submission_id=submission.pk)
    review.approve(user=office_user, submission_id=submission.pk)
    review.verify(user=statistics_user, submission_id=submission.pk)
    submission.refresh_from_db()

    table = grassroots_table(submission)

    assert table.counted
    assert table.total_label == "合计（已核验，计入统计）"


def test_it_neutralises_unit_text_that_looks_like_a_formula(minzheng_liaison, submission):
    from projects.models import Unit

    Unit.objects.filter(name="金石桥镇人民政府").update(name='=HYPERLINK("x")镇')
    response = client_for(minzheng_liaison).get(
        reverse("beneficiaries:grassroots_export", args=[submission.pk])
    )
    sheet = load_workbook(io.BytesIO(downloaded(response))).active
    assert sheet.cell(row=5, column=2).data_type != "f"
