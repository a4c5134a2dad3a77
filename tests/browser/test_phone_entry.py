"""A township fills its month on a 375×812 phone: in under six screens, every control big enough to tap,
reachable by keyboard, axe-clean; what it typed survives a lost connection; the desktop still works.

The page heights are printed in the test output (and kept in the assertion messages).
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from reporting.models import Figure
from tests.browser.screens import serious_violations
from tests.roles import EMPLOYMENT, STARTUP_TRAINING, TRAINING

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
SCREEN = 812
TOWNSHIP = "金石桥镇人民政府"
ROW_TITLE = "促进高质量充分就业"
ENTRY = "/report/?year=2023&month=3"
# Set DOCS_SCREENSHOTS=1 to refresh the screenshots the documentation shows.
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

TAP_TARGETS_TOO_SMALL = """() => [...document.querySelectorAll(
    'main a, main button, main select, main textarea, main summary, main input:not([type=hidden])')]
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.width > 0 && box.height > 0)
  .filter(([el, box]) => box.width < 44 || box.height < 44)
  .map(([el, box]) => `${el.tagName} ${el.name || el.textContent.trim().slice(0, 20)}: `
                      + `${box.width}x${box.height}`)"""

LINE_HEIGHT_TOO_SMALL = """() => [...document.querySelectorAll(
    'main p, main label, main li, main h1, main h2, main summary, main dt, main dd, main button, main a')]
  .filter(el => el.getClientRects().length)
  .map(el => [el, getComputedStyle(el)])
  .filter(([el, style]) => parseFloat(style.lineHeight) / parseFloat(style.fontSize) < 1.3
                           || style.lineHeight === 'normal')
  .map(([el, style]) => `${el.tagName} ${el.textContent.trim().slice(0, 20)}: ${style.lineHeight}`)"""


def page_height(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def assert_no_horizontal_scroll(page: Page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width + 1, f"page scrolls sideways at {width}px: scrollWidth={scroll}"


def assert_axe_clean(page: Page) -> None:
    assert serious_violations(page) == []


def report(capsys, text: str) -> None:
    with capsys.disabled():
        print(f"\n{text}")


def keep_for_docs(page: Page, name: str, **options) -> None:
    if os.environ.get("DOCS_SCREENSHOTS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        path = DOCS / name
        page.screenshot(path=str(path), **options)
        assert path.stat().st_size < 400_000, f"{name} is {path.stat().st_size} bytes"


def fill_every_figure(page: Page) -> int:
    """Type 1 in every figure of the township's month (1 fits under every 其中 parent)."""
    fields = page.locator("section.row-card input[name$='-value']:not([disabled])")
    for index in range(fields.count()):
        fields.nth(index).fill("1")
    return fields.count()


@pytest.fixture
def township_user(make_user):
    return make_user("jsq_phone", Role.LIAISON, unit=TOWNSHIP, full_name="金石桥镇联络员")


@pytest.mark.browser_context_args(**PHONE)
def test_a_township_fills_its_month_on_a_phone_in_under_six_screens(
    page: Page, live_server, township_user, login, screenshot, capsys
):
    login(page, "jsq_phone")
    page.goto(f"{live_server.url}{ENTRY}")
    expect(page.get_by_text("本单位数据由牵头单位汇总提交，您无需提交。")).to_be_visible()
    expect(page.locator("details.progress-only > summary")).to_contain_text(
        "本单位在这些事项中只报进展，不填指标数"
    )
    expect(page.locator("details.progress-only")).not_to_have_attribute("open", "")
    opened = page_height(page)
    assert_no_horizontal_scroll(page, 375)
    assert page.evaluate(TAP_TARGETS_TOO_SMALL) == []
    assert page.evaluate(LINE_HEIGHT_TOO_SMALL) == []
    assert_axe_clean(page)
    screenshot(page, "1-opened")

    # The save bar stays on screen half way down the month.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    bar = page.locator(".save-bar button").bounding_box()
    assert bar and 0 <= bar["y"] and bar["y"] + bar["height"] <= SCREEN, bar

    filled = fill_every_figure(page)
    assert filled == 31
    page.locator(".save-bar").get_by_role("button", name="保存").click()
    expect(page.locator(".messages li.success")).to_have_text("已保存。")
    # Back at the row saved; the script drops `saved` from the address, so a reload keeps new drafts.
    expect(page).to_have_url(re.compile(r"/report/\?year=2023&month=3#row-\d+$"))
    saved_card = page.locator("section.row-card.saved")
    expect(saved_card).to_be_in_viewport()
    expect(saved_card.locator(".saved-note")).to_contain_text(
        "已保存本行。本月需要填报的指标数都已填好；本单位数据由牵头单位汇总提交，您无需提交。"
    )
    assert Figure.objects.filter(contribution__unit__name=TOWNSHIP, value=1).count() == 31
    saved = page_height(page)
    assert_no_horizontal_scroll(page, 375)
    assert page.evaluate(TAP_TARGETS_TOO_SMALL) == []
    assert_axe_clean(page)
    screenshot(page, "2-saved")
    page.evaluate("window.scrollTo(0, 0)")
    # Two screens in one picture: the save bar would sit half way down it, so it stays in the flow.
    page.evaluate("document.querySelector('.save-bar').style.position = 'static'")
    keep_for_docs(
        page,
        "entry-township-phone.png",
        full_page=True,
        clip={"x": 0, "y": 0, "width": 375, "height": 2 * SCREEN},
    )

    heights = (
        f"township entry page at 375x812: {opened} px when opened ({opened / SCREEN:.2f} screens), "
        f"{saved} px after saving the month ({saved / SCREEN:.2f} screens)"
    )
    report(capsys, heights)
    assert opened < 6 * SCREEN and saved < 6 * SCREEN, heights


