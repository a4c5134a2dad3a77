"""Fixtures for every test: the bundled plan, loaded once per test database, and the run's order.

Transactional tests (`transaction=True`, `live_server`) commit for real and Django flushes the
database after each of them, so they run last; tests/database.py holds the plan and its snapshot.
"""

from pathlib import Path

import pytest
from django.core.cache import caches

from core import cache_guard, data_version
from projects.models import PlanYear
from tests.database import Session, load_bundled_plan, session_plan

BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


def pytest_configure(config):
    # The role, plan-row and month fixtures of tests/roles.py and the beneficiary-list fixtures of
    # tests/beneficiaries.py, the Redis fixture of tests/redis_server.py and the API clients of
    # tests/api_clients.py, registered once for every
    # test module: a module imports only the helpers it calls, never a fixture.
    config.pluginmanager.import_plugin("tests.roles")
    config.pluginmanager.import_plugin("tests.beneficiaries")
    config.pluginmanager.import_plugin("tests.redis_server")
    config.pluginmanager.import_plugin("tests.api_clients")


def is_transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs this test in committed transactions, flushing the database after."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    fixtures = getattr(item, "fixturenames", ())
    return "transactional_db" in fixtures or "live_server" in fixtures


def _is_browser_test(item: pytest.Item) -> bool:
    return BROWSER_TESTS in Path(item.path).resolve().parents


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Refuse a `page` argument outside the browser tests, and run transactional tests last.

    pytest-playwright treats every test that asks for `page` as a browser test and parametrises
    it with a session-scoped browser name; pytest then regroups those tests, which moved flushing
    browser tests into the middle of the run. pytest-django orders transactional tests last
    (tryfirst); this sort (stable) runs after every other plugin's reordering and restores it.
    Under pytest-xdist each worker receives its tests in this order.
    """
    strays = [item.nodeid for item in items if "page" in item.fixturenames and not _is_browser_test(item)]
    if strays:
        raise pytest.UsageError(
            "Only tests under tests/browser/ may take an argument named `page` (pytest-playwright's "
            "browser page); name it `screen` or `url` instead: " + ", ".join(strays[:5])
        )
    items.sort(key=lambda item: (is_transactional(item), _is_browser_test(item)))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if is_transactional(item):
        Session.flushed_by = item.nodeid


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if Session.loads:  # under pytest-xdist, the workers' summaries are not shown
        terminalreporter.write_line(
            f"bundled plan: loaded {Session.loads}x, restored {Session.restores}x for transactional tests"
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the bundled plan once; each test then runs inside a rolled-back transaction."""
    with django_db_blocker.unblock():
        load_bundled_plan()


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test's database rolls back, but a cache does not: a page cached by one test under some
    data version must not be served to the next, whose data may differ. Nor does a cache failure
    remembered by the process (core.cache_guard, a renewal owed)."""
    cache_guard.reset()
    data_version.forget_debt()
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def plan_2023(request, db) -> PlanYear:
    """The bundled 2023 plan, loaded exactly as `make run` loads it, with the year's twelve months.

    A transactional test finds the database flushed by the one before it and restores the
    session's snapshot (its own data; the flush after it cleans up). Any other test that finds
    the plan gone fails and names the test that flushed it: reloading here would cost every
    later test seconds, silently.
    """
    return session_plan(transactional=is_transactional(request.node))
