"""May 2023 walked through the whole cycle in Chromium, and every output then agrees.

April is counted already (entered, verified and forwarded through the services), so May's
本月新增 is May's cumulative less April's. In May 金石桥镇 drafts its part of provincial item 3;
县人社局, the lead, sees it inline, fills its own figures, closes a second township's missing part
as 本月无数据 and submits; the office returns the row, the lead corrects and resubmits, the office
approves, 县统计局 verifies, and the office forwards the month through its confirmation page,
closing the rows not ready. Then the board's indicator page and list, the review detail page and
both Excel files downloaded through the browser show the same numbers for 城镇新增就业.
"""

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Download, Page, expect

from accounts.models import Role
from projects.models import Indicator, TaskRow, Unit
from reporting.models import Submission
from reporting.workflow import review
from tests.roles import (
    EMPLOYMENT,
    STARTUP_TRAINING,
    TRAINING,
    deadline_moment,
    forward_whole_month,
    provincial_row,
    reporting_month,
    save_figures,
    submit_row,
)

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
ROW_TITLE = "促进高质量充分就业"
LEAD = "县人社局"
TOWNSHIP = "金石桥镇人民政府"
SECOND_TOWNSHIP = "六都寨镇人民政府"  # not in the bundled plan: added here as a second township
NO_DATA_REASON = "六都寨镇本月无新增就业统计。"
RETURN_REASON = "城镇新增就业与人社系统台账不一致，请核对。"
CLOSE_REASON = "按时未报单位按未报送处理"

# Cumulative figures: April (counted before the walk), May as first entered and as corrected.
APRIL = {LEAD: {EMPLOYMENT: "1000", TRAINING: "600", STARTUP_TRAINING: "150"}}
APRIL[TOWNSHIP] = {EMPLOYMENT: "100", TRAINING: "40", STARTUP_TRAINING: "5"}
MAY_TOWNSHIP = {EMPLOYMENT: "150", TRAINING: "60", STARTUP_TRAINING: "10"}
MAY_LEAD_FIRST = {EMPLOYMENT: "1200", TRAINING: "800", STARTUP_TRAINING: "200"}
MAY_LEAD = {EMPLOYMENT: "1250", TRAINING: "800", STARTUP_TRAINING: "200"}
MAY_TOTAL = 1250 + 150  # 城镇新增就业, lead + township
MAY_INCREMENT = MAY_TOTAL - (1000 + 100)


def row_card(page: Page):
    card = page.locator("section.row-card").filter(has_text=ROW_TITLE)
    expect(card).to_have_count(1)
    return card


def fill_row(card, values: dict[str, str]) -> None:
    for name, value in values.items():
        card.get_by_label(name).fill(value)


def status_of(submission: Submission) -> str:
    submission.refresh_from_db()
    return submission.status


def saved(download: Download, folder: Path) -> Path:
    """The downloaded file under its own name: openpyxl goes by the .xlsx ending."""
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def table_of(sheet) -> tuple[dict[str, int], list[tuple]]:
    """The header (name → column index) and the data rows of a report sheet."""
    rows = list(sheet.iter_rows())
    header_at = next(index for index, row in enumerate(rows) if row[0].value == "序号")
    header = {cell.value: index for index, cell in enumerate(rows[header_at]) if cell.value}
    return header, rows[header_at + 1 :]


@pytest.fixture
def people(plan_2023, make_user):
    Unit.objects.create(name=SECOND_TOWNSHIP, kind=Unit.Kind.TOWNSHIP)
    return {
        "lead": make_user("renshe_liaison", Role.LIAISON, unit=LEAD, full_name="县人社局联络员"),
        "township": make_user("jsq_liaison", Role.LIAISON, unit=TOWNSHIP, full_name="金石桥镇联络员"),
        "second": make_user("ldz_liaison", Role.LIAISON, unit=SECOND_TOWNSHIP, full_name="六都寨镇联络员"),
        "office": make_user("zhuanban_office", Role.OFFICE, unit=LEAD, full_name="罗国良"),
        "statistics": make_user(
            "tongji_checker", Role.STATISTICS, unit="县统计局", full_name="县统计局审核员"
        ),
    }


