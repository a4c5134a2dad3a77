"""Who may see whom. Beneficiary pages, exports and services ask this module, and only this one.

Personal data has rules of its own, narrower than the figures':

- a liaison whose unit leads the task row (lead or co-lead) sees the row's whole list and the gap
  between list and reported figure;
- a liaison whose unit takes part in the row enters people and sees only those its unit entered;
- the task-force office sees every list and the gap, and removes entries and marks double counting;
- the statistics bureau sees counts, and people only when granted `view_beneficiary_people`;
- leaders see counts, never people;
- anyone else gets a 404: the row's list does not exist for them.

Seeing or exporting a full ID number or phone number needs, on top of seeing the
person, the `view_full_id_number` permission; the services write each use to the audit log.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import READ_ALL_ROLES, Role
from accounts.roles import role_of, unit_of
from beneficiaries.models import Beneficiary
from core.errors import OutOfScope
from projects.models import TaskRow, Unit
from projects.participation import leads_q, leads_row, rows_of_unit

FULL_ID_PERMISSION = "beneficiaries.view_full_id_number"
PEOPLE_PERMISSION = "beneficiaries.view_beneficiary_people"


@dataclass(frozen=True)
class RowAccess:
    """What one user may do with one task row's list."""

    task_row: TaskRow
    role: str
    unit: Unit | None = None  # the liaison's unit
    people: bool = False  # may see persons (masked)
    only_unit: Unit | None = None  # persons restricted to those this unit entered
    sees_gap: bool = False
    can_enter: bool = False
    full_numbers: bool = False  # may reveal and export full numbers (each use audited)

    @property
    def counts_only(self) -> bool:
        return not self.people

    @property
    def sees_whole_list(self) -> bool:
        return self.people and self.only_unit is None


def _has_entered(unit: Unit, task_row: TaskRow) -> bool:
    return Beneficiary.objects.filter(indicator__task_row=task_row, entered_by_unit=unit).exists()


def row_access(user, task_row: TaskRow) -> RowAccess:
    """The user's access to the row's list; OutOfScope (a 404, audited) when the user has none.

    `task_row.parties` should be prefetched (see `get_row_for_user`).
    """
    role = role_of(user)
    full = user.is_authenticated and user.has_perm(FULL_ID_PERMISSION)
    if role == Role.OFFICE:
        return RowAccess(task_row, role, people=True, sees_gap=True, full_numbers=full)
    if role == Role.STATISTICS:
        people = user.has_perm(PEOPLE_PERMISSION)
        return RowAccess(task_row, role, people=people, full_numbers=people and full)
    if role == Role.LEADER:
        return RowAccess(task_row, role)
    if role == Role.LIAISON:
        unit = unit_of(user)
        if leads_row(unit, task_row):
            return RowAccess(
                task_row, role, unit=unit, people=True, sees_gap=True, can_enter=True, full_numbers=full
            )
        takes_part = rows_of_unit(unit).filter(pk=task_row.pk).exists()
        if takes_part or _has_entered(unit, task_row):
            return RowAccess(
                task_row,
                role,
                unit=unit,
                people=True,
                only_unit=unit,
                can_enter=takes_part,
                full_numbers=full,
            )
    raise OutOfScope(_("找不到该受益对象名单，或您无权查看。"))


def _rows() -> QuerySet:
    return TaskRow.objects.select_related("project__tier__plan_year", "lead_unit").prefetch_related(
        "parties", "indicators"
    )


def get_row_for_user(user, pk: int) -> tuple[TaskRow, RowAccess]:
    """Fetch and check together: 404 outside the user's scope."""
    task_row = _rows().filter(pk=pk).first()
    if task_row is None:
        raise OutOfScope(_("找不到该受益对象名单，或您无权查看。"))
    return task_row, row_access(user, task_row)


def visible_rows(user) -> QuerySet:
    """Task rows whose list (or counts) the user may open."""
    role = role_of(user)
    if role in READ_ALL_ROLES:
        return TaskRow.objects.all()
    if role == Role.LIAISON:
        unit = unit_of(user)
        entered = Beneficiary.objects.filter(entered_by_unit=unit).values("indicator__task_row")
        return TaskRow.objects.filter(Q(pk__in=rows_of_unit(unit).values("pk")) | Q(pk__in=entered))
    return TaskRow.objects.none()


def entries_for(row_access_: RowAccess) -> QuerySet:
    """The row's entries the user may see as persons; none for counts-only users."""
    if not row_access_.people:
        return Beneficiary.objects.none()
    entries = Beneficiary.objects.of_row(row_access_.task_row)
    if row_access_.only_unit is not None:
        entries = entries.filter(entered_by_unit=row_access_.only_unit)
    return entries


def visible_entries(user) -> QuerySet:
    """Every person the user may see, across all rows: `entries_for` of each row, in one query.

    The admin lists people by this rule, so it shows no one the list pages would hide.
    """
    role = role_of(user)
    if role == Role.OFFICE or (role == Role.STATISTICS and user.has_perm(PEOPLE_PERMISSION)):
        return Beneficiary.objects.all()
    if role == Role.LIAISON:
        unit = unit_of(user)
        if unit is not None:
            # The whole list of the rows it leads; elsewhere, those its unit entered (see row_access).
            return Beneficiary.objects.filter(
                Q(entered_by_unit=unit) | leads_q(unit, prefix="indicator__task_row__")
            )
    return Beneficiary.objects.none()


def counted_entries(row_access_: RowAccess) -> QuerySet:
    """The entries counted on the user's page: the whole row, or the own unit's part of it."""
    entries = Beneficiary.objects.of_row(row_access_.task_row)
    if row_access_.only_unit is not None:
        entries = entries.filter(entered_by_unit=row_access_.only_unit)
    return entries


def get_entry_for_user(user, pk: int) -> tuple[Beneficiary, RowAccess]:
    """One person, with the user's access to its row; 404 unless the user may see that person."""
    entry = (
        Beneficiary.objects.select_related("indicator__task_row", "township", "entered_by_unit")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404(_("找不到该受益对象，或您无权查看。"))
    task_row = _rows().get(pk=entry.indicator.task_row_id)
    access = row_access(user, task_row)
    if not entries_for(access).filter(pk=entry.pk).exists():
        raise OutOfScope(_("找不到该受益对象，或您无权查看。"))
    return entry, access


def can_change_entry(user, entry: Beneficiary) -> bool:
    """The entering unit's liaison, or the office; the lead unit sees others' entries, not edits them."""
    role = role_of(user)
    if role == Role.OFFICE:
        return True
    unit = unit_of(user)
    return unit is not None and entry.entered_by_unit_id == unit.pk


def can_manage_pairs(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_read_pairs(user) -> bool:
    return role_of(user) in READ_ALL_ROLES
