"""Who may see and do what. Views, admin and exports ask this module, and only this one.

- 单位联络员 (liaison): the task rows where the unit takes part (lead, co-lead,
  responsible unit or member of a responsible group); edits its own
  contribution while the submission is open; submits when the unit leads the row.
- 专班办公室 (office): sees everything; returns, approves, forwards, reopens.
- 县统计局 (statistics): sees everything; verifies approved submissions, or returns them.
- 领导 (leader): reads everything, changes nothing.
- 系统管理员 (sysadmin): accounts and settings, no figures.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from projects.models import TaskRow, Unit, UnitGroup
from reporting.models import Contribution, Membership, Role, Submission

READ_ALL_ROLES = {Role.OFFICE, Role.STATISTICS, Role.LEADER}


def membership_of(user) -> Membership | None:
    if not user.is_authenticated:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def role_of(user) -> str | None:
    membership = membership_of(user)
    return membership.role if membership else None


def unit_of(user) -> Unit | None:
    membership = membership_of(user)
    return membership.unit if membership and membership.role == Role.LIAISON else None


def _groups_covering(unit: Unit) -> QuerySet:
    flag = {
        Unit.Kind.TOWNSHIP: "includes_townships",
        Unit.Kind.SUBDISTRICT: "includes_subdistricts",
        Unit.Kind.COUNTY_DEPARTMENT: "includes_county_departments",
    }.get(unit.kind)
    if flag is None:
        return UnitGroup.objects.none()
    return UnitGroup.objects.filter(**{flag: True})


def rows_of_unit(unit: Unit) -> QuerySet:
    """Task rows in which the unit takes part, in any role."""
    return TaskRow.objects.filter(
        Q(lead_unit=unit) | Q(parties__unit=unit) | Q(parties__group__in=_groups_covering(unit))
    ).distinct()


def visible_task_rows(user) -> QuerySet:
    role = role_of(user)
    if role in READ_ALL_ROLES:
        return TaskRow.objects.all()
    if role == Role.LIAISON:
        return rows_of_unit(unit_of(user))
    return TaskRow.objects.none()


def visible_submissions(user) -> QuerySet:
    role = role_of(user)
    if role in READ_ALL_ROLES:
        return Submission.objects.all()
    if role == Role.LIAISON:
        return Submission.objects.filter(task_row__in=rows_of_unit(unit_of(user)))
    return Submission.objects.none()


def unit_takes_part(unit: Unit, task_row: TaskRow) -> bool:
    return rows_of_unit(unit).filter(pk=task_row.pk).exists()


def leads_row(unit: Unit | None, task_row: TaskRow) -> bool:
    """The lead unit, or a co-lead named beside it (县公路建设养护中心 beside 县交通运输局)."""
    if unit is None:
        return False
    if task_row.lead_unit_id == unit.pk:
        return True
    return any(party.unit_id == unit.pk and party.role == "co_lead" for party in task_row.parties.all())


def can_read_figures(user) -> bool:
    return role_of(user) in READ_ALL_ROLES | {Role.LIAISON}


def owns_contribution(user, contribution: Contribution) -> bool:
    unit = unit_of(user)
    return unit is not None and contribution.unit_id == unit.pk


def can_edit_contribution(user, contribution: Contribution) -> bool:
    return owns_contribution(user, contribution) and contribution.submission.status in (
        Submission.Status.DRAFT,
        Submission.Status.RETURNED,
    )


def can_submit(user, submission: Submission) -> bool:
    return leads_row(unit_of(user), submission.task_row) and submission.status in (
        Submission.Status.DRAFT,
        Submission.Status.RETURNED,
    )


def can_approve(user, submission: Submission) -> bool:
    return role_of(user) == Role.OFFICE and submission.status == Submission.Status.SUBMITTED


def can_verify(user, submission: Submission) -> bool:
    return role_of(user) == Role.STATISTICS and submission.status == Submission.Status.APPROVED


def can_return(user, submission: Submission) -> bool:
    role = role_of(user)
    return (role == Role.OFFICE and submission.status == Submission.Status.SUBMITTED) or (
        role == Role.STATISTICS and submission.status == Submission.Status.APPROVED
    )


def can_forward(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_reopen(user, submission: Submission) -> bool:
    return role_of(user) == Role.OFFICE and submission.is_locked


def can_review(user) -> bool:
    return role_of(user) in (Role.OFFICE, Role.STATISTICS)


def get_submission_for_user(user, pk: int) -> Submission:
    """Fetch and check together: 404 outside the user's scope."""
    submission = (
        visible_submissions(user)
        .select_related("reporting_month__plan_year", "task_row__project__tier", "task_row__lead_unit")
        .prefetch_related("task_row__parties")
        .filter(pk=pk)
        .first()
    )
    if submission is None:
        raise Http404(_("找不到该报送，或您无权查看。"))
    return submission


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("您没有执行此操作的权限。"))
