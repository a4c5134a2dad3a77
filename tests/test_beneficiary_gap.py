"""People on a list set against the month's counted figure, shown to the lead unit and the office.

The figure follows the counting rule (`reporting.counting`): verified figures only.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from reporting.counting import basis_sentence
from reporting.models import Submission
from reporting.workflow import review
from tests.beneficiaries import ELDERLY, add_person, id_number_for
from tests.roles import client_for, deadline_moment, save_figures, submit_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(minzheng_liaison, office_user, statistics_user, elderly_row, february):
    """Report February's figure and take it as far as the given status (verified: it counts)."""

    def report(value: str, status: str = Submission.Status.VERIFIED) -> Submission:
        save_figures(minzheng_liaison, elderly_row, february, {ELDERLY: value})
        submission = Submission.objects.get(task_row=elderly_row, reporting_month=february)
        if status != Submission.Status.DRAFT:
            submit_row(user=minzheng_liaison, submission_id=submission.pk, now=deadline_moment(february, 10))
        if status in (Submission.Status.APPROVED, Submission.Status.VERIFIED):
            review.approve(user=office_user, submission_id=submission.pk)
        if status == Submission.Status.VERIFIED:
            review.verify(user=statistics_user, submission_id=submission.pk)
        submission.refresh_from_db()
        assert submission.status == status
        return submission

    return report


@pytest.fixture
def people(township_liaison, elderly_row, elderly_indicator):
    """Three people listed by February's 20th, one after it."""
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


@pytest.fixture
def listed(people, report):
    """Five homes reported and verified for February, against the four people listed."""
    report("5")
    return people


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


def test_it_shows_more_listed_than_reported(people, report, minzheng_liaison):
    report("1")
    response, count = _count(client_for(minzheng_liaison), people)
    assert count.gap == Decimal(-2)
    assert "名单比填报数多2" in response.content.decode()


@pytest.mark.parametrize(
    "status", [Submission.Status.DRAFT, Submission.Status.SUBMITTED, Submission.Status.APPROVED]
)
def test_it_sets_only_a_verified_figure_against_the_list(people, report, minzheng_liaison, status):
    report("5", status)
    response, count = _count(client_for(minzheng_liaison), people)
    assert count.reported is None and count.gap is None
    assert "本月未报送" in response.content.decode()


def test_it_states_the_basis_of_the_figure_beside_the_list(listed, minzheng_liaison):
    response, _count_ = _count(client_for(minzheng_liaison), listed)
    assert basis_sentence() in response.content.decode()


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
    assert "本月未报送" in response.content.decode()