def count_april(plan_2023, task_row: TaskRow, people) -> None:
    """April entered, submitted, approved, verified and forwarded through the services."""
    april = reporting_month(plan_2023, 4)
    save_figures(people["township"], task_row, april, APRIL[TOWNSHIP])
    save_figures(people["lead"], task_row, april, APRIL[LEAD], funds="20", progress="四月按计划推进。")
    submission = Submission.objects.get(task_row=task_row, reporting_month=april)
    submit_row(user=people["lead"], submission_id=submission.pk, now=deadline_moment(april, 10))
    review.approve(user=people["office"], submission_id=submission.pk)
    review.verify(user=people["statistics"], submission_id=submission.pk)
    forward_whole_month(people["office"], april)
    assert status_of(submission) == Submission.Status.FORWARDED


@pytest.mark.browser_context_args(**DESKTOP)
def test_may_goes_round_the_whole_cycle_and_every_output_agrees(
    page: Page, new_context, live_server, plan_2023, people, login, screenshot, tmp_path
):
    url = live_server.url
    task_row = provincial_row(plan_2023, 3)
    assert task_row.lead_unit.name == LEAD
    employment = Indicator.objects.get(task_row=task_row, name=EMPLOYMENT)
    count_april(plan_2023, task_row, people)
    entry = f"{url}/report/?year=2023&month=5"

    # 金石桥镇 drafts its part of the row: saved, not submitted (only the lead submits).
    township_page = new_context().new_page()
    login(township_page, "jsq_liaison")
    township_page.goto(entry)
    card = row_card(township_page)
    fill_row(card, MAY_TOWNSHIP)
    expect(card.get_by_role("button", name="保存并提交本行")).to_have_count(0)
    township_page.get_by_role("button", name="保存", exact=True).click()
    expect(township_page.locator(".messages li.success")).to_have_text("已保存。")
    expect(row_card(township_page).locator(".badge").first).to_have_text("草稿")
    submission = Submission.objects.get(task_row=task_row, reporting_month__month=5)
    screenshot(township_page, "1-township-draft")

    # The lead sees the township's figures inline, fills its own, and must close the second township.
    login(page, "renshe_liaison")
    page.goto(entry)
    card = row_card(page)
    parts = card.locator("details.parts")
    expect(parts.locator("summary")).to_contain_text("各责任单位填报情况：已填报 1/2")
    township_part = parts.locator("tbody tr").filter(has_text=TOWNSHIP)
    expect(township_part).to_contain_text("已填报")
    expect(township_part.locator("td.num")).to_have_text(["150", "60", "10"])
    expect(township_part.get_by_role("checkbox")).to_have_count(0)
    second_part = parts.locator("tbody tr").filter(has_text=SECOND_TOWNSHIP)
    expect(second_part).to_contain_text("未填报")
    fill_row(card, MAY_LEAD_FIRST)
    card.get_by_label("累计投入资金（万元）").fill("35.5")
    card.get_by_label("进展情况").fill("五月按计划推进。")
    card.get_by_role("button", name="保存并提交本行").click()
    expect(page.locator(".messages li.error")).to_contain_text(
        f"以下责任单位尚未填报本行：{SECOND_TOWNSHIP}。"
    )
    assert status_of(submission) == Submission.Status.DRAFT

    card = row_card(page)
    second_part = card.locator("details.parts tbody tr").filter(has_text=SECOND_TOWNSHIP)
    second_part.get_by_role("checkbox", name="本月无数据").check()
    card.get_by_label("统一原因（用于勾选了“本月无数据”但未单独填写原因的单位）").fill(NO_DATA_REASON)
    screenshot(page, "2-lead-marks-no-data")
    card.get_by_role("button", name="保存并提交本行").click()
    expect(page.locator(".messages li.success")).to_have_text("已保存并提交，等待专班办公室审核。")
    expect(row_card(page).locator(".badge").first).to_have_text("已提交")
    assert status_of(submission) == Submission.Status.SUBMITTED
    assert submission.contributions.get(unit__name=SECOND_TOWNSHIP).no_data_reason == NO_DATA_REASON

    # The second township is told on its own page.
    second_page = new_context().new_page()
    login(second_page, "ldz_liaison")
    second_page.goto(entry)
    expect(row_card(second_page).locator("p.warning").first).to_have_text(
        f"牵头单位已将本单位本行标记为“本月无数据”后提交：{NO_DATA_REASON}"
    )
    screenshot(second_page, "3-second-township-told")

    # The office returns the row with a reason.
    office_page = new_context().new_page()
    login(office_page, "zhuanban_office")
    office_page.goto(f"{url}/review/?year=2023&month=5")
    office_page.locator("table tbody tr").filter(has_text=ROW_TITLE).get_by_role(
        "link", name=re.compile(ROW_TITLE)
    ).click()
    expect(office_page).to_have_url(re.compile(rf"/review/{submission.pk}/$"))
    expect(office_page.get_by_text("牵头单位标记“本月无数据”")).to_be_visible()
    return_form = office_page.locator("form").filter(has=office_page.get_by_role("button", name="退回"))
    return_form.locator("textarea[name=reason]").fill(RETURN_REASON)
    return_form.get_by_role("button", name="退回").click()
    expect(office_page.locator(".messages li.success")).to_have_text(
        f"已退回县人社局（原因：{RETURN_REASON}）。"
    )
    assert status_of(submission) == Submission.Status.RETURNED

    # The lead corrects and resubmits; the 本月无数据 mark stays, so nothing needs ticking again.
    page.goto(entry)
    card = row_card(page)
    expect(card.locator("p.error")).to_have_text(f"退回原因：{RETURN_REASON}")
    expect(card.locator("details.parts tbody tr").filter(has_text=SECOND_TOWNSHIP)).to_contain_text(
        f"本月无数据（{NO_DATA_REASON}）"
    )
    fill_row(card, {EMPLOYMENT: MAY_LEAD[EMPLOYMENT]})
    card.get_by_role("button", name="保存并提交本行").click()
    expect(page.locator(".messages li.success")).to_have_text("已保存并提交，等待专班办公室审核。")
    assert status_of(submission) == Submission.Status.SUBMITTED

    # The office approves, the statistics bureau verifies.
    office_page.reload()
    office_page.get_by_role("button", name="审核通过").click()
    expect(office_page.locator(".messages li.success")).to_have_text("已审核通过，等待县统计局核验。")
    assert status_of(submission) == Submission.Status.APPROVED
    statistics_page = new_context().new_page()
    login(statistics_page, "tongji_checker")
    statistics_page.goto(f"{url}/review/{submission.pk}/")
    statistics_page.get_by_role("button", name="核验通过").click()
    expect(statistics_page.locator(".messages li.success")).to_have_text(
        "已核验通过，等待专班办公室整月上报。"
    )
    assert status_of(submission) == Submission.Status.VERIFIED

    # The office forwards May through the confirmation page, closing the rows not ready.
    office_page.goto(f"{url}/review/?year=2023&month=5")
    office_page.get_by_role("link", name="上报本月数据…").click()
    expect(office_page.get_by_role("heading", level=1)).to_have_text("上报确认 · 2023年5月")
    not_ready = TaskRow.objects.filter(project__tier__plan_year=plan_2023).count() - 1
    counts = office_page.locator("#forward-counts")
    expect(counts.locator("dd[data-count=ready]")).to_have_text("1")
    expect(counts.locator("dd[data-count=not_submitted]")).to_have_text(str(not_ready))
    expect(counts.locator("dd[data-count=awaiting_approval]")).to_have_text("0")
    expect(counts.locator("dd[data-count=awaiting_verification]")).to_have_text("0")
    office_page.get_by_label("未就绪的行按未报送处理（截止未报，之后只能补报）").check()
    office_page.get_by_label("原因").fill(CLOSE_REASON)
    screenshot(office_page, "4-confirm")
    office_page.get_by_role("button", name="确认上报").click()
    expect(office_page.locator(".messages li.success")).to_contain_text("已上报1条已核验的报送，本月已截止")
    assert status_of(submission) == Submission.Status.FORWARDED
    assert (
        Submission.objects.filter(reporting_month__month=5, status=Submission.Status.CLOSED).count()
        == not_ready
    )

    # The lead's row is locked now.
    page.goto(entry)
    card = row_card(page)
    expect(card.locator(".badge").first).to_have_text("已报送")
    expect(card.get_by_text("本行已提交或已审核锁定，不能修改。")).to_be_visible()
    expect(card.get_by_label(EMPLOYMENT)).to_be_disabled()
    expect(card.get_by_role("button", name="保存并提交本行")).to_have_count(0)
    screenshot(page, "5-lead-locked")

    # The board: the indicator page and the indicator list.
    total_text, increment_text = f"{MAY_TOTAL}人", f"+{MAY_INCREMENT}"
    office_page.goto(f"{url}/dashboard/indicators/{employment.pk}/?year=2023&month=5")
    expect(office_page.get_by_role("heading", level=1)).to_have_text(EMPLOYMENT)
    summary = office_page.locator("#summary")
    expect(summary.locator(".value")).to_have_text(total_text)
    expect(summary.locator("div").filter(has_text="本月新增").locator("dd")).to_have_text(increment_text)
    may = office_page.locator("#months tr[data-month='5']")
    expect(may.locator("td").nth(0)).to_have_text(total_text)
    expect(may.locator("td").nth(1)).to_have_text(increment_text)
    expect(office_page.locator("#months tr[data-month='4'] td").nth(0)).to_have_text("1100人")
    screenshot(office_page, "6-board-indicator")
    office_page.goto(f"{url}/dashboard/indicators/?year=2023&month=5&tier=provincial")
    line = office_page.locator(f"tr.line[data-indicator='{employment.pk}']")
    expect(line.locator("td[data-label='累计完成']")).to_have_text(total_text)
    expect(line.locator("td[data-label='本月新增']")).to_have_text(increment_text)

    # June is not counted yet: the board falls back to May's figure and says so.
    office_page.goto(f"{url}/dashboard/indicators/{employment.pk}/?year=2023&month=6")
    expect(summary.locator(".value")).to_have_text(f"{total_text}（截至5月）")
    expect(summary).to_contain_text("本月未报送")

    # The review detail page: the total and each unit's part.
    office_page.goto(f"{url}/review/{submission.pk}/")
    totals = office_page.locator("section.card").filter(
        has=office_page.get_by_role("heading", name="指标汇总")
    )
    row = totals.locator("tbody tr").filter(has_text=EMPLOYMENT).first
    expect(row.locator("td").nth(2)).to_have_text(total_text)
    expect(row).to_contain_text(f"{LEAD}：1250 上月累计 1000 · 本月新增 250")
    expect(row).to_contain_text(f"{TOWNSHIP}：150 上月累计 100 · 本月新增 50")
    expect(row.locator("li")).to_have_count(2)  # the township closed as 本月无数据 adds nothing

    # Both Excel files, downloaded through the exports page.
    office_page.goto(f"{url}/exports/?year=2023&month=5")
    with office_page.expect_download() as download:
        office_page.get_by_role("button", name="导出月度调度表").click()
    assert download.value.suggested_filename == "月度调度表-2023年5月.xlsx"
    report = load_workbook(saved(download.value, tmp_path))
    header, rows = table_of(report["调度明细"])
    found = [row for row in rows if row[header["指标"]].value == EMPLOYMENT]
    assert len(found) == 1
    cells = found[0]
    assert cells[header["累计完成"]].value == MAY_TOTAL
    assert cells[header["本月新增"]].value == MAY_INCREMENT
    assert cells[header["待审核数（不计入合计）"]].value is None
    assert cells[header["最近已核验数（月份）"]].value is None
    assert cells[header["审核状态"]].value == "已报送"

    with office_page.expect_download() as download:
        office_page.get_by_role("button", name="导出责任分解表").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    matrix = load_workbook(saved(download.value, tmp_path)).active
    texts = [cell.value for row in matrix.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert any(f"{EMPLOYMENT}4650人" in text for text in texts), "城镇新增就业 and its target are listed"
