"""Which rows and indicators a unit's monthly sheet holds, by the unit's part in each row."""

import pytest
from django.db.models import Q

from projects.models import TaskRow, TaskRowParty, Unit
from reporting.access import rows_of_unit
from reporting.selectors import entry_sheet
from tests.roles import march_fixture  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def sheet_of(unit_name: str, month) -> dict[int, object]:
    return {
        entry.task_row.pk: entry
        for entry in entry_sheet(unit=Unit.objects.get(name=unit_name), reporting_month=month)
    }


def a_row_with_lead_only_indicators(plan_year) -> TaskRow:
    """A row with indicators only its lead unit reports (a standard, a ratio or a milestone)."""
    row = next(
        row
        for row in TaskRow.objects.filter(project__tier__plan_year=plan_year).order_by("pk")
        if any(not item.is_additive for item in row.indicators.all())
        and any(item.is_additive for item in row.indicators.all())
    )
    return row


def test_a_co_lead_unit_fills_the_whole_row(plan_2023, march):
    row = a_row_with_lead_only_indicators(plan_2023)
    co_lead = Unit.objects.exclude(pk=row.lead_unit_id).exclude(task_row_parties__task_row=row).first()
    TaskRowParty.objects.create(task_row=row, unit=co_lead, role=TaskRowParty.Role.CO_LEAD, position=99)
    entry = sheet_of(co_lead.name, march)[row.pk]
    assert entry.is_lead
    assert [item.pk for item in entry.indicators] == [item.pk for item in row.indicators.order_by("position")]


def test_a_responsible_unit_fills_only_the_additive_indicators(plan_2023, march):
    row = a_row_with_lead_only_indicators(plan_2023)
    unit = Unit.objects.exclude(pk=row.lead_unit_id).exclude(task_row_parties__task_row=row).first()
    TaskRowParty.objects.create(task_row=row, unit=unit, role=TaskRowParty.Role.RESPONSIBLE, position=99)
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
