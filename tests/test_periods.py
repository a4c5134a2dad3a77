"""The year and month from a request: one reading, one fallback (core.periods)."""

from datetime import date

import pytest
from django.http import Http404
from django.test import RequestFactory

from core.periods import BadPeriod, choose_year, requested_month, requested_year


def _request(query: str):
    return RequestFactory().get(f"/?{query}")


@pytest.mark.parametrize("query", ["", "year="])
def test_a_year_not_given_counts_as_not_given(query):
    assert requested_year(_request(query)) is None


@pytest.mark.parametrize("query", ["year=abc", "year=-1", "year=20230", "year=" + "9" * 5000])
def test_a_year_that_is_no_year_is_refused(query):
    with pytest.raises(BadPeriod):
        requested_year(_request(query))


@pytest.mark.parametrize("query", ["month=0", "month=13", "month=5a", "month=005", "month=" + "1" * 5000])
def test_a_month_outside_one_to_twelve_is_refused(query):
    with pytest.raises(BadPeriod):
        requested_month(_request(query))


def test_the_requested_year_and_month_are_read():
    request = _request("year=2023&month=5")
    assert (requested_year(request), requested_month(request)) == (2023, 5)


def test_the_requested_year_wins_when_the_system_has_it():
    assert choose_year([2023, 2024], requested=2023, today=date(2024, 3, 1)) == 2023


def test_an_unknown_year_falls_back_to_the_current_year():
    assert choose_year([2023, 2024, 2025], requested=2019, today=date(2024, 3, 1)) == 2024


def test_without_the_current_year_the_latest_year_is_chosen():
    assert choose_year([2023, 2024], requested=None, today=date(2026, 12, 2)) == 2024


def test_no_plan_year_at_all_is_a_404_with_a_message():
    with pytest.raises(Http404, match="系统中还没有方案年度"):
        choose_year([], requested=2023)
