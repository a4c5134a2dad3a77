"""Roles: who holds which, and what the three administrators (三员分立) may do.

- 单位联络员 (liaison): the task rows where the unit takes part; bound to its unit.
- 专班办公室 (office), 县统计局 (statistics), 领导 (leader): read every figure (READ_ALL_ROLES).
- 系统管理员 (sysadmin): creates accounts, resets passwords, deactivates and unlocks them;
  cannot grant roles or permissions, cannot read the audit log.
- 安全管理员 (security): grants roles (Membership), groups and permissions, and creates and revokes
  the API clients and their tokens (api.admin); cannot create
  accounts or reset passwords, cannot read the audit log, cannot change their own grants.
- 审计管理员 (auditor): reads and exports the audit log, nothing else.
The superuser made at installation (createsuperuser) may create accounts and grant roles,
to set up the three administrators; it is then deactivated (README). It does not read the log.
What each role may do with figures is in reporting.access; with evaluations in evaluation.access.
"""

from accounts.models import ADMIN_ROLES, Membership, Role
from projects.models import Unit


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


# --- the three administrators (三员分立) ------------------------------------------------------------


def installation_superuser(user) -> bool:
    """The superuser of the first installation: a superuser with no role in the application."""
    return user.is_authenticated and user.is_active and user.is_superuser and role_of(user) is None


def can_manage_accounts(user) -> bool:
    """Create accounts, edit names and e-mail, reset passwords, deactivate and unlock."""
    return role_of(user) == Role.SYSADMIN or installation_superuser(user)


def protected_account(target) -> bool:
    """A superuser (active or not) or one of the three administrators."""
    return target.is_superuser or role_of(target) in ADMIN_ROLES


def can_manage_account(user, target) -> bool:
    """Change, deactivate, reactivate, unlock or reset this account.

    The system administrator does not touch a superuser or another of the three administrators,
    so it cannot take over an account with more powers than its own: only the installation
    superuser, or the server's operator (manage.py changepassword), can.
    """
    if not can_manage_accounts(user) or target is None:
        return False
    if installation_superuser(user) or target.pk == user.pk:
        return True
    return not protected_account(target)


def can_reset_password_of(user, target) -> bool:
    return can_manage_account(user, target)


def can_grant_roles(user) -> bool:
    """Grant roles (Membership), staff access, groups and permissions."""
    return role_of(user) == Role.SECURITY or installation_superuser(user)


def can_change_grants_of(user, target) -> bool:
    """Nobody grants themselves a role or a permission."""
    return can_grant_roles(user) and (target is None or target.pk != user.pk)


def can_read_audit_log(user) -> bool:
    return role_of(user) == Role.AUDITOR


def can_manage_api_clients(user) -> bool:
    """Create, change and revoke API clients and their tokens (api.admin): the security administrator.

    Not the system administrator, who makes accounts for people, nor the installation superuser.
    """
    return role_of(user) == Role.SECURITY
