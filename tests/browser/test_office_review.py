"""The task-force office reviews a submitted row: returns it, approves the resubmission; the
statistics bureau verifies it; the office forwards the month through its confirmation page."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from projects.models import TaskRow, Unit
from reporting.calendar.deadlines import ensure_reporting_months
from reporting.forms import field_name, read_sheet
from reporting.models import ReviewEvent, Submission
from reporting.selectors import entry_sheet
from reporting.workflow import data_entry
from tests.roles import submit_row

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
ROW_TITLE = "促进高质量充分就业"
REASON = "请补充创业培训的进展情况。"
CLOSE_REASON = "按时未报单位按未报送处理"


def enter_figures(user, unit_name: str, reporting_month, task_row: TaskRow, values: dict[str, str], **texts):
    """Save one row of a unit's monthly sheet exactly as the 本月填报 page does."""
    unit = Unit.objects.get(name=unit_name)
    sheet = entry_sheet(unit=unit, reporting_month=reporting_month)
    row = next(item for item in sheet if item.task_row.pk == task_row.pk)
    data = {field_name(task_row.pk, "version"): str(row.version)}
    data.update({field_name(task_row.pk, name): value for name, value in texts.items()})
    by_name = {indicator.name: indicator for indicator in row.indicators}
    for name, value in values.items():
        data[field_name(task_row.pk, "value", by_name[name].pk)] = value
    results = data_entry.save_month_sheet(
        user=user, unit=unit, reporting_month=reporting_month, entries=read_sheet(sheet, data)
    )
    assert all(result.ok for result in results.values()), {k: r.errors for k, r in results.items()}


def status_of(submission: Submission) -> str:
    submission.refresh_from_db()
    return submission.status


