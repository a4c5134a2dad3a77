"""List pages and exports answer in a fixed number of queries, however many people are listed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaries.models import DoubleCountingPair
from tests.beneficiaries import ELDERLY, add_person, grant, id_number_for, township
from tests.roles import client_for, save_figures

pytestmark = pytest.mark.django_db


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def add_people(indicator, user, *, start: int, count: int, duplicate_every: int = 3) -> None:
    """People in two townships; every third one has a number already listed, so flags appear too."""
    places = [township(), township("桃洪镇人民政府")]
    for offset in range(count):
        sequence = start + offset
        number = id_number_for(sequence - 1 if offset % duplicate_every == 0 and offset else sequence)
        add_person(
            indicator=indicator,
            unit=user.membership.unit,
            user=user,
            id_number=number,
            name=f"受益人{sequence}",
            place=places[offset % 2],
        )


@pytest.fixture
def pair(office_user, elderly_indicator, disabled_indicator):
    a, b = sorted([elderly_indicator, disabled_indicator], key=lambda item: item.pk)
    return DoubleCountingPair.objects.create(indicator_a=a, indicator_b=b, created_by=office_user)


USERS = ["minzheng_liaison", "township_liaison", "office_user", "leader_user"]
# Leaders may not export people, so the export is measured for the others.
CASES = [
    (page, user)
    for page in ("index", "row", "export")
    for user in USERS
    if not (page == "export" and user == "leader_user")
]


@pytest.mark.parametrize(("screen", "user_fixture"), CASES)
def test_it_keeps_queries_flat_as_the_list_grows(
    request, pair, township_liaison, elderly_row, elderly_indicator, february, user_fixture, screen
):
    user = request.getfixturevalue(user_fixture)
    url = {
        "index": reverse("beneficiaries:index") + "?year=2023",
        "row": reverse("beneficiaries:row", args=[elderly_row.pk]) + "?month=2",
        "export": reverse("beneficiaries:row_export", args=[elderly_row.pk]),
    }[screen]
    client = client_for(user)
    save_figures(request.getfixturevalue("minzheng_liaison"), elderly_row, february, {ELDERLY: "30"})
    add_people(elderly_indicator, township_liaison, start=1, count=3)
    small = count_queries(client, url)
    add_people(elderly_indicator, township_liaison, start=100, count=30)
    large = count_queries(client, url)
    assert large == small


def test_it_keeps_the_grassroots_page_flat_as_units_report(
    minzheng_liaison, township_liaison, elderly_row, february, django_user_model
):
    from reporting.models import Submission
    from tests.roles import make_member

    save_figures(minzheng_liaison, elderly_row, february, {ELDERLY: "30"})
    submission = Submission.objects.get(task_row=elderly_row, reporting_month=february)
    url = reverse("beneficiaries:grassroots", args=[submission.pk])
    client = client_for(minzheng_liaison)
    small = count_queries(client, url)
    save_figures(township_liaison, elderly_row, february, {ELDERLY: "12"})
    township("桃洪镇人民政府")
    taohong = make_member(django_user_model, "taohong", "liaison", unit="桃洪镇人民政府")
    save_figures(taohong, elderly_row, february, {ELDERLY: "8"})
    large = count_queries(client, url)
    assert large == small


def test_it_keeps_the_full_export_flat(office_user, township_liaison, elderly_row, elderly_indicator):
    grant(office_user, "view_full_id_number")
    url = reverse("beneficiaries:row_export", args=[elderly_row.pk]) + "?full=1"
    client = client_for(office_user)
    add_people(elderly_indicator, township_liaison, start=1, count=3)
    small = count_queries(client, url)
    add_people(elderly_indicator, township_liaison, start=100, count=30)
    assert count_queries(client, url) == small
