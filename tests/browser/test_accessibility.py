"""Every page people use passes axe-core with no serious or critical violation, phone and desktop.

The office sees the most pages (boards, review, exports, evaluation, beneficiaries); each other
role's landing is checked too, and the login page before anyone logs in.
"""

import time

import pytest

from accounts.passwords import DEMO_PASSWORD
from tests.browser.screens import (
    ROLES,
    VIEWPORTS,
    board_pages,
    demo_year,
    other_pages,
    review_pages,
    serious_violations,
)


@pytest.fixture
def year(transactional_db):
    return demo_year()


def check(page, base: str, pages: dict[str, str], sizes=tuple(VIEWPORTS)) -> dict[str, list[str]]:
    found = {}
    for size in sizes:
        viewport = VIEWPORTS[size]
        page.set_viewport_size(viewport)
        for name, address in pages.items():
            page.goto(base + address)
            if violations := serious_violations(page):
                found[f"{size} {name}"] = violations
    return found


def test_it_finds_no_serious_violation_on_the_login_page(new_context, live_server, year):
    page = new_context().new_page()

    assert not check(page, live_server.url, {"login": "/accounts/login/"})


def test_it_finds_no_serious_violation_on_the_offices_pages(new_context, live_server, year, login):
    page = new_context(viewport=VIEWPORTS["desktop"]).new_page()
    login(page, ROLES["office"].username, DEMO_PASSWORD)
    pages = {"landing": "/", **review_pages(), **board_pages()}
    others = other_pages()  # laid out as on any page; checked on the phone, where tables scroll
    started = time.monotonic()

    found = check(page, live_server.url, pages) | check(page, live_server.url, others, sizes=("phone",))

    print(f"\naxe-core: {2 * len(pages) + len(others)} office pages in {time.monotonic() - started:.1f}s")
    assert not found, found


@pytest.mark.parametrize("role", ["leader", "statistics", "liaison"])
def test_it_finds_no_serious_violation_on_each_roles_landing(role, new_context, live_server, year, login):
    page = new_context(viewport=VIEWPORTS["desktop"]).new_page()
    login(page, ROLES[role].username, DEMO_PASSWORD)

    assert not check(page, live_server.url, {"landing": ROLES[role].landing})
