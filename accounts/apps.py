from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("账号与安全")

    def ready(self):
        from accounts import checks, signals  # noqa: F401 - registers the checks and receivers
        from audit import registry

        registry.audit_history_of("accounts")
        registry.model_moved(("reporting", "membership"), ("accounts", "membership"))
        registry.label_events(
            {
                "account.created": _("新建账号"),
                "account.changed": _("账号变更"),
                "account.unlocked": _("解除登录锁定"),
                "account.password_changed": _("修改密码"),
                "account.password_must_change": _("设置首次登录须改密码"),
                "permission.changed": _("用户组与权限变更"),
                "group.created": _("新建用户组"),
                "group.changed": _("修改用户组"),
                "group.deleted": _("删除用户组"),
            }
        )
