"""In a real Chromium: no page or admin screen breaks the Content-Security-Policy, and a new account
must choose its own password before it sees anything."""

import re

from playwright.sync_api import Page, expect

from accounts.models import PasswordState, Role
from demo.services import _office_group
from tests.browser.conftest import PASSWORD

NEW_PASSWORD = "Longhui-Minsheng9"


def csp_violations(page: Page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return found


def test_no_page_breaks_the_content_security_policy(page: Page, live_server, make_user, login, screenshot):
    office = make_user("csp_office", Role.OFFICE, unit="县人社局", full_name="罗国良")
    office.is_staff = True
    office.save()
    office.groups.add(_office_group())
    violations = csp_violations(page)
    login(page, "csp_office")
    for path in (
        "/review/?year=2023&month=3",
        "/dashboard/?year=2023",
        "/exports/",
        "/admin/",
        "/admin/projects/indicator/",
        "/admin/projects/unit/1/change/",
        "/admin/reporting/figure/",
        "/accounts/password/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "'self'" in response.headers["content-security-policy"]
    screenshot(page, "password-page-under-csp")
    assert violations == []


def test_a_new_account_chooses_its_password_before_anything_else(
    page: Page, live_server, make_user, login, screenshot
):
    liaison = make_user("new_liaison", Role.LIAISON, unit="县人社局", full_name="新联络员")
    PasswordState.objects.create(user=liaison, must_change=True)
    login(page, "new_liaison")
    expect(page).to_have_url(re.compile(r"/accounts/password/$"))
    page.goto(f"{live_server.url}/report/")
    expect(page).to_have_url(re.compile(r"/accounts/password/$"))
    expect(page.get_by_text("这是您首次登录或密码已被管理员重置")).to_be_visible()
    screenshot(page, "first-login")

    page.get_by_label("原密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill("short")
    page.get_by_label("再次输入新密码").fill("short")
    page.get_by_role("button", name="修改密码").click()
    expect(page.locator(".error").first).to_be_visible()

    page.get_by_label("原密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_role("heading", name="密码已修改")).to_be_visible()

    page.goto(f"{live_server.url}/report/")
    expect(page).to_have_url(re.compile(r"/report/"))
    assert not PasswordState.objects.get(user=liaison).must_change
