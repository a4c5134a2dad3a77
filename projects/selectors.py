"""Reads of the plan for reports and exports.

Each selector does its joins and prefetches up front, so a report costs the
same few queries however many projects and task rows the year has.
"""

from dataclasses import dataclass

from django.db.models import Prefetch

from projects.models import PlanYear, ResponsiblePerson, TaskRow, TaskRowParty

LEAD = "lead"


@dataclass(frozen=True)
class MatrixParty:
    """One unit or unit group named on a task row, as the responsibility matrix shows it."""

    role: str  # LEAD, TaskRowParty.Role.CO_LEAD or TaskRowParty.Role.RESPONSIBLE
    name: str
    # The 责任人 column text: the unit's person for the year, or the group's
    # collective title; "" when the office has not named anyone yet.
    responsible: str


def matrix_rows(*, plan_year: PlanYear) -> list[TaskRow]:
    """The year's task rows in plan order, with everything the matrix shows already loaded."""
    # Role sorts "co_lead" before "responsible", which is the order the plan names them in.
    parties = TaskRowParty.objects.select_related("unit", "group").order_by("role", "position")
    return list(
        TaskRow.objects.filter(project__tier__plan_year=plan_year)
        .select_related("project__tier", "lead_unit", "leader")
        .prefetch_related(Prefetch("parties", queryset=parties), "indicators")
        .order_by("project__tier__position", "project__number", "position")
    )


def responsible_names(*, plan_year: PlanYear) -> dict[int, str]:
    """Unit id → name of the unit's 责任人 for the year, fetched in one query."""
    return {
        item.unit_id: item.person.name
        for item in ResponsiblePerson.objects.filter(plan_year=plan_year).select_related("person")
    }


def row_parties(task_row: TaskRow, *, responsible_by_unit: dict[int, str]) -> list[MatrixParty]:
    """The row's lead unit, co-leads and responsible parties, in that order.

    Uses the prefetched parties and the dict from `responsible_names`, so it
    never queries; a missing person stays an empty string rather than a guess.
    """
    result = [
        MatrixParty(
            role=LEAD,
            name=task_row.lead_unit.name,
            responsible=responsible_by_unit.get(task_row.lead_unit_id, ""),
        )
    ]
    for party in task_row.parties.all():
        if party.unit_id is not None:
            name = party.unit.name
            responsible = responsible_by_unit.get(party.unit_id, "")
        else:
            name = party.group.name
            responsible = party.group.responsible_title
        result.append(MatrixParty(role=party.role, name=name, responsible=responsible))
    return result
