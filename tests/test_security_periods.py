"""Issue #19, point 17: a year or month that is none is refused (400), never swapped for another."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.periods import BadPeriod, requested_month, requested_year
from tests.roles import EMPLOYMENT, client_for, database_state, entry_data

pytestmark = pytest.mark.django_db

BAD_MONTHS = ["13", "0", "abcd", "٣", "1" * 50]
BAD_YEARS = ["0", "99999", "abcd", "٢٠٢٣", "0202"]
MONTH_MESSAGE = "月份应为1到12之间的整数"
YEAR_MESSAGE = "年度无效"

# Every page that reads ?year= or ?month=, with the user who may open it and what it reads.
BOTH, YEAR, MONTH = ("year", "month"), ("year",), ("month",)
PAGES = [
    ("renshe_liaison", BOTH, lambda rows: reverse("reporting:entry")),
    ("renshe_liaison", BOTH, lambda rows: reverse("reporting:import_upload")),
    ("office_user", BOTH, lambda rows: reverse("reporting:review_list")),
    ("leader_user", BOTH, lambda rows: reverse("reporting:dashboard")),
    ("leader_user", BOTH, lambda rows: reverse("reporting:dashboard_units")),
    ("leader_user", MONTH, lambda rows: reverse("reporting:dashboard_indicator", args=[rows["indicator"]])),
    ("office_user", BOTH, lambda rows: reverse("reporting:exports")),
    ("office_user", YEAR, lambda rows: reverse("beneficiaries:index")),
    ("office_user", MONTH, lambda rows: reverse("beneficiaries:row", args=[rows["elderly_row"]])),
    ("office_user", BOTH, lambda rows: reverse("beneficiaries:grassroots_index")),
    ("office_user", YEAR, lambda rows: reverse("beneficiaries:pairs")),
    ("office_user", YEAR, lambda rows: reverse("evaluation:home")),
    ("office_user", YEAR, lambda rows: reverse("evaluation:adjustment_list")),
]
CASES = [
    (index, query, message)
    for index, (_fixture, reads, _url) in enumerate(PAGES)
    for name, query, message in (
        ("month", "year=2023&month=13", MONTH_MESSAGE),
        ("year", "year=0&month=3", YEAR_MESSAGE),
    )
    if name in reads
]


@pytest.fixture
def rows(employment_row, elderly_row):
    return {"indicator": employment_row.indicators.first().pk, "elderly_row": elderly_row.pk}


def _request(query: str):
    return RequestFactory().get(f"/?{query}")


@pytest.mark.parametrize("value", BAD_MONTHS)
def test_it_refuses_a_month_that_is_no_month(value):
    with pytest.raises(BadPeriod, match=MONTH_MESSAGE):
        requested_month(_request(f"month={value}"))


@pytest.mark.parametrize("value", BAD_YEARS)
def test_it_refuses_a_year_that_is_no_year(value):
    with pytest.raises(BadPeriod, match=YEAR_MESSAGE):
        requested_year(_request(f"year={value}"))


@pytest.mark.parametrize("query", ["", "year=&month="])
def test_it_keeps_the_fallback_when_the_year_and_month_are_not_given(query):
    request = _request(query)
    assert (requested_year(request), requested_month(request)) == (None, None)


@pytest.mark.parametrize(("index", "query", "message"), CASES)
def test_it_answers_a_bad_year_or_month_with_a_400_page(request, rows, index, query, message):
    fixture, _reads, url = PAGES[index]
    response = client_for(request.getfixturevalue(fixture)).get(f"{url(rows)}?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("query", ["year=2023&month=13", "year=abcd&month=3", "year=99999&month=3"])
def test_it_saves_nothing_posted_with_a_bad_year_or_month(renshe_liaison, employment_row, march, query):
    before = database_state()
    response = client_for(renshe_liaison).post(
        f"{reverse('reporting:entry')}?{query}", entry_data(employment_row, {EMPLOYMENT: "1"}, version=1)
    )
    assert response.status_code == 400
    assert database_state() == before
