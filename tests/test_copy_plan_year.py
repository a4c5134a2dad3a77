import pytest

from projects.models import Indicator, PlanYear, TaskRow, TaskRowParty
from projects.services import PlanFileError, copy_plan_year

pytestmark = pytest.mark.django_db


def test_it_copies_the_structure_with_targets_pending(plan_2023):
    new_year = copy_plan_year(source=plan_2023, year=2024)
    copied = Indicator.objects.filter(task_row__project__tier__plan_year=new_year)
    assert copied.count() == Indicator.objects.filter(task_row__project__tier__plan_year=plan_2023).count()
    assert not copied.filter(target_value__isnull=False).exists()
    assert copied.get(name="城镇新增就业").is_target_pending
    assert copied.get(name="其中创业培训").parent == copied.get(name="补贴性职业技能培训")
    assert TaskRowParty.objects.filter(task_row__project__tier__plan_year=new_year).count() == (
        TaskRowParty.objects.filter(task_row__project__tier__plan_year=plan_2023).count()
    )
    assert new_year.adjustment_deadline.isoformat() == "2024-09-15"


def test_the_new_years_people_count_as_inferred_until_its_appendix_is_checked(plan_2023):
    new_year = copy_plan_year(source=plan_2023, year=2024)
    rows = TaskRow.objects.filter(project__tier__plan_year=new_year)
    assert rows.count() == TaskRow.objects.filter(project__tier__plan_year=plan_2023).count()
    assert not rows.filter(people_listed=True).exists()


def test_it_refuses_to_copy_onto_an_existing_year(plan_2023):
    with pytest.raises(PlanFileError, match="已存在"):
        copy_plan_year(source=plan_2023, year=2023)
    assert PlanYear.objects.count() == 1
