"""Each role's landing, the review list and every board, on a 375 px phone and a 1366 px desktop.

Nothing scrolls the page sideways; a table wider than its box scrolls inside a box that says so
("左右滑动查看更多列"); on the phone every link, button and field is at least 44×44 px and the
navigation, month picker and tabs leave most of the first screen to the content.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.passwords import DEMO_PASSWORD
from tests.browser.screens import (
    ROLES,
    VIEWPORTS,
    board_pages,
    chrome_share,
    demo_year,
    focus_outline,
    horizontal_overflow,
    review_pages,
    small_targets,
    table_problems,
    tight_lines,
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def year(transactional_db):
    return demo_year()


def pages_of(role: str) -> dict[str, str]:
    pages = {"landing": ROLES[role].landing}
    if role in ("office", "statistics"):
        pages.update(review_pages())
    if role in ("leader", "office"):
        pages.update(board_pages())
    return pages


def layout_problems(page, *, phone: bool) -> list[str]:
    problems = []
    if (overflow := horizontal_overflow(page)) > 0:
        problems.append(f"the page scrolls sideways by {overflow}px")
    problems += table_problems(page)
    if phone:
        problems += [f"tap target {t['width']}×{t['height']}px: {t['text']}" for t in small_targets(page)]
    return problems


@pytest.mark.parametrize("role", list(ROLES))
def test_it_fits_each_roles_pages_on_a_phone_and_a_desktop(role, new_context, live_server, year, login):
    page = new_context(viewport=VIEWPORTS["phone"]).new_page()
    login(page, ROLES[role].username, DEMO_PASSWORD)
    pages = pages_of(role)
    found = {}
    for size, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        for name, address in pages.items():
            page.goto(live_server.url + address)
            if problems := layout_problems(page, phone=size == "phone"):
                found[f"{size} {name}"] = problems[:6]
    assert not found, found


def test_it_leaves_the_first_phone_screen_to_the_board(new_context, live_server, year, login):
    page = new_context(viewport=VIEWPORTS["phone"]).new_page()
    login(page, ROLES["office"].username, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/dashboard/?year=2023&month=8")

    share = chrome_share(page)

    print(f"\nnavigation + picker + tabs: {share:.0%} of the first phone screen")
    assert share < 0.3
    expect(page.locator("header.top").get_by_role("link", name="审核报送")).to_be_hidden()
    page.locator("header.top summary").click()
    expect(page.locator("header.top").get_by_role("link", name="审核报送")).to_be_visible()


def test_it_keeps_the_large_text_choice(new_context, live_server, year, login):
    page = new_context(viewport=VIEWPORTS["phone"]).new_page()
    login(page, ROLES["office"].username, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/review/?year=2023&month=9")
    before = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")

    page.get_by_role("button", name="大字").click()

    page.goto(f"{live_server.url}/dashboard/?year=2023&month=8")
    expect(page.locator("html")).to_have_class("large-text")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= before * 1.2
    assert not layout_problems(page, phone=True)
    page.get_by_role("button", name="标准字").click()
    expect(page.locator("html")).not_to_have_class("large-text")


def test_it_spaces_lines_and_shows_the_keyboard_focus(new_context, live_server, year, login):
    page = new_context(viewport=VIEWPORTS["desktop"]).new_page()
    login(page, ROLES["office"].username, DEMO_PASSWORD)
    for address in ("/dashboard/?year=2023&month=8", "/review/?year=2023&month=9"):
        page.goto(live_server.url + address)
        assert tight_lines(page) == [], address

    outlines = []
    for _ in range(6):
        page.keyboard.press("Tab")
        outlines.append(focus_outline(page))

    assert min(outlines) >= 2, outlines


def shots_of(role: str) -> dict[str, str]:
    shots = {f"landing-{role}": ROLES[role].landing}
    if role == "office":
        boards = board_pages()
        shots |= {f"board-{name}": boards[name] for name in ("overview", "units", "timeliness")}
    return shots


@pytest.mark.skipif(not os.environ.get("SCREENSHOTS"), reason="set SCREENSHOTS=1 to write docs/screenshots/")
@pytest.mark.parametrize("role", list(ROLES))
def test_it_writes_the_screenshots(role, new_context, live_server, year, login):
    """Each role's landing (and the office's boards) at both sizes: one desktop screen, at most
    four phone screens, into docs/screenshots/NAME-phone.png and NAME-desktop.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = new_context(viewport=VIEWPORTS["phone"], device_scale_factor=1).new_page()
    login(page, ROLES[role].username, DEMO_PASSWORD)
    for size, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        for name, address in shots_of(role).items():
            page.goto(live_server.url + address)
            path = SCREENSHOTS / f"{name}-{size}.png"
            if size == "phone":
                height = min(page.evaluate("document.scrollingElement.scrollHeight"), 4 * viewport["height"])
                clip = {"x": 0, "y": 0, "width": viewport["width"], "height": height}
                page.screenshot(path=str(path), full_page=True, clip=clip)
            else:
                page.screenshot(path=str(path))
            assert path.stat().st_size < 400_000, path
