"""API clients: the token (shown once, stored hashed), expiry, revocation, address range, rate, audit."""

import hashlib

import pytest
from django.urls import reverse

from api import services
from api.models import ApiClient
from audit.models import AuditEvent
from tests.api_clients import Caller, make_api_client
from tests.roles import client_for

YEARS = "/api/v1/years/"


def test_it_answers_a_valid_token(reader):
    response = reader.get(YEARS)
    assert response.status_code == 200
    assert response.json()["results"][0] == {
        "code": "2023",
        "year": 2023,
        "title": response.json()["results"][0]["title"],
    }


def test_it_stores_only_the_hash_of_the_token(security_user):
    client, token = make_api_client(security_user)
    stored = ApiClient.objects.filter(pk=client.pk).values()[0]
    assert token.startswith("msk_") and len(token) > 40
    assert token not in str(stored)
    assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()


def test_it_refuses_a_call_without_a_token_with_a_chinese_problem(plan_2023, client):
    response = client.get(YEARS)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "code"}
    assert body["status"] == 401 and body["title"] == "未认证"


def test_it_refuses_an_unknown_token(plan_2023):
    response = Caller("msk_" + "x" * 43).get(YEARS)
    assert response.status_code == 401
    assert response.json()["detail"] == "令牌无效。"


def test_it_refuses_an_expired_token(security_user):
    _client, token = make_api_client(security_user, days=-1)
    response = Caller(token).get(YEARS)
    assert response.status_code == 401
    assert "已过期" in response.json()["detail"]


def test_a_revoked_token_is_refused_at_its_next_call(security_user):
    client, token = make_api_client(security_user)
    caller = Caller(token)
    assert caller.get(YEARS).status_code == 200
    assert services.revoke_client(client=client, by=security_user)
    response = caller.get(YEARS)
    assert response.status_code == 401
    assert response.json()["detail"] == "令牌已被吊销。"


def test_it_refuses_a_call_from_outside_the_address_range(security_user):
    _client, token = make_api_client(security_user, networks="10.20.0.0/16")
    assert Caller(token, address="10.20.3.4").get(YEARS).status_code == 200
    response = Caller(token, address="192.168.1.5").get(YEARS)
    assert response.status_code == 403
    assert "地址段" in response.json()["detail"]


def test_it_refuses_an_address_range_that_is_none(security_user):
    with pytest.raises(Exception, match="不是有效的地址段"):
        make_api_client(security_user, networks="10.20.0.0/33")


def test_it_limits_the_calls_of_each_client(security_user, settings):
    settings.API_RATE = "3/min"
    _first, token = make_api_client(security_user, name="甲")
    _second, other = make_api_client(security_user, name="乙")
    caller = Caller(token)
    assert [caller.get(YEARS).status_code for _ in range(3)] == [200, 200, 200]
    response = caller.get(YEARS)
    assert response.status_code == 429
    assert "请求过于频繁" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    assert Caller(other).get(YEARS).status_code == 200  # counted per client


def test_it_audits_each_call_with_client_endpoint_and_result(security_user):
    client, token = make_api_client(security_user, name="审计客户端")
    Caller(token).get(YEARS)
    Caller(token, address="8.8.8.8").get(YEARS)
    rows = list(AuditEvent.objects.filter(event="api.call").order_by("pk"))
    assert [
        (row.detail["client"], row.detail["endpoint"], row.detail["status"], row.outcome) for row in rows
    ] == [
        ("审计客户端", "GET /api/v1/years/", 200, AuditEvent.Outcome.SUCCESS),
        ("审计客户端", "GET /api/v1/years/", 403, AuditEvent.Outcome.DENIED),
    ]
    assert rows[0].user == client.user and rows[1].client_address == "8.8.8.8"


def test_it_audits_a_call_without_a_valid_token_too(plan_2023):
    Caller("msk_nothing").get(YEARS)
    row = AuditEvent.objects.get(event="api.call")
    assert (row.username, row.detail["status"], row.outcome) == (
        "（无有效令牌）",
        401,
        AuditEvent.Outcome.DENIED,
    )


def test_the_client_account_cannot_sign_in(security_user):
    client, _token = make_api_client(security_user)
    assert not client.user.is_active and not client.user.has_usable_password()


# --- the admin: the security administrator's, not the system administrator's ----------------------

ADD = reverse("admin:api_apiclient_add")
LIST = reverse("admin:api_apiclient_changelist")


def _form(**extra):
    return {
        "name": "省级平台",
        "expires_at_0": "2099-12-31",
        "expires_at_1": "00:00:00",
        "allowed_networks": "10.0.0.0/8",
        "note": "",
        **extra,
    }


def test_the_security_administrator_creates_a_client_and_sees_its_token_once(security_user):
    browser = client_for(security_user)
    response = browser.post(ADD, _form())
    assert response.status_code == 200, response.content.decode()[:2000]
    token = response.context["token"]
    assert token.startswith("msk_") and token in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    client = ApiClient.objects.get(name="省级平台")
    assert client.created_by == security_user
    assert token not in browser.get(reverse("admin:api_apiclient_change", args=[client.pk])).content.decode()
    assert Caller(token, address="10.1.2.3").get(YEARS).status_code == 200


@pytest.mark.parametrize("url", [LIST, ADD])
def test_the_system_administrator_can_neither_see_nor_create_clients(sysadmin_user, url):
    browser = client_for(sysadmin_user)
    assert browser.get(url).status_code == 403
    assert browser.post(ADD, _form()).status_code == 403
    assert not ApiClient.objects.exists()


def test_the_revoke_action_revokes_at_once(security_user):
    client, token = make_api_client(security_user)
    browser = client_for(security_user)
    browser.post(LIST, {"action": "revoke", "_selected_action": [client.pk]})
    client.refresh_from_db()
    assert client.revoked_by == security_user
    assert Caller(token).get(YEARS).status_code == 401
    assert AuditEvent.objects.filter(event="api.client.revoked").count() == 1
