"""Stable codes: from the plan's structure, kept through renames and reloads, carried to the next year."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from projects import codes
from projects.models import Indicator, PlanYear, Project, TaskRow, Tier, Unit
from projects.services import copy_plan_year
from tests.roles import EMPLOYMENT, indicator


def _reload(*args):
    call_command("load_plan", *args, stdout=io.StringIO())


def test_it_codes_the_bundled_plan_from_its_structure(plan_2023, employment_row):
    assert plan_2023.code == "2023"
    assert employment_row.project.tier.code == "2023-S"
    assert employment_row.project.code == "2023-S03"
    assert employment_row.code == "2023-S03-R1"
    assert indicator(employment_row, EMPLOYMENT).code == "2023-S03-R1-I1"
    assert set(Tier.objects.values_list("code", flat=True)) == {"2023-S", "2023-M", "2023-X", "2023-J"}


def test_every_unit_has_its_own_code(plan_2023):
    unit_codes = list(Unit.objects.values_list("code", flat=True))
    assert all(codes.UNIT_CODE.fullmatch(code) for code in unit_codes)
    assert len(set(unit_codes)) == len(unit_codes)


def test_a_rename_keeps_the_codes(plan_2023, employment_row):
    project = employment_row.project
    project.title, project.number = "改名后的项目", 99
    project.save()
    unit = employment_row.lead_unit
    code = unit.code
    unit.name = "县人力资源和社会保障局"
    unit.save()
    project.refresh_from_db()
    unit.refresh_from_db()
    assert (project.code, unit.code) == ("2023-S03", code)


def test_a_reload_with_update_keeps_the_codes(plan_2023, employment_row):
    before = {
        model: dict(model.objects.values_list("pk", "code")) for model in (Project, TaskRow, Indicator, Unit)
    }
    item = indicator(employment_row, EMPLOYMENT)
    item.name = "城镇新增就业（改）"
    item.save()
    _reload("--update")
    after = {
        model: dict(model.objects.values_list("pk", "code")) for model in (Project, TaskRow, Indicator, Unit)
    }
    assert after == before


def test_copy_plan_year_carries_each_code_to_the_next_year(plan_2023, employment_row):
    item = indicator(employment_row, EMPLOYMENT)
    item.code = "JY-4650"  # a code the office chose
    item.save()
    copy_plan_year(source=plan_2023, year=2024)
    new_year = PlanYear.objects.get(year=2024)
    assert new_year.code == "2024"
    row = TaskRow.objects.get(project__tier__plan_year=new_year, code="2024-S03-R1")
    assert row.indicators.get(name=EMPLOYMENT).code == "2024-JY-4650"
    assert (
        Project.objects.filter(tier__plan_year=new_year).count()
        == Project.objects.filter(tier__plan_year=plan_2023).count()
    )
    assert not Project.objects.filter(tier__plan_year=new_year).exclude(code__startswith="2024-").exists()


def test_a_new_project_takes_the_next_free_code(plan_2023, employment_row):
    tier = employment_row.project.tier
    first = Project.objects.create(tier=tier, number=50, title="新增项目")
    assert first.code == "2023-S50"
    first.number = 51
    first.save()
    second = Project.objects.create(tier=tier, number=50, title="又一个项目")
    assert second.code == "2023-S50-2"


@pytest.mark.parametrize("value", ["91430524MA4L0XXX1", "91430524MA4L0XXXIO", "914305245544213458"])
def test_it_refuses_a_credit_code_that_is_none(plan_2023, value):
    unit = Unit.objects.get(name="县人社局")
    unit.credit_code = value
    with pytest.raises(ValidationError, match="统一社会信用代码"):
        unit.full_clean()


def test_it_accepts_a_credit_code_with_its_check_character(plan_2023):
    first17 = "11430524006102030"
    unit = Unit.objects.get(name="县人社局")
    unit.credit_code = first17 + codes.uscc_check_character(first17)
    unit.full_clean()


def test_a_division_code_is_twelve_digits_and_for_townships_only(plan_2023):
    township = Unit.objects.filter(kind=Unit.Kind.TOWNSHIP).first()
    township.division_code = "430524100000"
    township.full_clean()
    township.division_code = "4305241"
    with pytest.raises(ValidationError, match="12位数字"):
        township.full_clean()
    department = Unit.objects.get(name="县人社局")
    department.division_code = "430524100000"
    with pytest.raises(ValidationError, match="只有乡镇、街道"):
        department.full_clean()
