"""schemathesis against the served schema: every endpoint, with the test data, answers no 5xx and
only what the schema says (status, content type, body).

The schema is read from /api/v1/schema/ and the calls go to the application in-process (WSGI), in
the test's database with the bundled plan and a verified month; examples are few and derandomised,
so the run is short and the same each time.
"""

import collections

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from exchange.models import Sender
from tests.api_clients import make_api_client
from tests.roles import submission_in

ENDPOINTS = (
    "years",
    "tiers",
    "projects",
    "task-rows",
    "indicators",
    "units",
    "data-values",
    "completeness",
    "beneficiaries",
)
# The exchange's receiving end (exchange/endpoints.py), called by a client registered as a sender.
EXCHANGE = "exchange/receive"
EXAMPLES = 15
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(name="api_schema")
def api_schema_fixture(plan_2023):
    # As Django's test client does: a request's end must not close the test's connection (PostgreSQL).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture(name="full_token")
def full_token_fixture(
    security_user, renshe_liaison, office_user, statistics_user, employment_row, march, settings
) -> str:
    """A client of every scope (write for 县人社局, working view, personal data), with a verified March."""
    settings.API_RATE = "100000/min"
    submission_in(
        "verified",
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )
    _client, token = make_api_client(
        security_user,
        name="全部范围",
        can_write=True,
        units=["县人社局"],
        working_view=True,
        personal_data=True,
        reveal_id_numbers=True,
    )
    Sender.objects.create(client=_client, code="430524", name="隆回县")
    return token


def test_the_schema_is_openapi_3_1_with_every_endpoint(api_schema):
    raw = api_schema.raw_schema
    assert raw["openapi"] == "3.1.0"
    assert set(raw["paths"]) == {f"/api/v1/{name}/" for name in (*ENDPOINTS, EXCHANGE)}


def test_every_answer_matches_the_schema(api_schema, full_token):
    headers = {"Authorization": f"Bearer {full_token}"}
    calls = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call(headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
            refusal = response.json().get("code") if response.status_code == 403 else None
            calls.append((case.operation.label, response.status_code, refusal))
            case.validate_response(response, checks=CHECKS)

        check()
    # A push whose body claims another county than the sender's is a documented 403 of its own.
    statuses = collections.Counter(
        status for _label, status, refusal in calls if refusal != "exchange_refused"
    )
    assert statuses[200] and not statuses[401] and not statuses[403], statuses
    assert {label for label, _status, _refusal in calls} == {
        f"{method} /api/v1/{name}/"
        for method, name in [("GET", name) for name in ENDPOINTS]
        + [("POST", "data-values"), ("POST", EXCHANGE)]
    }
