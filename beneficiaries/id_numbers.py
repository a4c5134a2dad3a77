"""Resident ID numbers (公民身份号码, GB 11643-1999) and phone numbers: checks, masks and a keyed hash.

An ID number is 6 digits of address, 8 of birth date, 3 of sequence (odd for
men, even for women) and one check character computed by ISO 7064 MOD 11-2,
where 10 is written X. Shown to most people only masked; compared across lists
only through `id_number_hash`, never in the clear.
"""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

LENGTH = 18
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# The check character for each remainder of the weighted sum modulo 11.
CHECK_CHARACTERS = "10X98765432"
EARLIEST_BIRTH_YEAR = 1900
HASH_SALT = "beneficiaries.id_number"

# After NFKC (which makes full-width ０-９ and Ｘ ASCII): 17 ASCII digits and a digit or X, nothing else.
# `str.isdigit` would let Arabic-Indic, Devanagari… digits through, stored verbatim and never matched.
_ASCII_NUMBER = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)


def normalise(value) -> str:
    """NFKC, upper-case, without spaces (full-width and other compatibility digits made ASCII); no check."""
    if value is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(value)).split()).upper()


def check_character(first_17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first_17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def validate_id_number(value) -> str:
    """The number, normalised; raises ValidationError with a message saying what is wrong."""
    number = normalise(value)
    if not number:
        raise ValidationError(_("请填写身份证号。"), code="required")
    if not number.isascii():
        raise ValidationError(
            _("身份证号只能由数字0-9和字母X组成，请勿使用其他文字的数字或符号。"), code="characters"
        )
    if len(number) != LENGTH:
        raise ValidationError(
            _("身份证号应为18位，当前为%(length)s位。") % {"length": len(number)}, code="length"
        )
    if not _ASCII_NUMBER.fullmatch(number):
        raise ValidationError(_("身份证号前17位应为数字，最后一位为数字或X。"), code="characters")
    born = birth_date(number)
    if born is None or born.year < EARLIEST_BIRTH_YEAR or born > timezone.localdate():
        raise ValidationError(
            _("身份证号中的出生日期“%(digits)s”无效。") % {"digits": number[6:14]}, code="birth_date"
        )
    if check_character(number[:17]) != number[17]:
        raise ValidationError(_("身份证号校验位不正确，请逐位核对。"), code="check_digit")
    return number


def is_male(number: str) -> bool:
    """The 17th character: odd for men, even for women."""
    return int(number[16]) % 2 == 1


def id_number_hash(number: str) -> str:
    """HMAC-SHA256 of the normalised number, keyed from SECRET_KEY: comparable, not reversible without it.

    Rotating SECRET_KEY changes every hash; run `manage.py rehash_id_numbers` afterwards.
    """
    return salted_hmac(HASH_SALT, normalise(number), algorithm="sha256").hexdigest()


def mask_id_number(number: str) -> str:
    """430524********1234: the first 6 and the last 4 characters."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****5678: the first 3 and the last 4 characters."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
