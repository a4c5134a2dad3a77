"""Who may see and do what. Views, admin and exports ask this module, and only this one.

- 单位联络员 (liaison): the task rows where the unit takes part (lead, co-lead,
  responsible unit or member of a responsible group); edits its own
  contribution while the submission is open; submits when the unit leads the row.
- 专班办公室 (office): sees everything; returns, approves, forwards, reopens.
- 县统计局 (statistics): sees everything; verifies approved submissions, or returns them.
- 领导 (leader): reads everything, changes nothing.

The three administrators (三员分立), none of whom reads or changes figures:
- 系统管理员 (sysadmin): creates accounts, resets passwords, deactivates and unlocks them;
  cannot grant roles or permissions, cannot read the audit log.
- 安全管理员 (security): grants roles (Membership), groups and permissions; cannot create
  accounts or reset passwords, cannot read the audit log, cannot change their own grants.
- 审计管理员 (auditor): reads and exports the audit log, nothing else.
The superuser made at installation (createsuperuser) may create accounts and grant roles,
to set up the three administrators; it is then deactivated (README). It does not read the log.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from projects.models import TaskRow, TaskRowParty, Unit, UnitGroup
from reporting.models import Membership, Role, Submission

READ_ALL_ROLES = {Role.OFFICE, Role.STATISTICS, Role.LEADER}
ADMIN_ROLES = {Role.SYSADMIN, Role.SECURITY, Role.AUDITOR}


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
    # A subquery rather than a join: a join repeats a row per matching party and needs DISTINCT.
    parties = TaskRowParty.objects.filter(Q(unit=unit) | Q(group__in=_groups_covering(unit)))
    return TaskRow.objects.filter(Q(lead_unit=unit) | Q(pk__in=parties.values("task_row_id")))


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


def unit_leads(unit: Unit) -> ExpressionWrapper:
    """An annotation for task rows: `leads_row` in SQL, for reading many rows in one query."""
    co_lead = TaskRowParty.objects.filter(task_row=OuterRef("pk"), unit=unit, role=TaskRowParty.Role.CO_LEAD)
    return ExpressionWrapper(Q(lead_unit=unit) | Exists(co_lead), output_field=BooleanField())


def leads_row(unit: Unit | None, task_row: TaskRow) -> bool:
    """The lead unit, or a co-lead named beside it (县公路建设养护中心 beside 县交通运输局)."""
    if unit is None:
        return False
    if task_row.lead_unit_id == unit.pk:
        return True
    return any(party.unit_id == unit.pk and party.role == "co_lead" for party in task_row.parties.all())


def can_read_figures(user) -> bool:
    return role_of(user) in READ_ALL_ROLES | {Role.LIAISON}


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


def can_view_dashboards(user) -> bool:
    """The leaders' dashboards (驾驶舱): read-only, for everyone who reads all figures."""
    return role_of(user) in READ_ALL_ROLES


def can_export_notice_list(user) -> bool:
    """The task force's notice list (通报名单) as a spreadsheet: the office's to circulate."""
    return role_of(user) == Role.OFFICE


def can_change_status_rule(user) -> bool:
    """The year's red-amber-green thresholds are set by the office, in the admin."""
    return role_of(user) == Role.OFFICE and user.is_staff


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


# --- Target adjustments, year-end evaluation and unit scores (projects.targets, evaluation) ---------
# A liaison acts for the rows its unit leads (lead or co-lead, as `leads_row`); the office reviews
# adjustments, records the county government's decisions, returns self-evaluations, runs the public
# notice and sets the score weights; the statistics bureau certifies final figures; the leader reads.


def can_file_adjustment(user, task_row: TaskRow) -> bool:
    return leads_row(unit_of(user), task_row)


def can_review_adjustment(user, adjustment) -> bool:
    return role_of(user) == Role.OFFICE and adjustment.status == "submitted"


def can_record_adjustment_decision(user, adjustment) -> bool:
    return role_of(user) == Role.OFFICE and adjustment.status == "reviewed"


def visible_adjustments(user) -> QuerySet:
    from projects.models import TargetAdjustment

    role = role_of(user)
    if role in READ_ALL_ROLES:
        return TargetAdjustment.objects.all()
    if role == Role.LIAISON:
        return TargetAdjustment.objects.filter(unit=unit_of(user))
    return TargetAdjustment.objects.none()


def get_adjustment_for_user(user, pk: int):
    """Fetch and check together: 404 outside the user's scope."""
    adjustment = visible_adjustments(user).select_related("plan_year", "unit").filter(pk=pk).first()
    if adjustment is None:
        raise Http404(_("找不到该调整申请，或您无权查看。"))
    return adjustment


def can_read_evaluation(user, task_row: TaskRow) -> bool:
    return role_of(user) in READ_ALL_ROLES or leads_row(unit_of(user), task_row)


def get_evaluation_row_for_user(user, pk: int) -> TaskRow:
    """A task row's year-end evaluation page: 404 for anyone but the readers and the row's lead unit."""
    task_row = (
        TaskRow.objects.select_related("project__tier__plan_year", "lead_unit")
        .prefetch_related("parties")
        .filter(pk=pk)
        .first()
    )
    if task_row is None or not can_read_evaluation(user, task_row):
        raise Http404(_("找不到该任务，或您无权查看。"))
    return task_row


def can_edit_self_evaluation(user, task_row: TaskRow, self_evaluation=None) -> bool:
    return leads_row(unit_of(user), task_row) and (self_evaluation is None or self_evaluation.is_open)


def can_return_self_evaluation(user, self_evaluation) -> bool:
    return role_of(user) == Role.OFFICE and self_evaluation is not None and self_evaluation.is_submitted


def can_certify(user) -> bool:
    return role_of(user) == Role.STATISTICS


def can_manage_notice(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_read_scores(user) -> bool:
    return role_of(user) in READ_ALL_ROLES


def can_read_unit_score(user, unit: Unit) -> bool:
    own = unit_of(user)
    return can_read_scores(user) or (own is not None and own.pk == unit.pk)


def can_set_score_weights(user) -> bool:
    return role_of(user) == Role.OFFICE


# --- the three administrators (三员分立) ------------------------------------------------------------


def _installation_superuser(user) -> bool:
    """The superuser of the first installation: a superuser with no role in the application."""
    return user.is_authenticated and user.is_active and user.is_superuser and role_of(user) is None


def can_manage_accounts(user) -> bool:
    """Create accounts, edit names and e-mail, reset passwords, deactivate and unlock."""
    return role_of(user) == Role.SYSADMIN or _installation_superuser(user)


def can_reset_password_of(user, target) -> bool:
    """Another administrator's password is reset on the server (manage.py changepassword), so the
    system administrator cannot take over the security or audit administrator's account."""
    if not can_manage_accounts(user) or target is None:
        return False
    return target.pk == user.pk or role_of(target) not in ADMIN_ROLES


def can_grant_roles(user) -> bool:
    """Grant roles (Membership), staff access, groups and permissions."""
    return role_of(user) == Role.SECURITY or _installation_superuser(user)


def can_change_grants_of(user, target) -> bool:
    """Nobody grants themselves a role or a permission."""
    return can_grant_roles(user) and (target is None or target.pk != user.pk)


def can_read_audit_log(user) -> bool:
    return role_of(user) == Role.AUDITOR
