"""API clients (each with one token, stored hashed) and the answers kept for idempotent writes.

A client is created by the security administrator (api.admin) with a scope, an expiry and an
allowed address range; its token is shown once. Each client acts through its own account
(`user`), which cannot sign in: the history of every figure it writes names it.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import Unit


def parse_networks(text: str) -> list:
    """The CIDR ranges of `text` (comma, space or newline separated); ValidationError naming a bad one."""
    networks = []
    for item in text.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValidationError(
                _("“%(item)s”不是有效的地址段，应写成如 10.20.0.0/16 或 192.168.1.10/32。") % {"item": item}
            ) from None
    return networks


def validate_networks(text: str) -> None:
    parse_networks(text)


class ApiClient(models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True, help_text=_("如“市级民生实事平台”。"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        verbose_name=_("接口账号"),
        help_text=_("系统自动创建的、不能登录的账号；其写入的数据在历史中以此账号记名。"),
    )
    can_write = models.BooleanField(_("可写入"), default=False)
    write_units = models.ManyToManyField(
        Unit, blank=True, related_name="api_clients", verbose_name=_("可写入的单位")
    )
    working_view = models.BooleanField(
        _("可读工作视图"),
        default=False,
        help_text=_("可读取尚未核验的数据（每个数据标明状态）；否则只读已核验数据。"),
    )
    personal_data = models.BooleanField(
        _("可读受益对象明细"), default=False, help_text=_("默认脱敏；每次读取都写入审计日志。")
    )
    reveal_id_numbers = models.BooleanField(
        _("可读完整身份证号"),
        default=False,
        help_text=_("须同时可读受益对象明细；每次读取完整号码都写入审计日志。"),
    )
    expires_at = models.DateTimeField(_("有效期至"))
    allowed_networks = models.TextField(
        _("允许的地址段"),
        validators=[validate_networks],
        help_text=_("逗号或换行分隔的 CIDR，如 10.20.0.0/16,192.168.1.10/32；不得为空。"),
    )
    token_prefix = models.CharField(_("令牌前缀"), max_length=16, editable=False)
    token_hash = models.CharField(_("令牌散列"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("创建人"),
    )
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("吊销人"),
    )
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"], m2m_fields=[write_units])

    class Meta:
        verbose_name = _("接口客户端")
        verbose_name_plural = _("接口客户端")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
                name="apiclient_revoked_has_actor",
            ),
            models.CheckConstraint(condition=~Q(allowed_networks=""), name="apiclient_has_networks"),
            models.CheckConstraint(
                condition=Q(reveal_id_numbers=False) | Q(personal_data=True),
                name="apiclient_reveal_needs_personal_data",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def allows_address(self, address: str | None) -> bool:
        if not address:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in parse_networks(self.allowed_networks))

    def clean(self):
        super().clean()
        if not (self.allowed_networks or "").strip():
            raise ValidationError({"allowed_networks": _("请填写允许的地址段。")})
        if self.reveal_id_numbers and not self.personal_data:
            raise ValidationError({"reveal_id_numbers": _("须先允许读取受益对象明细。")})


class IdempotentRequest(models.Model):
    """The first answer to a write sent with an Idempotency-Key: a repeat gets it back, unwritten."""

    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="idempotent_requests", verbose_name=_("客户端")
    )
    key = models.CharField(_("幂等键"), max_length=200)
    request_hash = models.CharField(_("请求散列"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("状态码"))
    response = models.JSONField(_("答复"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("幂等请求")
        verbose_name_plural = _("幂等请求")
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotentrequest_unique_key"),
        ]

    def __str__(self):
        return f"{self.client} · {self.key}"
