"""Stable codes of the plan (the API speaks them, never database ids), and the two official numbers.

A code is given once, from the plan's structure, and then kept through renames, renumbering and
reloads (`load_plan --update`); `copy_plan_year` carries each to the next year with the new year in
front. The plan's codes begin with the year, so each is unique across years:

- plan year "2023"; tier "2023-S" (省级), "2023-M" (市级), "2023-X" (县级), "2023-J" (重点监测);
- project "2023-S01" (the tier's letter and the project's number);
- task row "2023-S01-R1"; indicator "2023-S01-R1-I1";
- unit "U-001", in the order units were first loaded (a unit is the same from year to year).

Also checked here: 统一社会信用代码 (GB 32100-2015, 18 characters with a check character) and
行政区划代码 (12 digits).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TIER_LETTERS = {"provincial": "S", "municipal": "M", "county": "X", "monitored": "J"}
CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.\-]*"
_CODE = re.compile(CODE_PATTERN, re.ASCII)
UNIT_CODE = re.compile(r"U-(\d+)", re.ASCII)


def validate_code(value: str) -> None:
    if value and not _CODE.fullmatch(value):
        raise ValidationError(_("编码只能由字母、数字、“-”“_”“.”组成，且以字母或数字开头。"))


def tier_code(year: int, kind: str) -> str:
    return f"{year}-{TIER_LETTERS.get(kind, kind[:1].upper())}"


def project_code(tier_code_: str, number: int) -> str:
    return f"{tier_code_}{number:02d}"


def task_row_code(project_code_: str, position: int) -> str:
    return f"{project_code_}-R{position}"


def indicator_code(task_row_code_: str, position: int) -> str:
    return f"{task_row_code_}-I{position}"


def unit_code(number: int) -> str:
    return f"U-{number:03d}"


def next_unit_number(codes) -> int:
    numbers = [int(match.group(1)) for code in codes if (match := UNIT_CODE.fullmatch(code or ""))]
    return max(numbers, default=0) + 1


def free_code(base: str, taken) -> str:
    """`base`, or `base-2`, `base-3`… when another record already holds it (`taken(code)` says)."""
    code, suffix = base, 1
    while taken(code):
        suffix += 1
        code = f"{base}-{suffix}"
    return code


def carried_code(code: str, *, from_year: int, to_year: int) -> str:
    """The code of a copy in the next year: the same code with the new year in front."""
    prefix = f"{from_year}"
    return f"{to_year}{code[len(prefix) :]}" if code.startswith(prefix) else f"{to_year}-{code}"


# --- official numbers ------------------------------------------------------------------------------

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC = re.compile(rf"[{USCC_CHARS}]{{18}}", re.ASCII)
_DIVISION = re.compile(r"[0-9]{12}", re.ASCII)


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_CHARS.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """统一社会信用代码: 18 characters of GB 32100 (no I, O, S, V, Z), the last a check character."""
    if not value:
        return
    if not _USCC.fullmatch(value):
        raise ValidationError(_("统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z）。"))
    if uscc_check_character(value[:17]) != value[17]:
        raise ValidationError(_("统一社会信用代码的校验位不正确，请核对。"))


def validate_division_code(value: str) -> None:
    """行政区划代码 of a township or subdistrict: 12 digits (统计用区划代码)."""
    if value and not _DIVISION.fullmatch(value):
        raise ValidationError(_("行政区划代码应为12位数字，如430524100000。"))
