"""The dashboard cache is keyed on the parameters the pages read: junk in the query adds no entry."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from tests.roles import client_for

pytestmark = pytest.mark.django_db

INDICATORS = reverse("reporting:dashboard_indicators")


def dashboard_entries() -> int:
    return sum(1 for key in caches["default"]._cache if "template.cache.dashboard." in key)


def test_it_keeps_one_entry_for_thirty_requests_with_junk_parameters(plan_2023, leader_user):
    client = client_for(leader_user)

    for number in range(30):
        assert client.get(f"{INDICATORS}?year=2023&month=8&junk{number}={number}").status_code == 200

    assert dashboard_entries() == 1


def test_it_keeps_one_entry_for_unrecognised_values_of_a_recognised_parameter(plan_2023, leader_user):
    client = client_for(leader_user)

    for number in range(30):
        assert client.get(f"{INDICATORS}?year=2023&tier=junk{number}&unit=x{number}").status_code == 200

    assert dashboard_entries() == 1


def test_it_keeps_a_distinct_entry_for_each_recognised_parameter(plan_2023, leader_user):
    client = client_for(leader_user)
    queries = [
        "",
        "?year=2023",
        "?year=2023&month=8",
        "?year=2023&month=9",
        "?tier=county",
        "?status=behind",
        "?status=behind_all",
        "?leader=none",
        "?leader=1",
        "?unit=1",
        "?flag=flagged",
        "?flag=notice",
        "?page=2",
    ]

    for query in queries:
        assert client.get(INDICATORS + query).status_code == 200

    assert dashboard_entries() == len(queries)
