"""Issue #19, point 8: an ID number is ASCII 0–9 and X after NFKC, in the page, the import and the admin."""

import io

import pytest
from django.urls import reverse

from beneficiaries.id_numbers import id_number_hash
from beneficiaries.models import Beneficiary
from tests.beneficiaries import add_person, form_data, id_number_for, workbook_bytes
from tests.roles import client_for

pytestmark = pytest.mark.django_db

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
MATH_BOLD = str.maketrans("0123456789", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗")
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
NOT_ASCII = "身份证号只能由数字0-9和字母X组成"


def _create(client, row, indicator, number):
    return client.post(
        reverse("beneficiaries:entry_create", args=[row.pk]), form_data(indicator=indicator, id_number=number)
    )


def test_it_refuses_arabic_indic_digits_on_the_form(township_liaison, elderly_row, elderly_indicator):
    number = id_number_for(42).translate(ARABIC_INDIC)
    response = _create(client_for(township_liaison), elderly_row, elderly_indicator, number)
    assert response.status_code == 400
    assert NOT_ASCII in response.content.decode()
    assert not Beneficiary.objects.exists()


def test_it_stores_mathematical_digits_as_ascii_so_duplicates_are_found(
    township_liaison, elderly_row, elderly_indicator
):
    number = id_number_for(42)
    _create(client_for(township_liaison), elderly_row, elderly_indicator, number.translate(MATH_BOLD))
    entry = Beneficiary.objects.get()
    assert (entry.id_number, entry.id_hash) == (number, id_number_hash(number))


def test_it_answers_a_superscript_digit_without_a_server_error(
    township_liaison, elderly_row, elderly_indicator
):
    number = id_number_for(42)
    weird = number[:5] + "\u00b9" + number[6:]  # a superscript one where the sixth digit was
    response = _create(client_for(township_liaison), elderly_row, elderly_indicator, weird)
    assert response.status_code in (302, 400)


def test_it_still_accepts_full_width_digits_and_x(township_liaison, elderly_row, elderly_indicator):
    number = id_number_for(42)
    _create(client_for(township_liaison), elderly_row, elderly_indicator, number.translate(FULL_WIDTH))
    assert Beneficiary.objects.get().id_number == number


def test_it_refuses_arabic_indic_digits_in_an_import(township_liaison, elderly_row):
    number = id_number_for(43).translate(ARABIC_INDIC)
    content = workbook_bytes(
        [["张三妹", number, "", "金石桥镇人民政府", "金石桥村", "居家适老化改造", 3000, "2023-02-15", "", ""]]
    )
    upload = io.BytesIO(content)
    upload.name = "受益对象.xlsx"
    response = client_for(township_liaison).post(
        reverse("beneficiaries:import_upload", args=[elderly_row.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert NOT_ASCII in response.content.decode()


def test_it_searches_the_admin_by_the_nfkc_number_only(superuser, township_liaison, elderly_indicator):
    number = id_number_for(44)
    add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=number,
    )
    client = client_for(superuser)
    url = reverse("admin:beneficiaries_beneficiary_changelist")
    assert client.get(url, {"q": number.translate(ARABIC_INDIC)}).context["cl"].result_count == 0
    assert client.get(url, {"q": number.translate(MATH_BOLD)}).context["cl"].result_count == 1
