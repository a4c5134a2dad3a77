"""People on a list set against the month's reported figure, shown to the lead unit and the office."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.beneficiaries import ELDERLY, add_person, id_number_for
from tests.roles import client_for, save_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(township_liaison, minzheng_liaison, elderly_row, elderly_indicator, february):
    """Five homes reported for February; three people listed by the 20th, one after it."""
    save_figures(minzheng_liaison, elderly_row, february, {ELDERLY: "5"})
    unit = township_liaison.membership.unit
    for sequence, day in (
        (1, date(2023, 1, 5)),
        (2, date(2023, 2, 3)),
        (3, date(2023, 2, 20)),
        (4, date(2023, 2, 25)),
    ):
        add_person(
            indicator=elderly_indicator,
            unit=unit,
            user=township_liaison,
            id_number=id_number_for(sequence),
            benefit_date=day,
        )
    return elderly_row


def _count(client, row):
    response = client.get(reverse("beneficiaries:row", args=[row.pk]) + "?month=2")
    (count,) = response.context["counts"]
    return response, count


@pytest.mark.parametrize("user_fixture", ["minzheng_liaison", "office_user"])
def test_it_shows_the_gap_to_the_lead_unit_and_the_office(request, listed, user_fixture):
    response, count = _count(client_for(request.getfixturevalue(user_fixture)), listed)
    assert (count.reported, count.people_by_cutoff, count.people, count.gap) == (Decimal(5), 3, 4, Decimal(2))
    assert "名单比填报数少2" in response.content.decode()


@pytest.mark.parametrize("user_fixture", ["township_liaison", "leader_user"])
def test_it_keeps_the_gap_from_others(request, listed, user_fixture):
    response, count = _count(client_for(request.getfixturevalue(user_fixture)), listed)
    assert count.reported is None and count.gap is None
    assert "名单比填报数" not in response.content.decode()


def test_it_counts_a_person_listed_twice_once(listed, minzheng_liaison, township_liaison, elderly_indicator):
    add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=id_number_for(1),
        benefit_date=date(2023, 2, 1),
    )
    _response, count = _count(client_for(minzheng_liaison), listed)
    assert (count.entries, count.people, count.people_by_cutoff) == (5, 4, 3)


def test_it_shows_more_listed_than_reported(listed, minzheng_liaison, february):
    save_figures(minzheng_liaison, listed, february, {ELDERLY: "1"})
    response, count = _count(client_for(minzheng_liaison), listed)
    assert count.gap == Decimal(-2)
    assert "名单比填报数多2" in response.content.decode()


def test_it_says_when_nothing_is_reported_yet(
    township_liaison, minzheng_liaison, elderly_row, elderly_indicator
):
    add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=id_number_for(1),
    )
    response, count = _count(client_for(minzheng_liaison), elderly_row)
    assert count.reported is None
    assert "未填报" in response.content.decode()
