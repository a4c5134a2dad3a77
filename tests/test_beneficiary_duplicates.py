"""The same ID number counted twice: within one indicator, or across a pair the office marked."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from beneficiaries.models import DoubleCountingPair
from beneficiaries.selectors import duplicate_places, people_list
from tests.beneficiaries import add_person, form_data, id_number_for, township
from tests.roles import client_for

pytestmark = pytest.mark.django_db

NUMBER = id_number_for(555)


@pytest.fixture
def canlian(django_user_model, plan_2023):
    """Liaison of 县残联, lead unit of the barrier-free homes row."""
    from tests.roles import make_member

    return make_member(django_user_model, "canlian", "liaison", unit="县残联")


def _flags(indicator):
    entries = list(people_list(indicator.beneficiaries.all()))
    return {entry.pk: entry.has_duplicate for entry in entries}, duplicate_places(entries)


def test_it_flags_the_same_number_twice_for_one_indicator(
    township_liaison, minzheng_liaison, elderly_indicator
):
    taohong = township("桃洪镇人民政府")
    first = add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=NUMBER,
    )
    second = add_person(
        indicator=elderly_indicator,
        unit=minzheng_liaison.membership.unit,
        user=minzheng_liaison,
        id_number=NUMBER,
        place=taohong,
    )
    flags, places = _flags(elderly_indicator)
    assert flags == {first.pk: True, second.pk: True}
    assert [place.entry_id for place in places[first.pk]] == [second.pk]
    assert [place.entry_id for place in places[second.pk]] == [first.pk]


def test_it_names_both_places_on_the_lead_units_page(township_liaison, minzheng_liaison, elderly_indicator):
    first = add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=NUMBER,
    )
    second = add_person(
        indicator=elderly_indicator,
        unit=minzheng_liaison.membership.unit,
        user=minzheng_liaison,
        id_number=NUMBER,
    )
    content = (
        client_for(minzheng_liaison)
        .get(reverse("beneficiaries:row", args=[elderly_indicator.task_row_id]))
        .content.decode()
    )
    assert f"金石桥镇人民政府（#{first.pk}）" in content
    assert f"县民政局（#{second.pk}）" in content
    assert NUMBER not in content


def test_it_does_not_flag_different_numbers(township_liaison, elderly_indicator):
    add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=NUMBER,
    )
    add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=id_number_for(556),
    )
    flags, places = _flags(elderly_indicator)
    assert set(flags.values()) == {False} and places == {}


def test_it_ignores_a_removed_entry(township_liaison, elderly_indicator):
    first = add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=NUMBER,
    )
    second = add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=NUMBER,
    )
    client_for(township_liaison).post(
        reverse("beneficiaries:entry_remove", args=[second.pk]), {"reason": "重复"}
    )
    flags, _places = _flags(elderly_indicator)
    assert flags == {first.pk: False}


def test_it_does_not_flag_unmarked_indicators(
    township_liaison, canlian, elderly_indicator, disabled_indicator
):
    add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=NUMBER,
    )
    add_person(indicator=disabled_indicator, unit=canlian.membership.unit, user=canlian, id_number=NUMBER)
    flags, _places = _flags(elderly_indicator)
    assert set(flags.values()) == {False}


def test_it_flags_a_number_across_a_marked_pair(
    office_user, township_liaison, canlian, elderly_indicator, disabled_indicator
):
    elderly = add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=NUMBER,
    )
    disabled = add_person(
        indicator=disabled_indicator, unit=canlian.membership.unit, user=canlian, id_number=NUMBER
    )
    response = client_for(office_user).post(
        reverse("beneficiaries:pairs"),
        {
            "indicator_a": disabled_indicator.pk,
            "indicator_b": elderly_indicator.pk,
            "note": "同一户不得重复改造",
        },
    )
    assert response.status_code == 302
    flags, places = _flags(elderly_indicator)
    assert flags == {elderly.pk: True}
    (place,) = places[elderly.pk]
    assert (place.entry_id, place.indicator, place.unit_name, place.across_indicators) == (
        disabled.pk,
        disabled_indicator,
        "县残联",
        True,
    )
    _flags_other, other_places = _flags(disabled_indicator)
    assert [item.entry_id for item in other_places[disabled.pk]] == [elderly.pk]


def test_it_stores_a_pair_once_in_either_order(office_user, elderly_indicator, disabled_indicator):
    client = client_for(office_user)
    client.post(
        reverse("beneficiaries:pairs"),
        {"indicator_a": disabled_indicator.pk, "indicator_b": elderly_indicator.pk},
    )
    response = client.post(
        reverse("beneficiaries:pairs"),
        {"indicator_a": elderly_indicator.pk, "indicator_b": disabled_indicator.pk},
    )
    assert response.status_code == 400
    pair = DoubleCountingPair.objects.get()
    assert pair.indicator_a_id < pair.indicator_b_id
    assert AuditEvent.objects.filter(event="beneficiary.pair_add").count() == 1


def test_it_lets_only_the_office_mark_pairs(leader_user, elderly_indicator, disabled_indicator):
    response = client_for(leader_user).post(
        reverse("beneficiaries:pairs"),
        {"indicator_a": elderly_indicator.pk, "indicator_b": disabled_indicator.pk},
    )
    assert response.status_code == 403
    assert not DoubleCountingPair.objects.exists()


def test_it_warns_when_a_new_entry_is_a_duplicate(township_liaison, elderly_row, elderly_indicator):
    add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=NUMBER,
    )
    response = client_for(township_liaison).post(
        reverse("beneficiaries:entry_create", args=[elderly_row.pk]),
        form_data(indicator=elderly_indicator, id_number=NUMBER),
        follow=True,
    )
    assert "疑似重复" in response.content.decode()


def test_it_lists_only_flagged_entries_when_asked(township_liaison, elderly_indicator):
    add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=NUMBER,
        name="甲",
    )
    add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=NUMBER,
        name="乙",
    )
    add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=id_number_for(556),
        name="丙",
    )
    response = client_for(township_liaison).get(
        reverse("beneficiaries:row", args=[elderly_indicator.task_row_id]) + "?show=duplicates"
    )
    assert sorted(entry.name for entry in response.context["page"].object_list) == ["乙", "甲"]
