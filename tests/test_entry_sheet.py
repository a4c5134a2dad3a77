"""Which rows and indicators a unit's monthly sheet holds, by the unit's part in each row."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from accounts.models import Role
from projects.models import Indicator, TaskRow, TaskRowParty, Unit
from projects.participation import rows_of_unit
from reporting.models import Figure
from reporting.selectors import entry_sheet
from reporting.workflow import data_entry
from reporting.workflow.validation import FigureInput
from tests.roles import make_member

pytestmark = pytest.mark.django_db


def sheet_of(unit_name: str, month) -> dict[int, object]:
    return {
        entry.task_row.pk: entry
        for entry in entry_sheet(unit=Unit.objects.get(name=unit_name), reporting_month=month)
    }


def a_row_with_lead_only_indicators(plan_year) -> TaskRow:
    """A row with indicators only its lead unit reports (a standard, a ratio or a milestone)."""
    return next(
        row
        for row in TaskRow.objects.filter(project__tier__plan_year=plan_year).order_by("pk")
        if any(not item.is_additive for item in row.indicators.all())
        and any(item.is_additive for item in row.indicators.all())
    )


def an_outsider(row: TaskRow) -> Unit:
    """A unit that takes no part in the row, in any role or through any group."""
    return next(
        unit for unit in Unit.objects.order_by("pk") if not rows_of_unit(unit).filter(pk=row.pk).exists()
    )


def newly_named(row: TaskRow, role: str) -> Unit:
    """An outsider, named in the row in the given role."""
    unit = an_outsider(row)
    TaskRowParty.objects.create(task_row=row, unit=unit, role=role, position=99)
    return unit


def test_a_co_lead_unit_fills_the_whole_row(plan_2023, march):
    row = a_row_with_lead_only_indicators(plan_2023)
    co_lead = newly_named(row, TaskRowParty.Role.CO_LEAD)
    entry = sheet_of(co_lead.name, march)[row.pk]
    assert entry.is_lead
    assert [item.pk for item in entry.indicators] == [item.pk for item in row.indicators.order_by("position")]


def test_a_responsible_unit_fills_only_the_additive_indicators(plan_2023, march):
    row = a_row_with_lead_only_indicators(plan_2023)
    unit = newly_named(row, TaskRowParty.Role.RESPONSIBLE)
    entry = sheet_of(unit.name, march)[row.pk]
    every = list(row.indicators.order_by("position"))
    assert not entry.is_lead
    assert [item.pk for item in entry.indicators] == [item.pk for item in every if item.is_additive]
    assert [item.pk for item in entry.row_indicators] == [item.pk for item in every]


def test_a_unit_named_and_covered_by_a_group_gets_the_row_once(plan_2023, march):
    township = Unit.objects.get(name="金石桥镇人民政府")
    covered = TaskRow.objects.filter(
        project__tier__plan_year=plan_2023, parties__group__includes_townships=True
    ).first()
    TaskRowParty.objects.create(
        task_row=covered, unit=township, role=TaskRowParty.Role.RESPONSIBLE, position=99
    )
    rows = [entry.task_row.pk for entry in entry_sheet(unit=township, reporting_month=march)]
    assert rows.count(covered.pk) == 1
    assert len(rows) == len(set(rows))


def test_a_unit_takes_part_in_the_rows_it_leads_is_named_in_or_is_covered_by_a_group(plan_2023):
    township = Unit.objects.get(name="金石桥镇人民政府")
    expected = set(
        TaskRow.objects.filter(
            Q(lead_unit=township) | Q(parties__unit=township) | Q(parties__group__includes_townships=True)
        ).values_list("pk", flat=True)
    )
    assert expected
    assert set(rows_of_unit(township).values_list("pk", flat=True)) == expected


def sheet_entry(row: TaskRow, indicators) -> data_entry.SheetEntry:
    inputs = [
        FigureInput(indicator=item, raw_stage="1")
        if item.kind == Indicator.Kind.MILESTONE
        else FigureInput(indicator=item, raw_value="1", explanation="口径调整")
        for item in indicators
    ]
    return data_entry.SheetEntry(task_row=row, expected_version=0, inputs=inputs)


def save_as(unit: Unit, row: TaskRow, indicators, month, django_user_model):
    user = make_member(django_user_model, f"liaison{unit.pk}", Role.LIAISON, unit=unit.name)
    return data_entry.save_month_sheet(
        user=user, unit=unit, reporting_month=month, entries=[sheet_entry(row, indicators)]
    )


def test_a_responsible_unit_may_not_save_the_lead_units_indicators(plan_2023, march, django_user_model):
    row = a_row_with_lead_only_indicators(plan_2023)
    unit = newly_named(row, TaskRowParty.Role.RESPONSIBLE)
    lead_only = [item for item in row.indicators.all() if not item.is_additive]
    with pytest.raises(PermissionDenied, match="以下指标由牵头单位填报"):
        save_as(unit, row, lead_only, march, django_user_model)
    assert not Figure.objects.filter(indicator__in=lead_only).exists()


def test_a_co_lead_unit_may_save_the_lead_units_indicators(plan_2023, march, django_user_model):
    row = a_row_with_lead_only_indicators(plan_2023)
    unit = newly_named(row, TaskRowParty.Role.CO_LEAD)
    lead_only = [item for item in row.indicators.all() if not item.is_additive]
    results = save_as(unit, row, lead_only, march, django_user_model)
    assert results[row.pk].ok, results[row.pk].errors
    assert Figure.objects.filter(indicator__in=lead_only, contribution__unit=unit).count() == len(lead_only)


def test_a_unit_may_not_save_a_row_it_takes_no_part_in(plan_2023, march, django_user_model):
    row = a_row_with_lead_only_indicators(plan_2023)
    outsider = an_outsider(row)
    additive = [item for item in row.indicators.all() if item.is_additive]
    with pytest.raises(PermissionDenied, match="本单位不承担该项任务"):
        save_as(outsider, row, additive, march, django_user_model)
    assert not Figure.objects.filter(indicator__in=additive).exists()
