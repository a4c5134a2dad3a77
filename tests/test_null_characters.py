"""Text no database can take (a NUL, a lone surrogate) is refused with a Chinese 400 before any query.

PostgreSQL holds no NUL in text or JSON, so a filter on one, or the stored answer of a POST
naming such a field, failed inside the driver with a 500; schemathesis found both
(/api/v1/beneficiaries/?task_row=%00…, a data-values body with "\\u0000" in a key).
"""

import pytest
from django.urls import reverse

from api.models import IdempotentRequest
from audit.models import AuditEvent
from tests.api_clients import Caller, make_api_client
from tests.roles import client_for

pytestmark = pytest.mark.django_db

MESSAGE = "请求中含有不允许的字符"


def test_a_page_refuses_a_nul_in_a_filter(office_user, elderly_row):
    response = client_for(office_user).get(
        reverse("beneficiaries:row", args=[elderly_row.pk]), {"indicator": "1\x00"}
    )
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


def test_a_page_refuses_a_nul_in_a_parameter_name(office_user):
    response = client_for(office_user).get(reverse("reporting:review_list"), QUERY_STRING="year%00=2023")
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


def test_the_api_refuses_a_nul_as_problem_json(security_user, plan_2023):
    _client, token = make_api_client(security_user, name="个人信息客户端", personal_data=True)
    response = Caller(token).get("/api/v1/beneficiaries/", {"task_row": "\x00x", "format": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "null_character"
    assert MESSAGE in response.json()["detail"]


def test_the_api_audits_the_refused_call(security_user, plan_2023):
    _client, token = make_api_client(security_user, name="审计客户端")
    Caller(token).get("/api/v1/task-rows/", {"year": "2023\x00"})
    row = AuditEvent.objects.filter(event="api.call").latest("pk")
    assert (row.detail["endpoint"], row.detail["status"], row.detail["code"]) == (
        "GET /api/v1/task-rows/",
        400,
        "null_character",
    )


@pytest.mark.parametrize(
    "body",
    [
        {"values": [{"indicator": "x", "unit": "y", "period": "202303", "value": 1, "note\x00": 1}]},
        {"values": [{"indicator": "\ud800", "unit": "y", "period": "202303", "value": 1}]},
    ],
    ids=["nul-in-a-key", "lone-surrogate"],
)
def test_the_api_refuses_such_text_in_a_posted_body_and_writes_nothing(security_user, plan_2023, body):
    _client, token = make_api_client(security_user, name="写入客户端", can_write=True, units=["县人社局"])
    response = Caller(token).post("/api/v1/data-values/", body, headers={"Idempotency-Key": "k-1"})
    assert response.status_code == 400
    assert response.json()["code"] == "null_character"
    assert not IdempotentRequest.objects.exists()
