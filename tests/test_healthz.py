"""/healthz for the load balancer: JSON, no login, no cookie, never cached; answered in every state."""

import pytest
from django.db import connection
from django.test import Client, override_settings

from accounts import checks
from core import cache_guard, data_version
from tests.redis_server import CLOSED, WORKING, caches_at
from tests.test_faults import database_down

pytestmark = pytest.mark.django_db


def healthz(**extra):
    return Client(raise_request_exception=False).get("/healthz", **extra)


def assert_plain_health_answer(response) -> None:
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    assert "Set-Cookie" not in response


def test_it_answers_ok_without_a_login_a_session_or_a_cookie(django_assert_max_num_queries):
    with django_assert_max_num_queries(1):  # SELECT 1: no session, user or audit row
        response = healthz()
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert_plain_health_answer(response)


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["minsheng.longhui.gov.cn"])
def test_it_answers_the_balancer_asking_by_address_over_plain_http():
    response = healthz(HTTP_HOST="10.20.0.11:8000")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}


def test_it_answers_503_in_json_when_the_database_is_down():
    with connection.execute_wrapper(database_down):
        response = healthz()
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "cache": "ok"}
    assert_plain_health_answer(response)


def test_it_answers_json_not_the_start_check_page_while_the_start_check_waits_for_the_database():
    checks._start_check.pending = True
    try:
        with connection.execute_wrapper(database_down):
            response = healthz()
            # Every other page answers the start check's HTML 503 meanwhile.
            page = Client(raise_request_exception=False).get("/accounts/login/")
    finally:
        checks.reset_start_check()
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "cache": "ok"}
    assert page.status_code == 503 and "text/html" in page["Content-Type"]


def test_it_answers_503_while_the_start_check_refuses_pages(monkeypatch):
    from ops import health

    monkeypatch.setattr(health, "start_check_blocks", lambda: True)
    response = healthz()
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "ok", "start_check": "pending"}


def test_it_keeps_the_server_in_when_only_the_cache_is_down():
    with caches_at(CLOSED):
        response = healthz()
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "unavailable"}
    assert_plain_health_answer(response)


def test_it_asks_the_cache_again_at_once_and_pays_a_renewal_owed(working_redis):
    with caches_at(CLOSED):
        data_version.renew()
    assert data_version.renewal_owed()
    with caches_at(WORKING):
        # The guard would leave the cache alone for a few seconds; the health check asks anyway.
        assert cache_guard.attempt("data_version", lambda cache: cache.get("x")) is cache_guard.UNAVAILABLE
        assert healthz().json() == {"database": "ok", "cache": "ok"}
        assert not data_version.renewal_owed()
        assert data_version.current() is not None  # and the pages use the cache again


def test_it_refuses_other_methods():
    response = Client().post("/healthz")
    assert response.status_code == 405
    assert response["Cache-Control"] == "no-store"
