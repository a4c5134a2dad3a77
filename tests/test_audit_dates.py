"""Dates outside what the database and the time zone can hold are refused with a message, not a 500."""

import pytest
from django.urls import reverse

from tests.roles import client_for

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "日期须在"


@pytest.mark.parametrize("query", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}])
def test_it_refuses_an_out_of_range_date_on_the_audit_list(auditor_user, query):
    response = client_for(auditor_user).get(reverse("audit:list"), query)

    assert response.status_code == 400
    assert OUT_OF_RANGE in response.content.decode()


@pytest.mark.parametrize("query", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}])
def test_it_refuses_an_out_of_range_date_on_the_audit_export(auditor_user, query):
    response = client_for(auditor_user).get(reverse("audit:export"), query)

    assert response.status_code == 400
    assert OUT_OF_RANGE in response.content.decode()
