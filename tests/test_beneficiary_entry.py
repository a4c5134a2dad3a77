"""Entering, correcting and removing people in the browser, and what their history keeps."""

import pytest
from django.urls import reverse

from beneficiaries.id_numbers import mask_id_number
from beneficiaries.models import Beneficiary
from tests.beneficiaries import add_person, form_data, id_number_for
from tests.roles import client_for

pytestmark = pytest.mark.django_db


def _create_url(row):
    return reverse("beneficiaries:entry_create", args=[row.pk])


def test_it_saves_a_person_entered_on_the_form(township_liaison, elderly_row, elderly_indicator):
    number = id_number_for(42)
    response = client_for(township_liaison).post(
        _create_url(elderly_row), form_data(indicator=elderly_indicator, id_number=number)
    )
    assert response.status_code == 302
    entry = Beneficiary.objects.get()
    assert (entry.id_number, entry.id_number_masked, entry.entered_by_unit) == (
        number,
        mask_id_number(number),
        township_liaison.membership.unit,
    )


def test_it_derives_the_gender_from_the_id_number(township_liaison, elderly_row, elderly_indicator):
    client_for(township_liaison).post(
        _create_url(elderly_row), form_data(indicator=elderly_indicator, id_number=id_number_for(42))
    )
    assert Beneficiary.objects.get().gender == Beneficiary.Gender.FEMALE


def test_it_refuses_a_gender_that_contradicts_the_id_number(township_liaison, elderly_row, elderly_indicator):
    response = client_for(township_liaison).post(
        _create_url(elderly_row),
        form_data(indicator=elderly_indicator, id_number=id_number_for(42), gender="male"),
    )
    assert response.status_code == 400
    assert "性别与身份证号不符" in response.content.decode()


def test_it_refuses_a_bad_id_number_with_a_chinese_message(township_liaison, elderly_row, elderly_indicator):
    number = id_number_for(42)
    bad = number[:-1] + ("1" if number[-1] == "0" else "0")
    response = client_for(township_liaison).post(
        _create_url(elderly_row), form_data(indicator=elderly_indicator, id_number=bad)
    )
    assert response.status_code == 400
    assert "身份证号校验位不正确" in response.content.decode()
    assert not Beneficiary.objects.exists()


def test_it_offers_a_form_fit_for_a_phone(township_liaison, elderly_row):
    content = client_for(township_liaison).get(_create_url(elderly_row)).content.decode()
    assert 'name="viewport"' in content
    assert 'type="date"' in content and 'inputmode="tel"' in content


def test_it_keeps_the_number_when_the_edit_leaves_it_blank(township_liaison, elderly_indicator):
    number = id_number_for(42)
    entry = add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=number,
    )
    data = form_data(indicator=elderly_indicator, id_number="", name="王秀兰")
    response = client_for(township_liaison).post(reverse("beneficiaries:entry_edit", args=[entry.pk]), data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.name, entry.id_number) == ("王秀兰", number)


def test_it_never_puts_the_full_number_into_the_edit_form(township_liaison, elderly_indicator):
    number = id_number_for(42)
    entry = add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=number,
        phone="13807391234",
    )
    content = client_for(township_liaison).get(reverse("beneficiaries:entry_edit", args=[entry.pk])).content
    assert number not in content.decode() and "13807391234" not in content.decode()
    assert entry.id_number_masked in content.decode()


def test_it_removes_by_flag_with_a_reason(township_liaison, elderly_indicator):
    entry = add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=id_number_for(42),
    )
    response = client_for(township_liaison).post(
        reverse("beneficiaries:entry_remove", args=[entry.pk]), {"reason": "重复录入"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.is_removed, entry.removal_reason, entry.removed_by) == (True, "重复录入", township_liaison)


def test_it_refuses_a_removal_without_a_reason(township_liaison, elderly_indicator):
    entry = add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=id_number_for(42),
    )
    client_for(township_liaison).post(reverse("beneficiaries:entry_remove", args=[entry.pk]), {"reason": " "})
    entry.refresh_from_db()
    assert not entry.is_removed


def test_it_lets_the_office_remove_any_entry(office_user, township_liaison, elderly_indicator):
    entry = add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=id_number_for(42),
    )
    client_for(office_user).post(
        reverse("beneficiaries:entry_remove", args=[entry.pk]), {"reason": "不符合条件"}
    )
    entry.refresh_from_db()
    assert entry.is_removed


def test_it_keeps_no_full_number_or_phone_in_the_history(township_liaison, elderly_row, elderly_indicator):
    client_for(township_liaison).post(
        _create_url(elderly_row), form_data(indicator=elderly_indicator, id_number=id_number_for(42))
    )
    history_fields = {field.name for field in Beneficiary.history.model._meta.get_fields()}
    assert "id_number" not in history_fields and "phone" not in history_fields
    assert Beneficiary.history.get().id_number_masked == mask_id_number(id_number_for(42))


def test_it_shows_a_number_change_in_the_history_masked(township_liaison, elderly_indicator):
    old, new = id_number_for(42), id_number_for(43)
    entry = add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=old,
    )
    client = client_for(township_liaison)
    client.post(
        reverse("beneficiaries:entry_edit", args=[entry.pk]),
        form_data(indicator=elderly_indicator, id_number=new, name=entry.name),
    )
    content = client.get(reverse("beneficiaries:entry_history", args=[entry.pk])).content.decode()
    assert mask_id_number(old) in content and mask_id_number(new) in content
    assert old not in content and new not in content
