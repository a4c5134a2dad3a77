"""Resident ID numbers: the GB 11643 check, masks and the keyed hash."""

import hashlib

import pytest
from django.core.exceptions import ValidationError

from beneficiaries.id_numbers import id_number_hash, is_male, mask_id_number, mask_phone, validate_id_number
from tests.beneficiaries import check_for, id_number_ending_in_x, id_number_for


@pytest.mark.parametrize("sequence", [1, 2, 37, 123, 998])
def test_it_accepts_numbers_with_the_right_check_digit(sequence):
    number = id_number_for(sequence)
    assert validate_id_number(number) == number


def test_it_accepts_x_as_the_check_character():
    number = id_number_ending_in_x()
    assert validate_id_number(number) == number


def test_it_accepts_a_lower_case_x_and_full_width_digits():
    number = id_number_ending_in_x()
    typed = number[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "x"
    assert validate_id_number(f" {typed} ") == number


def test_it_knows_a_published_example():
    # The worked example of GB 11643-1999: 11010519491231002X.
    assert check_for("11010519491231002") == "X"
    assert validate_id_number("11010519491231002X") == "11010519491231002X"


def test_it_refuses_a_wrong_check_digit():
    number = id_number_for(5)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位不正确"):
        validate_id_number(wrong)


def test_it_refuses_a_date_that_does_not_exist():
    first_17 = "430524" + "19990230" + "123"
    number = first_17 + check_for(first_17)  # the check digit is right; only the date is wrong
    with pytest.raises(ValidationError, match="出生日期“19990230”无效"):
        validate_id_number(number)


def test_it_refuses_a_birth_date_in_the_future():
    first_17 = "430524" + "20991231" + "123"
    with pytest.raises(ValidationError, match="出生日期"):
        validate_id_number(first_17 + check_for(first_17))


@pytest.mark.parametrize("number", ["43052419480315001", "4305241948031500123", "430524480315001"])
def test_it_refuses_the_wrong_length(number):
    with pytest.raises(ValidationError, match="应为18位"):
        validate_id_number(number)


@pytest.mark.parametrize("number", ["43052419480315A012", "43052419480315001Y", "X30524194803150012"])
def test_it_refuses_letters(number):
    with pytest.raises(ValidationError, match="前17位应为数字"):
        validate_id_number(number)


def test_it_refuses_an_empty_number():
    with pytest.raises(ValidationError, match="请填写身份证号"):
        validate_id_number("  ")


def test_it_reads_the_gender_from_the_17th_digit():
    assert is_male(id_number_for(1)) and not is_male(id_number_for(2))


def test_it_masks_an_id_number_to_the_first_6_and_last_4():
    number = id_number_for(123)
    assert mask_id_number(number) == number[:6] + "********" + number[-4:]


def test_it_masks_a_phone_number_to_the_first_3_and_last_4():
    assert mask_phone("13807391234") == "138****1234"
    assert mask_phone("0739-7221234") == "073*****1234"


def test_it_hashes_with_a_key_not_plain_sha256():
    number = id_number_for(7)
    digest = id_number_hash(number)
    assert len(digest) == 64
    assert digest != hashlib.sha256(number.encode()).hexdigest()
    assert digest == id_number_hash(number.lower())


def test_it_changes_the_hash_with_the_secret_key(settings):
    number = id_number_for(7)
    before = id_number_hash(number)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert id_number_hash(number) != before
