"""Accounts and groups in the admin, split between the system and the security administrator.

- 系统管理员 creates accounts, edits names and e-mail, resets passwords, deactivates and unlocks;
  the groups, permissions and staff/superuser flags are read-only to them.
- 安全管理员 grants staff access, groups and permissions and roles (MembershipAdmin, below),
  never their own; names, passwords and activity are read-only to them.
- Deleting an account is left to the installation superuser: accounts are deactivated, so the
  history and the audit log keep pointing at who did what.
Every new account and every password reset must be followed by a change at first login.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import roles, services
from accounts.forms import AccountChangeForm, AccountCreationForm
from accounts.models import Membership, PasswordState
from audit.models import AuditEvent
from core.admin import HistoryAdmin

User = get_user_model()

admin.site.unregister(User)
admin.site.unregister(Group)

ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", "is_active")
GRANT_FIELDS = ("is_staff", "groups", "user_permissions")
READ_ONLY_ALWAYS = ("is_superuser", "last_login", "date_joined")


class ResetPasswordForm(AdminPasswordChangeForm):
    """A password set by the system administrator is temporary: the user must change it at login."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit and user.has_usable_password():
            services.require_password_change(user=user)
        return user


@admin.register(User)
class AccountAdmin(DjangoUserAdmin):
    form = AccountChangeForm
    add_form = AccountCreationForm
    change_password_form = ResetPasswordForm
    list_display = ["username", "first_name", "role", "is_active", "is_staff", "must_change", "last_login"]
    list_filter = ["is_active", "is_staff", "membership__role"]
    list_select_related = ["membership", "password_state"]
    actions = ["unlock"]

    # --- who may do what --------------------------------------------------------------------------

    def _manages(self, request) -> bool:
        return roles.can_manage_accounts(request.user)

    def _grants(self, request) -> bool:
        return roles.can_grant_roles(request.user)

    def has_module_permission(self, request):
        return self._manages(request) or self._grants(request)

    def has_view_permission(self, request, obj=None):
        return self._manages(request) or self._grants(request)

    def has_add_permission(self, request):
        return self._manages(request)

    def has_change_permission(self, request, obj=None):
        manages = self._manages(request) and (obj is None or roles.can_manage_account(request.user, obj))
        return manages or roles.can_change_grants_of(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return roles.installation_superuser(request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self._manages(request):
            actions.pop("unlock", None)
        return actions

    # --- what they see --------------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)
        if roles.installation_superuser(request.user):
            return super().get_fieldsets(request, obj)
        account = ("username", "password") if self._manages(request) else ("username",)
        return (
            (None, {"fields": account}),
            (_("个人信息"), {"fields": ("first_name", "last_name", "email")}),
            (_("状态与授权"), {"fields": ("is_active", *GRANT_FIELDS, "is_superuser")}),
            (_("重要日期"), {"fields": ("last_login", "date_joined")}),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if roles.installation_superuser(request.user):
            return READ_ONLY_ALWAYS[1:]
        if self._manages(request):
            return (*GRANT_FIELDS, *READ_ONLY_ALWAYS)
        return (*ACCOUNT_FIELDS, *READ_ONLY_ALWAYS)

    @admin.display(description=_("角色"), ordering="membership__role")
    def role(self, user):
        membership = getattr(user, "membership", None)
        return membership.get_role_display() if membership else "—"

    @admin.display(description=_("须修改密码"), boolean=True)
    def must_change(self, user):
        try:
            return user.password_state.must_change
        except PasswordState.DoesNotExist:
            return False

    # --- writes ---------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            services.require_password_change(user=obj, request=request)

    def user_change_password(self, request, id, form_url=""):
        target = self.get_object(request, id)
        if not roles.can_reset_password_of(request.user, target):
            raise PermissionDenied
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)

    @admin.action(description=_("解除登录失败锁定"))
    def unlock(self, request, queryset):
        if not self._manages(request):
            raise PermissionDenied
        users = [user for user in queryset if roles.can_manage_account(request.user, user)]
        for user in users:
            services.unlock(user=user, request=request)
        self.message_user(
            request,
            gettext("已解除%(count)s个账号的登录锁定。") % {"count": len(users)},
            messages.SUCCESS,
        )
        if len(users) < len(queryset):
            self.message_user(
                request,
                gettext("超级用户和三员账号的锁定只能由安装用超级用户或服务器运维人员解除。"),
                messages.WARNING,
            )


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """Groups bundle permissions: granted by the security administrator alone."""

    def has_module_permission(self, request):
        return roles.can_grant_roles(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.can_grant_roles(request.user)

    def has_add_permission(self, request):
        return roles.can_grant_roles(request.user)

    def has_change_permission(self, request, obj=None):
        return roles.can_grant_roles(request.user)

    def has_delete_permission(self, request, obj=None):
        return roles.can_grant_roles(request.user)


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    """Roles are granted by the security administrator alone (三员分立), never to themselves.

    The office may look the roles up; every grant, change and removal is in the history and
    the audit log.
    """

    list_display = ["user", "role", "unit", "person"]
    list_filter = ["role", "unit__kind"]
    list_select_related = ["user", "unit", "person"]
    search_fields = ["user__username", "user__first_name", "unit__name", "person__name"]
    raw_id_fields = ["user"]

    def has_module_permission(self, request):
        return roles.can_grant_roles(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return roles.can_grant_roles(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return roles.can_grant_roles(request.user)

    def has_change_permission(self, request, obj=None):
        return roles.can_change_grants_of(request.user, obj.user if obj is not None else None)

    def has_delete_permission(self, request, obj=None):
        return roles.can_change_grants_of(request.user, obj.user if obj is not None else None)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only, and for the audit administrator only (the audit pages at /audit/ are the usual way).

    Nobody changes or deletes an audit row through the application; the superuser and the
    other administrators do not read it.
    """

    list_display = ["at", "username", "unit", "client_address", "event", "object_repr", "outcome"]
    list_filter = ["event", "outcome", "unit"]
    search_fields = ["username", "unit", "object_repr", "event"]
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return roles.can_read_audit_log(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.can_read_audit_log(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
