"""The exchange between installations: where a county pushes its forwarded months, and what it received.

Sending side: `ReceivingInstallation` (a prefecture's or the province's installation), its
`CodeMapping` (our code → theirs) and a `PushAttempt` per push. Receiving side: `ReceivedFigure`,
one per sender, month, indicator and unit, with its history, and `ReceivedBatch`, one per accepted
push (its Idempotency-Key and answer, so a repeated push is answered the same and writes nothing).
"""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from api.models import ApiClient

ENV_NAME = RegexValidator(r"^[A-Z][A-Z0-9_]{0,99}$", _("环境变量名只能由大写字母、数字和下划线组成。"))


class ReceivingInstallation(models.Model):
    """An installation this one pushes its forwarded months to.

    The token is never stored here: `token_env` names the environment variable that holds it,
    as SECRET_KEY is held, so it is in no backup, no admin page and no history.
    """

    name = models.CharField(_("名称"), max_length=100, unique=True, help_text=_("如“邵阳市平台”。"))
    base_url = models.URLField(
        _("接口地址"), help_text=_("对方平台的地址，如 https://minsheng.shaoyang.gov.cn")
    )
    token_env = models.CharField(
        _("令牌环境变量"),
        max_length=100,
        validators=[ENV_NAME],
        help_text=_("存放对方签发的接口令牌的环境变量名，如 EXCHANGE_TOKEN_SHAOYANG；令牌本身不存入数据库。"),
    )
    same_codes = models.BooleanField(
        _("对方使用相同代码"),
        default=False,
        help_text=_("勾选后，未在代码对照表中列出的代码按原样发送；不勾选时，未对照的代码拒绝推送。"),
    )
    is_active = models.BooleanField(_("启用"), default=True, help_text=_("停用后定时推送跳过该平台。"))
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("接收平台")
        verbose_name_plural = _("接收平台")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CodeMapping(models.Model):
    """Our code of a unit or an indicator, and the receiving installation's code for it."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("单位")
        INDICATOR = "indicator", _("指标")

    installation = models.ForeignKey(
        ReceivingInstallation, on_delete=models.CASCADE, related_name="mappings", verbose_name=_("接收平台")
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    our_code = models.CharField(_("本平台代码"), max_length=100)
    their_code = models.CharField(_("对方代码"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("代码对照")
        verbose_name_plural = _("代码对照")
        ordering = ["installation", "kind", "our_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "kind", "our_code"], name="codemapping_one_per_code"
            ),
            models.UniqueConstraint(
                fields=["installation", "kind", "their_code"], name="codemapping_their_code_once"
            ),
            models.CheckConstraint(
                condition=~Q(our_code="") & ~Q(their_code=""), name="codemapping_codes_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.our_code} → {self.their_code}"


class PushAttempt(models.Model):
    """One push of a month to an installation: what, when, how it ended and what the receiver answered."""

    class Result(models.TextChoices):
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("成功")
        DRY_RUN = "dry_run", _("试运行（未发送）")
        REFUSED = "refused", _("拒绝推送")
        FAILED = "failed", _("失败")

    class Trigger(models.TextChoices):
        COMMAND = "command", _("手工推送")
        SCHEDULE = "schedule", _("定时推送")
        RETRY = "retry", _("重新推送")

    installation = models.ForeignKey(
        ReceivingInstallation, on_delete=models.PROTECT, related_name="pushes", verbose_name=_("接收平台")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(
        _("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    dry_run = models.BooleanField(_("试运行"), default=False)
    trigger = models.CharField(_("方式"), max_length=20, choices=Trigger.choices, default=Trigger.COMMAND)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    result = models.CharField(_("结果"), max_length=20, choices=Result.choices, default=Result.RUNNING)
    value_count = models.PositiveIntegerField(_("数据条数"), default=0)
    content_hash = models.CharField(_("内容摘要"), max_length=64, blank=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=200, blank=True)
    tries = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    response_status = models.PositiveSmallIntegerField(_("对方应答状态"), null=True, blank=True)
    response_excerpt = models.TextField(_("对方应答摘录"), blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["installation", "year", "month", "result"])]
        constraints = [
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="pushattempt_month_1_12"),
            models.CheckConstraint(
                condition=~Q(result="failed") | ~Q(error=""), name="pushattempt_failure_has_error"
            ),
        ]

    def __str__(self):
        return f"{self.installation} {self.year}年{self.month}月 {self.get_result_display()}"


class Sender(models.Model):
    """An installation allowed to push its months here (the "exchange receive" scope of an API client).

    The figures it pushes are stored as coming from this county (`code`, `name`), whatever the
    body of a push claims: one client, one sender.
    """

    client = models.OneToOneField(
        ApiClient, on_delete=models.PROTECT, related_name="exchange_sender", verbose_name=_("接口客户端")
    )
    code = models.CharField(
        _("地区代码"), max_length=50, unique=True, help_text=_("行政区划代码，如 430524。")
    )
    name = models.CharField(_("地区名称"), max_length=100, help_text=_("如“隆回县”。"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("推送来源")
        verbose_name_plural = _("推送来源")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=~Q(code="") & ~Q(name=""), name="sender_has_code_and_name")
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"


class ReceivedBatch(models.Model):
    """One push accepted from a sender: its Idempotency-Key, and the answer given, to give again."""

    idempotency_key = models.CharField(_("幂等键"), max_length=200, unique=True)
    client_name = models.CharField(_("接口客户端"), max_length=100)
    sender_code = models.CharField(_("报送地区代码"), max_length=50)
    sender_name = models.CharField(_("报送地区"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    content_hash = models.CharField(_("内容摘要"), max_length=64)
    sender_forwarded_at = models.DateTimeField(_("对方上报时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)
    answer = models.JSONField(_("应答"), default=dict)

    class Meta:
        verbose_name = _("接收批次")
        verbose_name_plural = _("接收批次")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["sender_code", "year", "month"])]

    def __str__(self):
        return f"{self.sender_name} {self.year}年{self.month}月"


class ReceivedFigure(models.Model):
    """A counted figure of a sending county, as it pushed it: one per month, indicator and unit."""

    sender_code = models.CharField(_("报送地区代码"), max_length=50)
    sender_name = models.CharField(_("报送地区"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    indicator_code = models.CharField(_("指标代码"), max_length=100)
    indicator_name = models.CharField(_("指标名称"), max_length=200, blank=True)
    unit_code = models.CharField(_("单位代码"), max_length=100)
    unit_name = models.CharField(_("单位名称"), max_length=100, blank=True)
    task_row_code = models.CharField(_("任务行代码"), max_length=100, blank=True)
    project_title = models.CharField(_("项目"), max_length=300, blank=True)
    task_row_title = models.CharField(_("任务内容"), max_length=300, blank=True)
    measure = models.CharField(_("计量单位"), max_length=20, blank=True)
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=4, null=True, blank=True)
    stage = models.PositiveSmallIntegerField(_("进展节点"), null=True, blank=True)
    text_value = models.CharField(_("文字说明"), max_length=300, blank=True)
    additive = models.BooleanField(_("各单位相加"), default=True)
    is_lead_unit = models.BooleanField(_("牵头单位"), default=False)
    status = models.CharField(_("对方状态"), max_length=20, blank=True)
    submitted_at = models.DateTimeField(_("对方提交时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("对方核验时间"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("对方上报时间"), null=True, blank=True)
    trail = models.JSONField(_("审核记录摘要"), default=list, blank=True)
    received_at = models.DateTimeField(_("接收时间"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("接收的数据")
        verbose_name_plural = _("接收的数据")
        ordering = ["sender_code", "year", "month", "task_row_code", "indicator_code", "unit_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender_code", "year", "month", "indicator_code", "unit_code"],
                name="receivedfigure_one_per_sender_month_indicator_unit",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="receivedfigure_month_1_12"
            ),
        ]

    def __str__(self):
        return f"{self.sender_name} {self.year}年{self.month}月 {self.indicator_code} {self.unit_code}"
