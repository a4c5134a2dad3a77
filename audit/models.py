"""An append-only audit log: who did what, when, from where, to which object, with what outcome.

Rows are written in the same transaction as the action they record, never
changed or deleted through the application, and never hold a password or a
full ID number.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失败")
        DENIED = "denied", _("拒绝")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    # The user's id in a plain integer column (user_id) with no database constraint, so a row keeps
    # pointing at the person after a rename (username below is the name at the time) and after the
    # account is deleted (DO_NOTHING: the id stays; `user` then finds no row).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("用户"),
        db_constraint=False,
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    unit = models.CharField(_("单位"), max_length=100, blank=True)
    client_address = models.GenericIPAddressField(_("客户端地址"), null=True, blank=True)
    event = models.CharField(_("事件"), max_length=50, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["username", "at"]), models.Index(fields=["unit", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.event}"
