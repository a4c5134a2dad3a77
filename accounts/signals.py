"""Audit rows of logins, lockouts and logouts, and of account, group and permission changes.

Also the rules of separated duties that no path may get round: the system, security and
audit administrators hold no superuser flag, no group and no direct permission.
"""

import time

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from accounts.models import ADMIN_ROLES, Membership, Role
from accounts.services import (
    SESSION_LOGIN_AT,
    SESSION_MUST_CHANGE,
    must_change_password,
    remember_replaced_password,
)
from audit.models import AuditEvent
from audit.services import record

User = get_user_model()
WATCHED_FLAGS = ("is_active", "is_staff", "is_superuser")
# Who the account is: a rename or a new e-mail address is recorded with the old and new value.
WATCHED_DETAILS = ("username", "first_name", "last_name", "email")
WATCHED = (*WATCHED_DETAILS, *WATCHED_FLAGS)


@receiver(user_logged_in, dispatch_uid="accounts_logged_in")
def on_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LOGIN_AT] = time.time()
        request.session[SESSION_MUST_CHANGE] = must_change_password(user)
    record(event="login", request=request, user=user)


@receiver(user_login_failed, dispatch_uid="accounts_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Only the name typed: Django has already masked the password in `credentials`, and it is not kept.
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    record(event="login", request=request, username=username, outcome=AuditEvent.Outcome.FAILURE)


@receiver(user_locked_out, dispatch_uid="accounts_locked_out")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    record(
        event="login.locked",
        request=request,
        username=str(username or ""),
        outcome=AuditEvent.Outcome.DENIED,
        detail={
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "locked_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )


@receiver(user_logged_out, dispatch_uid="accounts_logged_out")
def on_logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "audit_logout_reason", "user")
    record(event="logout", request=request, user=user, detail={"reason": reason})


# --- separated duties -----------------------------------------------------------------------------


def admin_role_of(user) -> str | None:
    if user is None or user.pk is None:
        return None
    role = Membership.objects.filter(user_id=user.pk).values_list("role", flat=True).first()
    return role if role in ADMIN_ROLES else None


def refuse_for_admin_role(user, what: str) -> None:
    role = admin_role_of(user)
    if role is not None:
        raise ValidationError(
            _("三员分立：%(role)s账号不能%(what)s。") % {"role": Role(role).label, "what": what},
            code="separation_of_duties",
        )


# --- accounts ------------------------------------------------------------------------------------


@receiver(pre_save, sender=User, dispatch_uid="accounts_user_pre_save")
def before_user_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    if instance.is_superuser:
        refuse_for_admin_role(instance, _("同时是超级用户"))
    if instance.pk is None:
        return
    before = User.objects.filter(pk=instance.pk).values(*WATCHED, "password").first()
    instance._audit_before = before


@receiver(post_save, sender=User, dispatch_uid="accounts_user_post_save")
def after_user_saved(sender, instance, created, update_fields=None, **kwargs):
    if created:
        record(
            event="account.created",
            obj=instance,
            detail={flag: getattr(instance, flag) for flag in WATCHED_FLAGS},
        )
        return
    before = getattr(instance, "_audit_before", None)
    if not before:
        return
    changes = {
        field: [before[field], getattr(instance, field)]
        for field in WATCHED
        if before[field] != getattr(instance, field)
    }
    password_changed = before["password"] != instance.password
    instance._audit_before = None
    if password_changed:
        remember_replaced_password(user=instance, encoded=before["password"])
    if changes or password_changed:
        # That the password changed, never what it is or was.
        record(
            event="account.changed",
            obj=instance,
            detail={"changes": changes, "password_changed": password_changed},
        )


# --- groups and permissions ----------------------------------------------------------------------


def _names(model, pk_set) -> list[str]:
    if not pk_set:
        return []
    if model is Group or model is User:
        return sorted(str(item) for item in model.objects.filter(pk__in=pk_set))
    return sorted(
        f"{app}.{codename}"
        for app, codename in model.objects.filter(pk__in=pk_set).values_list(
            "content_type__app_label", "codename"
        )
    )


def _on_m2m(relation: str, instance, action, reverse, model, pk_set):
    if action == "pre_add":
        for user in list(User.objects.filter(pk__in=pk_set or [])) if reverse else [instance]:
            refuse_for_admin_role(user, _("加入用户组或直接授予权限"))
        return
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if action == "pre_clear":
        field = getattr(instance, relation)
        pk_set = set(field.values_list("pk", flat=True))
    record(
        event="permission.changed",
        obj=instance,
        detail={
            "relation": relation,
            "action": {"post_add": "add", "post_remove": "remove", "pre_clear": "clear"}[action],
            "items": _names(model, pk_set),
        },
    )


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts_user_groups")
def on_user_groups(sender, instance, action, reverse, model, pk_set, **kwargs):
    _on_m2m("user_set" if reverse else "groups", instance, action, reverse, model, pk_set)


@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="accounts_user_permissions")
def on_user_permissions(sender, instance, action, reverse, model, pk_set, **kwargs):
    _on_m2m("user_set" if reverse else "user_permissions", instance, action, reverse, model, pk_set)


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="accounts_group_permissions")
def on_group_permissions(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action == "pre_add":
        return  # a group may hold any permission; it is the admin roles that may hold no group
    _on_m2m("group_set" if reverse else "permissions", instance, action, reverse, model, pk_set)


# --- groups themselves ----------------------------------------------------------------------------


@receiver(pre_save, sender=Group, dispatch_uid="accounts_group_pre_save")
def before_group_saved(sender, instance, **kwargs):
    instance._audit_name = (
        Group.objects.filter(pk=instance.pk).values_list("name", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=Group, dispatch_uid="accounts_group_post_save")
def after_group_saved(sender, instance, created, **kwargs):
    if created:
        record(event="group.created", obj=instance)
        return
    before = getattr(instance, "_audit_name", None)
    if before is not None and before != instance.name:
        record(event="group.changed", obj=instance, detail={"changes": {"name": [before, instance.name]}})


@receiver(pre_delete, sender=Group, dispatch_uid="accounts_group_pre_delete")
def before_group_deleted(sender, instance, **kwargs):
    """Deleting a group takes its permissions from every member: which ones, and from whom."""
    record(
        event="group.deleted",
        obj=instance,
        detail={
            "permissions": _names(Permission, set(instance.permissions.values_list("pk", flat=True))),
            "members": sorted(instance.user_set.values_list("username", flat=True)),
        },
    )
