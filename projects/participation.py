"""Who takes part in a task row: the lead unit, co-leads, responsible units and the members of
responsible groups (each group covers units by kind: UnitGroup.FLAG_BY_KIND).

One definition, in SQL for reading many rows at once and in Python for one row already read;
every view, service, export and policy asks here.
"""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from projects.models import TaskRow, TaskRowParty, Unit, UnitGroup


def _groups_covering(unit: Unit) -> QuerySet:
    flag = UnitGroup.FLAG_BY_KIND.get(unit.kind)
    if flag is None:
        return UnitGroup.objects.none()
    return UnitGroup.objects.filter(**{flag: True})


def rows_of_unit(unit: Unit) -> QuerySet:
    """Task rows in which the unit takes part, in any role (a deactivated unit keeps its part in the plan)."""
    # A subquery rather than a join: a join repeats a row per matching party and needs DISTINCT.
    parties = TaskRowParty.objects.filter(Q(unit=unit) | Q(group__in=_groups_covering(unit)))
    return TaskRow.objects.filter(Q(lead_unit=unit) | Q(pk__in=parties.values("task_row_id")))


def unit_takes_part(unit: Unit, task_row: TaskRow) -> bool:
    return rows_of_unit(unit).filter(pk=task_row.pk).exists()


def leads_q(unit: Unit, *, prefix: str = "") -> Q:
    """Rows (or rows under `prefix`, e.g. "task_row__") that the unit leads, as lead or co-lead.

    An EXISTS, not a join, so a query filtered by it needs no DISTINCT.
    """
    co_lead = TaskRowParty.objects.filter(
        task_row=OuterRef(f"{prefix}pk"), unit=unit, role=TaskRowParty.Role.CO_LEAD
    )
    return Q(**{f"{prefix}lead_unit": unit}) | Q(Exists(co_lead))


def unit_leads(unit: Unit) -> ExpressionWrapper:
    """An annotation for task rows: `leads_row` in SQL, for reading many rows in one query."""
    return ExpressionWrapper(leads_q(unit), output_field=BooleanField())


def leads_row(unit: Unit | None, task_row: TaskRow) -> bool:
    """The lead unit, or a co-lead named beside it (县公路建设养护中心 beside 县交通运输局).

    Reads `task_row.parties`: prefetch them when asking for many rows.
    """
    if unit is None:
        return False
    if task_row.lead_unit_id == unit.pk:
        return True
    return any(
        party.unit_id == unit.pk and party.role == TaskRowParty.Role.CO_LEAD
        for party in task_row.parties.all()
    )


def units_taking_part(task_row) -> list[Unit]:
    """The units taking part in one row: lead, co-leads, responsible units and the active members of groups.

    A target can be shared only among units that still report, so a group counts its active members.
    """
    units = {task_row.lead_unit_id: task_row.lead_unit}
    for party in task_row.parties.all():
        members = [party.unit] if party.unit_id else list(party.group.members())
        for unit in members:
            units.setdefault(unit.pk, unit)
    return list(units.values())


def units_taking_part_in(task_rows) -> dict[int, list[Unit]]:
    """`units_taking_part` for many rows at once, in two queries whatever their number.

    The rows' parties are read in one query and the active units of the groups' kinds in another.
    """
    row_ids = [row.pk for row in task_rows]
    parties = list(
        TaskRowParty.objects.filter(task_row_id__in=row_ids).select_related("unit", "group").order_by("pk")
    )
    kinds = {kind for party in parties if party.group_id for kind in party.group.member_kinds}
    by_kind: dict[str, list[Unit]] = {}
    if kinds:
        for unit in Unit.objects.filter(kind__in=kinds, is_active=True).order_by("pk"):
            by_kind.setdefault(unit.kind, []).append(unit)
    result: dict[int, dict[int, Unit]] = {row.pk: {row.lead_unit_id: row.lead_unit} for row in task_rows}
    for party in parties:
        if party.unit_id:
            members = [party.unit]
        else:
            members = [unit for kind in party.group.member_kinds for unit in by_kind.get(kind, [])]
        for unit in members:
            result[party.task_row_id].setdefault(unit.pk, unit)
    return {row_id: list(units.values()) for row_id, units in result.items()}