@pytest.mark.browser_context_args(**DESKTOP)
def test_office_returns_approves_and_forwards(
    page: Page, new_context, live_server, plan_2023, make_user, login, screenshot
):
    liaison = make_user("renshe_liaison", Role.LIAISON, unit="县人社局", full_name="县人社局联络员")
    township = make_user("jsq_liaison", Role.LIAISON, unit="金石桥镇人民政府", full_name="金石桥镇联络员")
    make_user("zhuanban_office", Role.OFFICE, unit="县人社局", full_name="罗国良")
    make_user("tongji_checker", Role.STATISTICS, unit="县统计局", full_name="县统计局审核员")
    march = next(month for month in ensure_reporting_months(plan_year=plan_2023) if month.month == 3)
    task_row = TaskRow.objects.get(
        project__tier__plan_year=plan_2023, project__title=ROW_TITLE, lead_unit__name="县人社局"
    )

    enter_figures(
        township,
        "金石桥镇人民政府",
        march,
        task_row,
        {"城镇新增就业": "150", "补贴性职业技能培训": "60"},
        progress="镇里开展了两期培训。",
    )
    enter_figures(
        liaison,
        "县人社局",
        march,
        task_row,
        {"城镇新增就业": "1200", "补贴性职业技能培训": "800", "其中创业培训": "200"},
        funds="35.5",
        progress="按计划推进。",
    )
    submission = Submission.objects.get(reporting_month=march, task_row=task_row)
    submit_row(user=liaison, submission_id=submission.pk)
    assert status_of(submission) == Submission.Status.SUBMITTED

    # The office opens the month's list and the row.
    login(page, "zhuanban_office")
    expect(page.get_by_role("heading", level=1)).to_have_text("专班办公室的待办")  # the to-do landing
    page.goto(f"{live_server.url}/review/?year=2023&month=3")
    expect(page.get_by_role("heading", level=1)).to_have_text("审核报送 · 2023年3月")
    listed = page.locator("table tbody tr").filter(has_text=ROW_TITLE)
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("县人社局")
    expect(listed.locator(".badge")).to_have_text("已提交")
    screenshot(page, "1-list")
    listed.get_by_role("link", name=re.compile(ROW_TITLE)).click()
    expect(page).to_have_url(re.compile(rf"/review/{submission.pk}/$"))

    totals = page.locator("section.card").filter(has=page.get_by_role("heading", name="指标汇总"))
    employment = totals.locator("tbody tr").filter(has_text="城镇新增就业")
    expect(employment.locator("td").nth(2)).to_have_text("1350人")
    expect(employment).to_contain_text("县人社局：1200")
    expect(employment).to_contain_text("金石桥镇人民政府：150")
    expect(
        totals.locator("tbody tr").filter(has_text="补贴性职业技能培训").locator("td").nth(2)
    ).to_have_text("860人次")
    expect(totals.locator("tbody tr").filter(has_text="其中创业培训").locator("td").nth(2)).to_have_text(
        "200人次"
    )
    screenshot(page, "2-detail")

    # Return it with a reason.
    return_form = page.locator("form").filter(has=page.get_by_role("button", name="退回"))
    return_form.locator("textarea[name=reason]").fill(REASON)
    return_form.get_by_role("button", name="退回").click()
    expect(page.locator(".messages li.success")).to_have_text(f"已退回县人社局（原因：{REASON}）。")
    expect(page.locator("section.card").first.locator(".badge")).to_have_text("已退回")
    expect(page.get_by_text(f"退回原因：{REASON}")).to_be_visible()
    assert status_of(submission) == Submission.Status.RETURNED
    assert submission.return_reason == REASON
    screenshot(page, "3-returned")

    # The liaison corrects and resubmits.
    enter_figures(
        liaison,
        "县人社局",
        march,
        task_row,
        {"城镇新增就业": "1250", "补贴性职业技能培训": "800", "其中创业培训": "200"},
        funds="35.5",
        progress="按计划推进；创业培训已开班两期。",
    )
    submit_row(user=liaison, submission_id=submission.pk)
    assert status_of(submission) == Submission.Status.SUBMITTED

    page.reload()
    expect(page.locator("section.card").first.locator(".badge")).to_have_text("已提交")
    changes = page.locator("section.card").filter(
        has=page.get_by_role("heading", name="与上次审核版本相比的变化")
    )
    expect(changes.locator("tbody tr").filter(has_text="城镇新增就业")).to_contain_text("1250")
    expect(employment.locator("td").nth(2)).to_have_text("1400人")
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".messages li.success")).to_have_text("已审核通过，等待县统计局核验。")
    expect(page.locator("section.card").first.locator(".badge")).to_have_text("已审核")
    expect(page.get_by_role("button", name="审核通过")).to_have_count(0)
    assert status_of(submission) == Submission.Status.APPROVED
    screenshot(page, "4-approved")

    # The statistics bureau verifies.
    statistics_page = new_context().new_page()
    login(statistics_page, "tongji_checker")
    statistics_page.goto(f"{live_server.url}/review/{submission.pk}/")
    statistics_page.get_by_role("button", name="核验通过").click()
    expect(statistics_page.locator(".messages li.success")).to_have_text(
        "已核验通过，等待专班办公室整月上报。"
    )
    expect(statistics_page.locator("section.card").first.locator(".badge")).to_have_text("已核验")
    assert status_of(submission) == Submission.Status.VERIFIED
    screenshot(statistics_page, "5-verified")

    # The office forwards the month through the confirmation page, closing the rows not ready.
    page.goto(f"{live_server.url}/review/?year=2023&month=3")
    page.get_by_role("link", name="上报本月数据…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("上报确认 · 2023年3月")
    not_ready = TaskRow.objects.filter(project__tier__plan_year=plan_2023).count() - 1
    counts = page.locator("#forward-counts")
    expect(counts.locator("dd[data-count=ready]")).to_have_text("1")
    expect(counts.locator("dd[data-count=not_submitted]")).to_have_text(str(not_ready))
    expect(counts.locator("dd[data-count=awaiting_approval]")).to_have_text("0")
    expect(counts.locator("dd[data-count=awaiting_verification]")).to_have_text("0")
    ready = page.locator("section.card").filter(has=page.get_by_role("heading", name="将上报（1）"))
    expect(ready).to_contain_text(f"县人社局：{task_row}")
    screenshot(page, "6-confirm")

    page.get_by_role("button", name="确认上报").click()  # rows not ready need the explicit choice
    expect(page.locator(".messages li.error")).to_contain_text(f"本月还有{not_ready}行未就绪。")
    assert status_of(submission) == Submission.Status.VERIFIED
    page.get_by_label("未就绪的行按未报送处理（截止未报，之后只能补报）").check()
    page.get_by_label("原因").fill(CLOSE_REASON)
    page.get_by_role("button", name="确认上报").click()
    expect(page.locator(".messages li.success")).to_have_text(
        f"已上报1条已核验的报送，本月已截止，数据已锁定。另有{not_ready}行按未报送处理，如需补报由专班办公室开放。"
    )
    expect(page).to_have_url(re.compile(r"/review/\?year=2023&month=3$"))
    expect(page.get_by_text(f"处理说明：{CLOSE_REASON}")).to_be_visible()
    expect(page.locator("table tbody tr").filter(has_text=ROW_TITLE).locator(".badge")).to_have_text("已报送")
    assert status_of(submission) == Submission.Status.FORWARDED
    assert list(submission.events.order_by("at", "pk").values_list("action", flat=True)) == [
        ReviewEvent.Action.SUBMIT,
        ReviewEvent.Action.RETURN,
        ReviewEvent.Action.SUBMIT,
        ReviewEvent.Action.APPROVE,
        ReviewEvent.Action.VERIFY,
        ReviewEvent.Action.FORWARD,
    ]
    closed = Submission.objects.filter(reporting_month=march, status=Submission.Status.CLOSED)
    assert closed.count() == not_ready
    screenshot(page, "7-forwarded")
