"""The database itself refuses data that breaks the plan's rules."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import Indicator, Project, TaskRow, TaskRowParty, Tier, Unit, UnitAlias

pytestmark = pytest.mark.django_db


def employment():
    return Indicator.objects.get(name="城镇新增就业")


def assert_refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_it_refuses_a_duplicate_project_number_in_a_tier(plan_2023):
    tier = Tier.objects.get(plan_year=plan_2023, kind=Tier.Kind.COUNTY)
    assert_refused(lambda: Project.objects.create(tier=tier, number=1, title="重复序号"))


def test_it_refuses_a_negative_target(plan_2023):
    item = employment()
    item.target_value = Decimal("-1")
    assert_refused(item.save)


def test_it_refuses_a_subset_indicator_without_parent(plan_2023):
    item = Indicator.objects.get(name="其中创业培训")
    item.parent = None
    assert_refused(item.save)


def test_it_refuses_a_task_row_without_lead_unit(plan_2023):
    row = TaskRow.objects.first()
    row.lead_unit_id = None
    assert_refused(row.save)


def test_it_refuses_a_party_that_is_both_unit_and_group(plan_2023):
    party = TaskRowParty.objects.filter(group__isnull=False).first()
    party.unit = Unit.objects.get(name="县财政局")
    assert_refused(party.save)


def test_it_refuses_the_same_unit_twice_in_a_row(plan_2023):
    row = TaskRow.objects.get(project__tier__kind=Tier.Kind.PROVINCIAL, project__number=1)
    assert_refused(
        lambda: TaskRowParty.objects.create(
            task_row=row, role="responsible", position=99, unit=Unit.objects.get(name="县财政局")
        )
    )


def test_it_explains_too_many_decimals_in_chinese(plan_2023):
    item = employment()
    item.target_value = Decimal("4650.5")
    with pytest.raises(ValidationError, match="小数位数超过"):
        item.full_clean()


def test_it_refuses_an_alias_equal_to_a_unit_name(plan_2023):
    alias = UnitAlias(unit=Unit.objects.get(name="县财政局"), alias="县教育局")
    with pytest.raises(ValidationError, match="别名不能与单位名称重复"):
        alias.full_clean()
