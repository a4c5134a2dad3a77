"""The caches on Redis (CACHE_URL): out of reach, saving, reviewing and the boards go on without it,
one error line a minute; back, the boards are cached again without a restart (tests/redis_server.py).
"""

import logging

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import cache_guard, data_version
from reporting.models import Submission
from tests.redis_server import CLOSED, WORKING, caches_at
from tests.roles import EMPLOYMENT, TRAINING, client_for
from tests.test_workflow import _act, _post_entry

pytestmark = pytest.mark.django_db

BOARD = "/dashboard/?year=2023&month=3"
VALUES = {EMPLOYMENT: "100", TRAINING: "50", "其中创业培训": "10"}


def board_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(BOARD).status_code == 200
    return len(queries)


def cache_errors(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "core.cache" and r.levelno >= logging.ERROR]


def test_without_redis_figures_are_saved_approved_and_shown_with_one_error_line(
    renshe_liaison, office_user, leader_user, employment_row, march, caplog
):
    liaison, office, leader = (client_for(user) for user in (renshe_liaison, office_user, leader_user))
    with caches_at(CLOSED), caplog.at_level(logging.ERROR, logger="core.cache"):
        assert _post_entry(liaison, employment_row, march, VALUES).status_code == 302
        assert _post_entry(liaison, employment_row, march, VALUES, submit=True).status_code == 302
        submission = Submission.objects.get(task_row=employment_row, reporting_month=march)
        assert submission.status == Submission.Status.SUBMITTED
        assert _act(office, submission, "approve").status_code == 302
        submission.refresh_from_db()
        assert submission.status == Submission.Status.APPROVED
        for _ in range(10):
            response = leader.get(BOARD)
            assert response.status_code == 200
            assert "驾驶舱" in response.content.decode()
        # Each page has asked again (no cache to serve it): as many queries the tenth time as the first.
        assert board_queries(leader) > 8

    assert len(cache_errors(caplog)) == 1
    assert "unavailable" in cache_errors(caplog)[0].getMessage()


def test_the_error_is_said_again_after_a_minute(leader_user, caplog, monkeypatch):
    monkeypatch.setattr(cache_guard, "RETRY_SECONDS", 0)  # each request asks the server again
    leader = client_for(leader_user)
    with caches_at(CLOSED), caplog.at_level(logging.ERROR, logger="core.cache"):
        leader.get(BOARD)
        leader.get(BOARD)
        assert len(cache_errors(caplog)) == 1
        monkeypatch.setattr(cache_guard, "LOG_INTERVAL", 0)
        leader.get(BOARD)
    records = cache_errors(caplog)
    assert len(records) == 2
    assert "more failures since last said" in records[1].getMessage()


def test_a_board_is_cached_on_redis(working_redis, leader_user):
    leader = client_for(leader_user)
    with caches_at(WORKING):
        computed = board_queries(leader)
        cached = board_queries(leader)
    assert cached <= 7 < computed


def test_redis_back_serves_the_boards_from_the_cache_again_without_a_restart(
    working_redis, leader_user, monkeypatch
):
    leader = client_for(leader_user)
    with caches_at(CLOSED):
        leader.get(BOARD)
    # The server back (the same settings, as when Redis restarts under a running application).
    with caches_at(WORKING):
        # For RETRY_SECONDS after the failure the cache is left alone: computed, not stored.
        assert board_queries(leader) > 8
        assert board_queries(leader) > 8
        later = cache_guard.monotonic() + cache_guard.RETRY_SECONDS
        monkeypatch.setattr(cache_guard, "monotonic", lambda: later)
        computed = board_queries(leader)
        cached = board_queries(leader)
    assert cached <= 7 < computed


def test_a_renewal_lost_while_redis_was_away_is_written_before_any_page_is_served(
    working_redis, plan_2023, leader_user, monkeypatch
):
    """A page cached before a write whose renewal failed must not be served once Redis is back."""
    monkeypatch.setattr(cache_guard, "RETRY_SECONDS", 0)
    leader = client_for(leader_user)
    with caches_at(WORKING):
        leader.get(BOARD)  # cached under the token of the data before the write
        before = caches["data_version"].get(data_version.CACHE_KEY)
    with caches_at(CLOSED):
        data_version.renew()  # a write while Redis cannot be reached
        assert data_version.renewal_owed()
        assert data_version.current() is None  # nothing served from or stored in the cache
    with caches_at(WORKING):
        assert caches["data_version"].get(data_version.CACHE_KEY) == before  # the page is still there
        assert board_queries(leader) > 8  # but computed again: the renewal was written first
        assert not data_version.renewal_owed()
        assert caches["data_version"].get(data_version.CACHE_KEY) != before
        assert board_queries(leader) <= 7


def test_a_renewal_that_fails_while_another_succeeds_stays_owed(monkeypatch):
    """Two threads: the success was written before the failed write committed, so it settles nothing."""
    monkeypatch.setattr(cache_guard, "RETRY_SECONDS", 0)
    real = cache_guard.attempt
    calls = []

    def interleaved(alias, operation):
        calls.append(alias)
        if len(calls) == 1:  # the first renewal is being written when another fails
            with caches_at(CLOSED):
                data_version.renew()
        return real(alias, operation)

    monkeypatch.setattr(cache_guard, "attempt", interleaved)
    data_version.renew()
    monkeypatch.setattr(cache_guard, "attempt", real)
    assert data_version.renewal_owed()
    assert data_version.current() is not None  # the next read writes the renewal owed
    assert not data_version.renewal_owed()
