"""After a return, the liaison's landing lists the returned row with its reason; the link opens the
row on the entry page. On a phone and a desktop, without sideways scrolling."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from projects.models import TaskRow
from reporting.calendar.deadlines import ensure_reporting_months
from reporting.models import Submission
from reporting.workflow import review
from tests.roles import fill_employment, submit_row

REASON = "请补充创业培训的进展情况。"
SIZES = {
    "phone": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}


@pytest.mark.parametrize("size", list(SIZES))
def test_a_liaison_finds_the_returned_row_and_its_reason_on_the_landing(
    size, new_context, live_server, plan_2023, make_user, login, screenshot
):
    liaison = make_user("renshe_liaison", Role.LIAISON, unit="县人社局", full_name="县人社局联络员")
    office = make_user("zhuanban_office", Role.OFFICE, unit="县人社局", full_name="罗国良")
    march = ensure_reporting_months(plan_year=plan_2023)[2]
    task_row = TaskRow.objects.get(
        project__tier__plan_year=plan_2023, project__title="促进高质量充分就业", lead_unit__name="县人社局"
    )
    fill_employment(liaison, task_row, march)
    submission = Submission.objects.get(reporting_month=march, task_row=task_row)
    submit_row(user=liaison, submission_id=submission.pk)
    review.return_submission(user=office, submission_id=submission.pk, reason=REASON)

    page: Page = new_context(**SIZES[size]).new_page()
    login(page, "renshe_liaison")
    expect(page.get_by_role("heading", level=1)).to_contain_text("县人社局的待办")
    returned = page.locator(".todo-section").filter(
        has=page.get_by_role("heading", name=re.compile("被退回待修改"))
    )
    expect(returned.get_by_role("heading")).to_have_text("被退回待修改（1）")
    item = returned.locator("li")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"退回原因：{REASON}")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["viewport"]["width"] + 1
    link = item.get_by_role("link", name="2023年3月 · 省定民生实事 3.促进高质量充分就业")
    box = link.bounding_box()
    assert box is not None and box["height"] >= 44, box  # a finger-sized target
    screenshot(page, f"landing-{size}")

    link.click()
    expect(page).to_have_url(re.compile(rf"/report/\?year=2023&month=3#row-{task_row.pk}$"))
    card = page.locator(f"#row-{task_row.pk}")
    expect(card).to_contain_text(f"退回原因：{REASON}")
    expect(card.locator(".badge").first).to_have_text("已退回")
