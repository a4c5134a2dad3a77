"""What the application keeps about an account beyond Django's user: its role, and the first-login rule."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import Unit


class PasswordState(models.Model):
    """Whether the user must choose a new password before doing anything else.

    Set when the system administrator creates an account or resets its password, and for
    the demo accounts; cleared when the user changes the password.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="password_state",
        verbose_name=_("用户"),
    )
    must_change = models.BooleanField(_("首次登录须修改密码"), default=False)
    changed_at = models.DateTimeField(_("最近修改密码时间"), null=True, blank=True)
    # SHA-256 of the stored password hash last found not to be the demo password, so the check
    # at every start (accounts.checks) hashes only new or changed passwords.
    verified_not_demo = models.CharField(_("已核验非演示密码"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("密码状态")
        verbose_name_plural = _("密码状态")

    def __str__(self):
        return f"{self.user}"


class PasswordHistory(models.Model):
    """A password the user had before, as its salted hash (never the password itself).

    Written when a password is replaced (accounts.signals); the newest KEPT of them are kept,
    so a new password can differ from the current one and the last KEPT (accounts.validators).
    """

    KEPT = 5

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="password_history",
        verbose_name=_("用户"),
    )
    password = models.CharField(_("密码哈希"), max_length=128, editable=False)
    replaced_at = models.DateTimeField(_("停用时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-replaced_at", "-pk"]

    def __str__(self):
        return f"{self.user}"


class Role(models.TextChoices):
    LIAISON = "liaison", _("单位联络员")
    OFFICE = "office", _("专班办公室")
    STATISTICS = "statistics", _("县统计局")
    LEADER = "leader", _("领导")
    # The three administrators (三员): accounts; roles and permissions; the audit log.
    SYSADMIN = "sysadmin", _("系统管理员")
    SECURITY = "security", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")


# Who reads every figure (and nothing else), the three administrators (三员, none of whom reads or
# changes figures), who reads figures at all (liaisons their unit's), who reviews submissions.
READ_ALL_ROLES = frozenset({Role.OFFICE, Role.STATISTICS, Role.LEADER})
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECURITY, Role.AUDITOR})
FIGURE_ROLES = READ_ALL_ROLES | {Role.LIAISON}
REVIEW_ROLES = frozenset({Role.OFFICE, Role.STATISTICS})


class Membership(models.Model):
    """A user's role in the application, and the unit or leader it is bound to.

    One role per user (the one-to-one link is the database's guarantee), so no account
    holds two of the three administrator roles; an administrator also holds no superuser
    flag, group or direct permission that would add another's powers (checked on save,
    and on every group or permission change in accounts.signals).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("用户"),
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("所属单位"),
    )
    person = models.ForeignKey(
        "projects.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("对应人员"),
        help_text=_("领导账号对应的牵头领导。"),
    )
    # The tables keep the names they had when the model lived in the reporting app.
    history = HistoricalRecords(table_name="reporting_historicalmembership")

    class Meta:
        db_table = "reporting_membership"
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="liaison") | Q(unit__isnull=False),
                name="membership_liaison_has_unit",
            ),
        ]

    def __str__(self):
        return f"{self.user}（{self.get_role_display()}）"

    def save(self, *args, **kwargs):
        self.check_separation_of_duties()
        super().save(*args, **kwargs)

    @property
    def is_administrator(self) -> bool:
        return self.role in ADMIN_ROLES

    def clean(self):
        super().clean()
        self.check_separation_of_duties()

    def check_separation_of_duties(self) -> None:
        if not self.is_administrator or self.user_id is None:
            return
        user = self.user
        if user.is_superuser or user.groups.exists() or user.user_permissions.exists():
            raise ValidationError(
                {
                    "role": _(
                        "三员分立：%(role)s账号不能同时是超级用户，也不能加入用户组或直接持有权限。"
                        "请先在“用户”中取消这些设置。"
                    )
                    % {"role": self.get_role_display()}
                }
            )
