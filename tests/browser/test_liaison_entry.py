"""On a phone a liaison enters the month's figures: an of-which error, the fix, then submitting the row,
closing first the part the township has not filled as 本月无数据."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from projects.models import TaskRow
from reporting.models import Figure, Submission

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
ROW_TITLE = "促进高质量充分就业"
TOWNSHIP = "金石桥镇人民政府"
NO_DATA_REASON = "本镇本月无新增就业数据。"
SUBSET_ERROR = "“其中”数900不能大于“补贴性职业技能培训”的800。"


def assert_no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, f"page scrolls sideways at 375px: scrollWidth={width}"


def figures_of(row: TaskRow) -> dict[str, object]:
    return {
        figure.indicator.name: figure.value
        for figure in Figure.objects.filter(contribution__submission__task_row=row).select_related(
            "indicator"
        )
    }


@pytest.mark.browser_context_args(**PHONE)
def test_liaison_enters_corrects_and_submits_on_a_phone(
    page: Page, live_server, make_user, login, screenshot
):
    make_user("renshe_liaison", Role.LIAISON, unit="县人社局", full_name="县人社局联络员")
    task_row = TaskRow.objects.get(
        project__tier__plan_year__year=2023, project__title=ROW_TITLE, lead_unit__name="县人社局"
    )

    login(page, "renshe_liaison")
    expect(page.get_by_role("heading", level=1)).to_contain_text("县人社局的待办")  # the to-do landing
    page.locator("summary", has_text="菜单").click()  # on a phone the navigation is folded
    page.get_by_role("navigation").get_by_role("link", name=re.compile("^本月填报")).click()
    expect(page).to_have_url(re.compile(r"/report/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("本月填报 · 县人社局")

    page.get_by_label("月份").select_option(label="2023年3月")
    page.get_by_role("button", name="切换").click()
    expect(page).to_have_url(re.compile(r"/report/\?year=2023&month=3$"))
    expect(page.get_by_text("2023年3月数据，统计截至当月20日。")).to_be_visible()
    deadline = page.locator(".schedule div").filter(has_text="牵头单位报送截止").locator("dd")
    expect(deadline).to_have_text("3月21日（星期二）")
    assert_no_horizontal_scroll(page)
    screenshot(page, "1-sheet")

    row = page.locator("section.row-card").filter(has_text=ROW_TITLE)
    expect(row).to_have_count(1)
    expect(row.locator(".badge")).to_have_text("草稿")
    employment = row.get_by_label("城镇新增就业")
    training = row.get_by_label("补贴性职业技能培训")
    startup = row.get_by_label("其中创业培训")

    employment.fill("1200")
    training.fill("800")
    startup.fill("900")
    page.get_by_role("button", name="保存", exact=True).click()

    row = page.locator("section.row-card").filter(has_text=ROW_TITLE)
    expect(page.locator(".messages li.error")).to_contain_text("有数据未通过校验，本次未保存任何内容")
    expect(row.locator(".field.has-error .error")).to_have_text(SUBSET_ERROR)
    expect(row.get_by_label("城镇新增就业")).to_have_value("1200")
    expect(row.get_by_label("补贴性职业技能培训")).to_have_value("800")
    expect(row.get_by_label("其中创业培训")).to_have_value("900")
    assert not Submission.objects.filter(reporting_month__month=3).exists()
    assert not Figure.objects.exists()
    assert_no_horizontal_scroll(page)
    screenshot(page, "2-subset-error")
    row.locator(".field.has-error").scroll_into_view_if_needed()
    screenshot(page, "2-subset-error-viewport", full_page=False)

    row.get_by_label("其中创业培训").fill("200")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages li.success")).to_have_text("已保存。")
    expect(page).to_have_url(re.compile(rf"/report/\?year=2023&month=3#row-{task_row.pk}$"))
    row = page.locator("section.row-card").filter(has_text=ROW_TITLE)
    expect(row.get_by_label("其中创业培训")).to_have_value("200")
    expect(row.locator(".error")).to_have_count(0)
    assert figures_of(task_row) == {"城镇新增就业": 1200, "补贴性职业技能培训": 800, "其中创业培训": 200}
    assert (
        Submission.objects.get(task_row=task_row, reporting_month__month=3).status == Submission.Status.DRAFT
    )
    screenshot(page, "3-saved")

    # The township has not filled its part: the lead sees it inline and cannot submit yet.
    parts = row.locator("details.parts")
    expect(parts.locator("summary")).to_contain_text("各责任单位填报情况：已填报 0/1")
    expect(parts).to_have_attribute("open", "")
    township_part = parts.locator("tbody tr").filter(has_text=TOWNSHIP)
    expect(township_part).to_contain_text("未填报")
    row.get_by_role("button", name="保存并提交本行").click()
    expect(page.locator(".messages li.error")).to_have_text(
        f"已保存，但未能提交：以下责任单位尚未填报本行：{TOWNSHIP}。"
        "请等待其填报，或为每个单位勾选“本月无数据”并填写原因后再提交。"
    )
    assert (
        Submission.objects.get(task_row=task_row, reporting_month__month=3).status == Submission.Status.DRAFT
    )

    # The lead closes the township's part as 本月无数据 with a reason, then submits.
    row = page.locator("section.row-card").filter(has_text=ROW_TITLE)
    township_part = row.locator("details.parts tbody tr").filter(has_text=TOWNSHIP)
    township_part.get_by_role("checkbox", name="本月无数据").check()
    township_part.get_by_label("原因").fill(NO_DATA_REASON)
    assert_no_horizontal_scroll(page)
    screenshot(page, "4-no-data")
    row.get_by_role("button", name="保存并提交本行").click()
    expect(page.locator(".messages li.success")).to_have_text("已保存并提交，等待专班办公室审核。")
    row = page.locator("section.row-card").filter(has_text=ROW_TITLE)
    expect(row.locator(".badge")).to_have_text("已提交")
    for name in ("城镇新增就业", "补贴性职业技能培训", "其中创业培训"):
        expect(row.get_by_label(name)).to_be_disabled()
    expect(row.get_by_role("button", name="保存并提交本行")).to_have_count(0)
    submission = Submission.objects.get(task_row=task_row, reporting_month__month=3)
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.submitted_at is not None
    closed = submission.contributions.get(unit__name=TOWNSHIP)
    assert closed.no_data_reason == NO_DATA_REASON
    expect(row.locator("details.parts tbody tr").filter(has_text=TOWNSHIP)).to_contain_text(
        f"本月无数据（{NO_DATA_REASON}）"
    )
    assert_no_horizontal_scroll(page)
    screenshot(page, "5-submitted")
