"""Fixtures for the browser tests: Debian's Chromium, users with a known password, login, screenshots.

Every test in this folder drives a real Chromium through Playwright against Django's
`live_server`. Such tests are transactional (the database is flushed afterwards), so
each test restores the bundled plan itself through the `plan_2023` fixture.
"""

import os
import re
import warnings
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from accounts.models import Membership
from projects.models import Unit

# Django refuses ORM calls from a thread running an event loop; Playwright's sync API runs one.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "Browser@Test2023"
HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE.parents[1] / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(config, items):
    """Mark this folder's tests `browser`, and skip them all when Chromium is missing."""
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}; browser tests skipped")
    for item in items:
        if HERE not in Path(item.path).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if not CHROMIUM.exists():
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium; Playwright adds --no-sandbox itself when running as root."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}; browser tests skipped")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM)}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """County staff use Chinese browsers.

    Without a locale Chromium asks for en-US, and Django's own words (weekdays) come out in English.
    """
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def make_user(plan_2023):
    """Create a user with the known password and a Membership, as demo/services.py does."""

    def make(username: str, role: str, unit: str | None = None, full_name: str = ""):
        user = get_user_model().objects.create_user(username, password=PASSWORD, first_name=full_name)
        Membership.objects.create(user=user, role=role, unit=Unit.objects.get(name=unit) if unit else None)
        return user

    return make


@pytest.fixture
def login(live_server):
    """Log in through the real login form at /accounts/login/."""

    def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    return log_in


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot under test-artifacts/screenshots/, named after the test and the step."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")

    def shoot(page: Page, step: str, *, full_page: bool = True) -> Path | None:
        path = SCREENSHOTS / f"{base}--{step}.png"
        try:
            page.screenshot(path=str(path), full_page=full_page)
        except PlaywrightError as exc:
            # An artifact for people, asserted by nothing: Chromium under load sometimes refuses a
            # capture ("Unable to capture screenshot"), which must not fail the behaviour under test.
            warnings.warn(f"screenshot {path.name} not taken: {exc.message}", stacklevel=2)
            return None
        return path

    return shoot