@pytest.mark.browser_context_args(**PHONE)
def test_every_control_is_reached_by_keyboard_with_a_visible_focus(
    page: Page, live_server, township_user, login
):
    login(page, "jsq_phone")
    page.goto(f"{live_server.url}{ENTRY}")
    first = page.locator("section.row-card input[name$='-value']").first
    first_name = first.get_attribute("name")
    for _press in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == first_name:
            break
    else:
        pytest.fail("the first figure is not reached by Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    page.locator(".save-bar button").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messages li.success")).to_have_text("已保存。")


@pytest.mark.browser_context_args(**PHONE)
def test_typed_figures_survive_a_lost_connection(page: Page, live_server, township_user, login):
    login(page, "jsq_phone")
    entry = f"{live_server.url}{ENTRY}"
    page.goto(entry)
    card = page.locator("section.row-card").filter(has_text=ROW_TITLE)
    card.get_by_label(EMPLOYMENT).fill("150")
    card.get_by_label(TRAINING).fill("60")
    page.context.set_offline(True)
    page.locator(".save-bar button").click()
    page.wait_for_load_state()
    page.context.set_offline(False)
    assert not Figure.objects.exists()

    page.goto(entry)
    offer = page.locator("#draft-offer")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("发现未保存的草稿，恢复？")
    expect(offer).to_contain_text(ROW_TITLE)
    card = page.locator("section.row-card").filter(has_text=ROW_TITLE)
    expect(card.get_by_label(EMPLOYMENT)).to_have_value("")
    offer.get_by_role("button", name="恢复").click()
    expect(offer).to_be_hidden()
    expect(card.get_by_label(EMPLOYMENT)).to_have_value("150")
    expect(card.get_by_label(TRAINING)).to_have_value("60")
    expect(card.get_by_label(STARTUP_TRAINING)).to_have_value("")

    page.locator(".save-bar button").click()
    expect(page.locator(".messages li.success")).to_have_text("已保存。")
    assert sorted(Figure.objects.filter(value__isnull=False).values_list("value", flat=True)) == [60, 150]
    page.reload()
    expect(
        page.locator("section.row-card").filter(has_text=ROW_TITLE).get_by_label(EMPLOYMENT)
    ).to_have_value("150")
    expect(page.locator("#draft-offer")).to_be_hidden()  # saved: the draft is gone


@pytest.mark.browser_context_args(**PHONE)
def test_a_draft_can_be_thrown_away(page: Page, live_server, township_user, login):
    login(page, "jsq_phone")
    entry = f"{live_server.url}{ENTRY}"
    page.goto(entry)
    page.locator("section.row-card").filter(has_text=ROW_TITLE).get_by_label(EMPLOYMENT).fill("150")
    page.goto(entry)
    page.locator("#draft-offer").get_by_role("button", name="丢弃").click()
    expect(
        page.locator("section.row-card").filter(has_text=ROW_TITLE).get_by_label(EMPLOYMENT)
    ).to_have_value("")
    page.goto(entry)
    expect(page.locator("#draft-offer")).to_be_hidden()


@pytest.mark.browser_context_args(**PHONE)
def test_logging_out_drops_the_drafts_from_the_phone(page: Page, live_server, township_user, login):
    login(page, "jsq_phone")
    entry = f"{live_server.url}{ENTRY}"
    page.goto(entry)
    page.locator("section.row-card").filter(has_text=ROW_TITLE).get_by_label(EMPLOYMENT).fill("150")
    assert page.evaluate("Object.keys(localStorage).some(k => k.startsWith('minsheng:entry-draft:'))")
    page.locator("summary", has_text="菜单").click()  # on a phone the navigation is folded
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/accounts/(login|logout)/"))
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('minsheng:entry-draft:'))") == []

    login(page, "jsq_phone")
    page.goto(entry)
    expect(page.locator("#draft-offer")).to_be_hidden()


@pytest.mark.browser_context_args(**DESKTOP)
def test_the_township_entry_page_works_on_a_desktop(
    page: Page, live_server, township_user, login, screenshot
):
    login(page, "jsq_phone")
    page.goto(f"{live_server.url}{ENTRY}")
    assert_no_horizontal_scroll(page, 1366)
    card = page.locator("section.row-card").filter(has_text=ROW_TITLE)
    expect(card).to_contain_text("县目标：4650人")
    card.get_by_label(EMPLOYMENT).fill("150")
    card.get_by_label(TRAINING).fill("60")
    card.get_by_label(STARTUP_TRAINING).fill("10")
    page.locator(".save-bar").get_by_role("button", name="保存").click()
    expect(page.locator(".messages li.success")).to_have_text("已保存。")
    saved = page.locator("section.row-card.saved")
    expect(saved).to_contain_text(ROW_TITLE)
    expect(saved.locator(".saved-note")).to_contain_text("还有 18 行未填完：")
    expect(saved.locator(".open-links a").first).to_have_attribute("href", re.compile(r"^#row-\d+$"))
    assert_no_horizontal_scroll(page, 1366)
    assert_axe_clean(page)
    screenshot(page, "saved")
    page.evaluate("window.scrollTo(0, 0)")
    keep_for_docs(page, "entry-township-desktop.png")
