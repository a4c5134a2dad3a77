"""What the application keeps about an account beyond Django's user: the first-login password rule."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
