"""Helpers for the tests of this app: made-up but valid ID numbers, people, workbooks.

Test support only (the app never imports it): imported by tests/test_beneficiar*.py and
tests/test_grassroots*.py, fixtures by name as with tests/roles.py.
"""

import io
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from openpyxl import Workbook

from beneficiaries.models import Beneficiary
from projects.models import Indicator, TaskRow, Unit

REGION = "430524"  # 隆回县


def check_for(first_17: str) -> str:
    """ISO 7064 MOD 11-2 from the standard: weights 2^(17-i) mod 11, check (12 - sum mod 11) mod 11."""
    total = sum(int(digit) * (2 ** (17 - index) % 11) for index, digit in enumerate(first_17))
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def id_number_for(sequence: int, *, birth: str = "19480315", region: str = REGION) -> str:
    first_17 = f"{region}{birth}{sequence:03d}"
    return first_17 + check_for(first_17)


def id_number_ending_in_x(*, birth: str = "19480315") -> str:
    for sequence in range(1000):
        number = id_number_for(sequence, birth=birth)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives X")  # pragma: no cover - there are about 90


def township(name: str = "金石桥镇人民政府") -> Unit:
    unit, _created = Unit.objects.get_or_create(name=name, defaults={"kind": Unit.Kind.TOWNSHIP})
    return unit


def add_person(
    *,
    indicator,
    unit: Unit,
    user,
    id_number: str,
    name: str = "王秀英",
    phone: str = "13807391234",
    place: Unit | None = None,
    village: str = "金石桥村",
    benefit_date: date = date(2023, 2, 10),
    amount=None,
) -> Beneficiary:
    """A person written straight to the table (no audit, no access check): test set-up only."""
    entry = Beneficiary(
        indicator=indicator,
        name=name,
        gender=Beneficiary.Gender.MALE if int(id_number[16]) % 2 else Beneficiary.Gender.FEMALE,
        phone=phone,
        township=place or township(),
        village=village,
        benefit_type="居家适老化改造",
        amount=amount,
        benefit_date=benefit_date,
        entered_by_unit=unit,
        created_by=user,
    )
    entry.set_id_number(id_number)
    entry.save()
    return entry


def form_data(*, indicator, id_number: str, township_unit: Unit | None = None, **overrides) -> dict:
    data = {
        "name": "李桂兰",
        "id_number": id_number,
        "gender": "",
        "phone": "13907395678",
        "township": str((township_unit or township()).pk),
        "village": "金石桥村",
        "benefit_type": "居家适老化改造",
        "amount": "3000",
        "benefit_date": "2023-02-08",
        "indicator": str(indicator.pk),
    }
    data.update(overrides)
    return data


IMPORT_HEADERS = [
    "姓名",
    "身份证号",
    "性别",
    "乡镇（街道）",
    "村（社区）",
    "受益类型",
    "金额或数量",
    "受益日期",
    "计入指标",
    "联系电话",
]


def workbook_bytes(rows: list[list], headers: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers or IMPORT_HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- pytest fixtures, registered for every module by tests/conftest.py ----------------------------

ELDERLY = "困难老年人居家适老化改造"
DISABLED = "困难残疾人家庭无障碍改造"


def grant(user, codename: str) -> None:
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="beneficiaries", codename=codename)
    )


@pytest.fixture(name="elderly_row")
def elderly_row_fixture(plan_2023) -> TaskRow:
    """Provincial item 6, second row: 600 home adaptations for old people in need, led by 县民政局."""
    row = TaskRow.objects.get(
        project__tier__plan_year=plan_2023, project__tier__kind="provincial", project__number=6, position=2
    )
    assert row.lead_unit.name == "县民政局"
    return row


@pytest.fixture(name="elderly_indicator")
def elderly_indicator_fixture(elderly_row) -> Indicator:
    return elderly_row.indicators.get(name=ELDERLY)


@pytest.fixture(name="disabled_indicator")
def disabled_indicator_fixture(plan_2023) -> Indicator:
    """Provincial item 8, second row: barrier-free homes of disabled people in need, led by 县残联."""
    return Indicator.objects.get(task_row__project__tier__plan_year=plan_2023, name=DISABLED)
