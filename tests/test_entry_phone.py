"""The monthly entry page as a township fills it: rows with figures first, its own targets, the rows
still open named, back at the row saved, and told that its lead unit submits."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects.models import Indicator, TargetAdjustment, TargetAdjustmentLine, TaskRow, TaskRowParty, Unit
from projects.targets import unit_shares_for_month
from reporting.selectors import entry_sheet
from reporting.workflow import entry_layout
from tests.roles import (
    EMPLOYMENT,
    STARTUP_TRAINING,
    TRAINING,
    client_for,
    entry_data,
    entry_url,
    fill_employment,
    indicator,
    reporting_month,
    save_figures,
)

pytestmark = pytest.mark.django_db

TOWNSHIP = "金石桥镇人民政府"
WHY_PROGRESS_ONLY = "本单位在这些事项中只报进展，不填指标数"
LEAD_SUBMITS = "本单位数据由牵头单位汇总提交，您无需提交"


def township() -> Unit:
    return Unit.objects.get(name=TOWNSHIP)


def approve_share(*, filed_by, target_indicator: Indicator, unit: Unit, share: str, month: int, day: int = 1):
    """An approved adjustment allocating `share` of the indicator to `unit` from `month` on."""
    moment = timezone.make_aware(timezone.datetime(2023, 6, day, 10))
    adjustment = TargetAdjustment.objects.create(
        plan_year=target_indicator.task_row.project.tier.plan_year,
        unit=target_indicator.task_row.lead_unit,
        status=TargetAdjustment.Status.APPROVED,
        reason="测试：按乡镇分解任务",
        force_majeure="测试：无",
        effective_month=month,
        filed_by=filed_by,
        filed_at=moment,
        reviewed_by=filed_by,
        reviewed_at=moment,
        decided_on=date(2023, 6, day),
        decision_by="县人民政府常务会议",
        document_number=f"隆政函〔2023〕{day}号",
        recorded_by=filed_by,
        recorded_at=moment,
    )
    return TargetAdjustmentLine.objects.create(
        adjustment=adjustment, indicator=target_indicator, unit=unit, new_target=Decimal(share)
    )


def page_of(user, month):
    response = client_for(user).get(entry_url(month))
    assert response.status_code == 200
    return response


def card_of(html: str, row: TaskRow) -> str:
    """The HTML of one row card."""
    match = re.search(rf'<section class="card row-card[^"]*" id="row-{row.pk}".*?</section>', html, re.S)
    assert match, f"no card for row {row.pk}"
    return match.group(0)


# --- the order of the rows ----------------------------------------------------------------------


def test_it_puts_the_rows_with_figures_first(township_liaison, march):
    context = page_of(township_liaison, march).context
    figure_rows, progress_rows = context["figure_rows"], context["progress_rows"]
    assert figure_rows and progress_rows
    assert all(item["indicators"] for item in figure_rows)
    assert not any(item["indicators"] for item in progress_rows)
    plan_order = [row.task_row.pk for row in entry_sheet(unit=township(), reporting_month=march)]
    shown = [item["row_id"] for item in figure_rows + progress_rows]
    assert sorted(shown) == sorted(plan_order)
    assert [pk for pk in plan_order if pk in {item["row_id"] for item in figure_rows}] == [
        item["row_id"] for item in figure_rows
    ]


def test_it_splits_a_sheet_by_whether_the_unit_has_figures(plan_2023, march):
    sheet = entry_sheet(unit=township(), reporting_month=march)
    with_figures, progress_only = entry_layout.split_rows(sheet)
    reordered = [row.task_row.pk for row in with_figures + progress_only]
    assert reordered != [row.task_row.pk for row in sheet]  # progress-only rows sit among the others
    assert {row.task_row.pk for row in with_figures} == {row.task_row.pk for row in sheet if row.indicators}
    assert all(not row.indicators for row in progress_only)


def test_it_collapses_the_progress_only_rows_and_says_why(township_liaison, march):
    html = page_of(township_liaison, march).content.decode()
    group = re.search(r'<details class="progress-only" id="progress-only">(.*?)</summary>', html, re.S)
    assert group, "the progress-only rows are not in a closed <details>"
    assert WHY_PROGRESS_ONLY in group.group(1)
    assert "只报进展的事项（9项）" in group.group(1)


def test_a_lead_unit_fills_every_row_it_leads_among_the_rows_with_figures(renshe_liaison, march):
    context = page_of(renshe_liaison, march).context
    led = [item["row_id"] for item in context["figure_rows"] if item["is_lead"]]
    assert led
    assert not any(item["is_lead"] for item in context["progress_rows"])


# --- the unit's own target ----------------------------------------------------------------------


def test_it_shows_the_units_share_beside_the_county_target(
    township_liaison, renshe_liaison, march, employment_row
):
    approve_share(
        filed_by=renshe_liaison,
        target_indicator=indicator(employment_row, EMPLOYMENT),
        unit=township(),
        share="200",
        month=3,
    )
    card = card_of(page_of(township_liaison, march).content.decode(), employment_row)
    assert "本单位任务：200人" in card
    assert "县目标：4650人" in card


def test_it_shows_only_the_county_target_where_no_share_was_allocated(
    township_liaison, march, employment_row
):
    card = card_of(page_of(township_liaison, march).content.decode(), employment_row)
    assert "县目标：4650人" in card
    assert "本单位任务" not in card


def test_a_share_applies_from_its_effective_month(plan_2023, renshe_liaison, employment_row):
    employment = indicator(employment_row, EMPLOYMENT)
    approve_share(filed_by=renshe_liaison, target_indicator=employment, unit=township(), share="200", month=5)
    assert unit_shares_for_month(unit=township(), plan_year=plan_2023, month=4) == {}
    assert unit_shares_for_month(unit=township(), plan_year=plan_2023, month=5) == {
        employment.pk: Decimal(200)
    }


def test_the_latest_effective_share_wins(plan_2023, renshe_liaison, employment_row):
    employment = indicator(employment_row, EMPLOYMENT)
    approve_share(filed_by=renshe_liaison, target_indicator=employment, unit=township(), share="300", month=6)
    approve_share(
        filed_by=renshe_liaison, target_indicator=employment, unit=township(), share="200", month=3, day=2
    )
    assert unit_shares_for_month(unit=township(), plan_year=plan_2023, month=7)[employment.pk] == 300
    assert unit_shares_for_month(unit=township(), plan_year=plan_2023, month=4)[employment.pk] == 200


def test_another_units_share_is_not_shown(township_liaison, renshe_liaison, march, employment_row):
    approve_share(
        filed_by=renshe_liaison,
        target_indicator=indicator(employment_row, EMPLOYMENT),
        unit=Unit.objects.get(name="县人社局"),
        share="4450",
        month=3,
    )
    assert "本单位任务" not in card_of(page_of(township_liaison, march).content.decode(), employment_row)


# --- who submits --------------------------------------------------------------------------------


def test_it_tells_a_township_that_its_lead_unit_submits(township_liaison, march):
    assert LEAD_SUBMITS in page_of(township_liaison, march).content.decode()


def test_it_does_not_tell_a_lead_unit_that_it_need_not_submit(renshe_liaison, march):
    assert LEAD_SUBMITS not in page_of(renshe_liaison, march).content.decode()


# --- after a save -------------------------------------------------------------------------------


def test_it_returns_to_the_row_saved(township_liaison, march, employment_row):
    data = entry_data(employment_row, {EMPLOYMENT: "100", TRAINING: "40", STARTUP_TRAINING: "5"}, version=0)
    response = client_for(township_liaison).post(entry_url(march), data)
    assert response.status_code == 302
    assert response["Location"] == f"{entry_url(march)}&saved={employment_row.pk}#row-{employment_row.pk}"


def test_it_returns_to_the_row_submitted(renshe_liaison, march, employment_row):
    fill_employment(renshe_liaison, employment_row, march)
    data = entry_data(employment_row, {EMPLOYMENT: "120", TRAINING: "50", STARTUP_TRAINING: "10"}, version=1)
    response = client_for(renshe_liaison).post(
        entry_url(march), {**data, "submit_row": str(employment_row.pk)}
    )
    assert response["Location"].endswith(f"#row-{employment_row.pk}")


def test_it_names_the_rows_still_open_at_the_row_saved(township_liaison, march, employment_row):
    save_figures(
        township_liaison, employment_row, march, {EMPLOYMENT: "100", TRAINING: "40", STARTUP_TRAINING: "5"}
    )
    response = client_for(township_liaison).get(f"{entry_url(march)}&saved={employment_row.pk}")
    open_rows = response.context["open_rows"]
    assert employment_row.pk not in [item["row_id"] for item in open_rows]
    card = card_of(response.content.decode(), employment_row)
    assert "已保存本行。" in card
    assert f"还有 {len(open_rows)} 行未填完：" in card
    first = open_rows[0]
    assert f'<a href="#row-{first["row_id"]}">{first["name"]}</a>' in card
    assert "省定民生实事 2. 完成“湘易办”超级服务端用户任务" in first["name"]


def test_it_lists_every_open_row_at_the_top_by_name(township_liaison, march):
    response = page_of(township_liaison, march)
    html = response.content.decode()
    top = html.split('id="open-rows"', 1)[1].split("</details>", 1)[0]
    assert len(response.context["open_rows"]) == len(response.context["figure_rows"])
    for item in response.context["open_rows"]:
        assert f'<a href="#row-{item["row_id"]}">{item["name"]}</a>' in top
    assert "还有 19 行未填完" in top


def test_it_says_when_every_figure_is_filled(township_liaison, march):
    for row in entry_sheet(unit=township(), reporting_month=march):
        if row.indicators:
            save_figures(township_liaison, row.task_row, march, {item.name: "1" for item in row.indicators})
    response = page_of(township_liaison, march)
    assert response.context["open_rows"] == []
    assert "本月需要填报的指标数都已填好。" in response.content.decode()


def test_the_row_to_come_back_to_is_the_one_submitted_else_the_last_written():
    assert entry_layout.saved_row(written=[3, 7, 9]) == 9
    assert entry_layout.saved_row(written=[3, 7, 9], asked="7") == 7
    assert entry_layout.saved_row(written=[3, 7, 9], asked="8") == 9
    assert entry_layout.saved_row(written=[]) is None


# --- the 未填 line after a refused save ---------------------------------------------------------


def test_the_missing_line_follows_the_fields_after_a_refused_save(township_liaison, march, employment_row):
    data = entry_data(employment_row, {EMPLOYMENT: "100", TRAINING: "", STARTUP_TRAINING: "很多"}, version=0)
    response = client_for(township_liaison).post(entry_url(march), data)
    assert response.status_code == 400
    card = card_of(response.content.decode(), employment_row)
    assert f"未填：{TRAINING}</p>" in card
    assert f"未填：{EMPLOYMENT}" not in card


def test_a_field_emptied_in_a_refused_save_counts_as_missing(township_liaison, march, employment_row):
    saved = save_figures(
        township_liaison, employment_row, march, {EMPLOYMENT: "100", TRAINING: "40", STARTUP_TRAINING: "5"}
    )
    data = entry_data(
        employment_row, {EMPLOYMENT: "", TRAINING: "40", STARTUP_TRAINING: "50"}, version=saved.version
    )
    response = client_for(township_liaison).post(entry_url(march), data)
    assert response.status_code == 400  # 其中 50 > 40
    assert f"未填：{EMPLOYMENT}</p>" in card_of(response.content.decode(), employment_row)


def test_missing_indicators_read_the_typed_values_when_given(plan_2023, march, employment_row):
    [row] = [
        item
        for item in entry_sheet(unit=township(), reporting_month=march)
        if item.task_row == employment_row
    ]
    typed = {indicator(employment_row, EMPLOYMENT).pk: "100", indicator(employment_row, TRAINING).pk: "  "}
    assert [item.name for item in entry_layout.missing_indicators(row, typed)] == [TRAINING, STARTUP_TRAINING]
    assert len(entry_layout.missing_indicators(row)) == 3


# --- queries ------------------------------------------------------------------------------------


def add_township_rows(plan_year, *, count: int, share_by) -> None:
    """More rows the township takes part in, each with an indicator and the township's share of it."""
    row = TaskRow.objects.get(
        project__tier__plan_year=plan_year, project__tier__kind="provincial", project__number=3
    )
    for position in range(20, 20 + count):
        extra = TaskRow.objects.create(
            project=row.project, position=position, title=f"附加任务{position}", lead_unit=row.lead_unit
        )
        TaskRowParty.objects.create(
            task_row=extra, unit=township(), role=TaskRowParty.Role.RESPONSIBLE, position=1
        )
        added = Indicator.objects.create(
            task_row=extra,
            position=1,
            name=f"附加指标{position}",
            kind="quantity",
            measure="人",
            target_value=100,
        )
        approve_share(filed_by=share_by, target_indicator=added, unit=township(), share="10", month=1)


def test_it_keeps_the_township_page_queries_flat(township_liaison, renshe_liaison, plan_2023, march):
    client = client_for(township_liaison)

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(entry_url(march)).status_code == 200
        return len(context.captured_queries)

    small = count()
    add_township_rows(plan_2023, count=5, share_by=renshe_liaison)
    assert count() == small


def test_submits_nothing_only_for_a_unit_that_leads_none_of_its_rows(plan_2023, march):
    assert entry_layout.submits_nothing(entry_sheet(unit=township(), reporting_month=march))
    renshe = Unit.objects.get(name="县人社局")
    assert not entry_layout.submits_nothing(
        entry_sheet(unit=renshe, reporting_month=reporting_month(plan_2023, 3))
    )
    assert not entry_layout.submits_nothing([])
