"""Monthly reporting: who reports, the calendar, the figures and their review.

A month's figures for one task row travel as one Submission. Each unit that
works on the row (lead, co-lead, responsible unit or member of a responsible
group) keeps one Contribution to it, holding its figures per indicator and its
narrative; the lead unit's total is the sum of the contributions where the
indicator is additive, so nobody types a figure twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import Indicator, PlanYear, TaskRow, Unit


class WorkCalendarDay(models.Model):
    """An official working day or holiday entered by the office; wins over the library."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True, help_text=_("如“国庆节”“国庆调休上班”。"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'工作日' if self.is_workday else '休息日'}"


class ReportingMonth(models.Model):
    """One of a plan year's twelve reporting months.

    Deadlines follow the calendar (20th / 21st / 22nd, moved past holidays);
    the override fields let the office set a month's deadlines by hand.
    """

    plan_year = models.ForeignKey(
        PlanYear, on_delete=models.CASCADE, related_name="reporting_months", verbose_name=_("年度")
    )
    month = models.PositiveSmallIntegerField(_("月份"))
    submit_deadline_override = models.DateField(_("报送截止日（手工调整）"), null=True, blank=True)
    forward_deadline_override = models.DateField(_("上报截止日（手工调整）"), null=True, blank=True)
    override_reason = models.CharField(_("调整原因"), max_length=200, blank=True)
    # The month is forwarded and closed as a whole (reporting.workflow.forwarding): from then on
    # every row of it is locked, and figures come in only through a 补报 the office opens.
    forwarded_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上报人"),
    )
    forward_note = models.TextField(
        _("未就绪行的处理说明"), blank=True, help_text=_("上报时仍有未提交或未核验的行时必须说明。")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("报送月份")
        verbose_name_plural = _("报送月份")
        ordering = ["plan_year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["plan_year", "month"], name="reportingmonth_unique"),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="reportingmonth_month_1_to_12"
            ),
            models.CheckConstraint(
                condition=Q(forwarded_at__isnull=True) | Q(forwarded_by__isnull=False),
                name="reportingmonth_forwarded_has_actor",
            ),
            models.CheckConstraint(
                condition=(
                    Q(submit_deadline_override__isnull=True) & Q(forward_deadline_override__isnull=True)
                )
                | ~Q(override_reason=""),
                name="reportingmonth_override_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.plan_year.year}年{self.month}月"

    @property
    def is_closed(self) -> bool:
        """Forwarded as a whole: no row of the month changes but through a 补报 or a reopening."""
        return self.forwarded_at is not None


class Submission(models.Model):
    """A task row's figures for one month, as the lead unit submits them.

    The path is linear: submitted → approved by the office → verified by the
    statistics bureau → forwarded; a return (or the office's reopening of a
    locked month) sends it back to the units with a reason. A row not ready when the office
    forwards the month is closed (截止未报); the office may open it again for a 补报.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已审核")
        VERIFIED = "verified", _("已核验")
        FORWARDED = "forwarded", _("已报送")
        CLOSED = "closed", _("截止未报")

    # The lock rule, asked everywhere: units edit an open submission; a submitted one waits for
    # review (neither open nor locked); a locked one changes only after the office reopens it
    # (or, closed with its month unreported, opens it for a 补报).
    OPEN_STATUSES = frozenset({Status.DRAFT, Status.RETURNED})
    LOCKED_STATUSES = frozenset({Status.APPROVED, Status.VERIFIED, Status.FORWARDED, Status.CLOSED})

    reporting_month = models.ForeignKey(
        ReportingMonth, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("报送月份")
    )
    task_row = models.ForeignKey(
        TaskRow, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("责任分解")
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    on_time = models.BooleanField(_("按时提交"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    late_report = models.BooleanField(
        _("补报"), default=False, help_text=_("月份上报后由专班办公室开放补报的行。")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("月度报送")
        verbose_name_plural = _("月度报送")
        ordering = [
            "reporting_month",
            "task_row__project__tier__position",
            "task_row__project__number",
            "task_row__position",
        ]
        indexes = [
            # Every page asks whether any demo figures exist (reporting.context_processors.demo_data):
            # without this, a scan of every submission of every year; production holds none.
            models.Index(fields=["is_demo"], condition=Q(is_demo=True), name="submission_demo_only"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["reporting_month", "task_row"], name="submission_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "closed"]) | Q(submitted_at__isnull=False),
                name="submission_submitted_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.reporting_month} {self.task_row}"

    @property
    def status_label(self) -> str:
        # Django's get_status_display() rebuilds the choices dict, translating every label, on
        # each call: a list of submissions spent milliseconds on it.
        return self.Status(self.status).label

    @property
    def is_open(self) -> bool:
        """Its units may still edit their figures."""
        return self.status in self.OPEN_STATUSES

    @property
    def is_locked(self) -> bool:
        """A reviewer has passed it: only the office's reopening lets it change again."""
        return self.status in self.LOCKED_STATUSES


class Contribution(models.Model):
    """One unit's part of a submission: its figures and its account of the month."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("月度报送")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("填报单位")
    )
    funds_invested = models.DecimalField(
        _("累计投入资金（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    progress = models.TextField(_("进展情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    # The lead unit closed this unit's part without figures (本月无数据), with its reason.
    no_data_reason = models.CharField(_("本月无数据原因"), max_length=300, blank=True)
    no_data_at = models.DateTimeField(_("标记无数据时间"), null=True, blank=True)
    no_data_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("标记无数据人"),
    )
    version = models.PositiveIntegerField(_("版本"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("更新人"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位填报")
        verbose_name_plural = _("单位填报")
        constraints = [
            models.UniqueConstraint(fields=["submission", "unit"], name="contribution_unique_unit"),
            models.CheckConstraint(
                condition=Q(funds_invested__isnull=True) | Q(funds_invested__gte=0),
                name="contribution_funds_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(no_data_reason="") | (Q(no_data_at__isnull=False) & Q(no_data_by__isnull=False)),
                name="contribution_no_data_has_actor",
            ),
        ]

    def __str__(self):
        return f"{self.submission} · {self.unit}"

    @property
    def marked_no_data(self) -> bool:
        return bool(self.no_data_reason)


class Figure(models.Model):
    """A unit's figure for one indicator, as of the 20th of the month."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="figures", verbose_name=_("单位填报")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="figures", verbose_name=_("指标")
    )
    value = models.DecimalField(
        _("数值"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("累计完成数、当前标准或比率。"),
    )
    stage = models.PositiveSmallIntegerField(
        _("节点"), choices=Indicator.Stage.choices, null=True, blank=True
    )
    explanation = models.CharField(
        _("说明"), max_length=300, blank=True, help_text=_("累计数比上月减少等情况的说明。")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指标数据")
        verbose_name_plural = _("指标数据")
        constraints = [
            models.UniqueConstraint(fields=["contribution", "indicator"], name="figure_unique_indicator"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="figure_value_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.indicator}：{self.value if self.value is not None else self.get_stage_display()}"


class ReviewEvent(models.Model):
    """Each step a submission takes, with who, when, why, and the figures at that moment."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("提交")
        RETURN = "return", _("退回")
        APPROVE = "approve", _("审核通过")
        VERIFY = "verify", _("核验通过")
        FORWARD = "forward", _("报送")
        REOPEN = "reopen", _("重新打开")
        CLOSE = "close", _("截止未报")
        LATE_OPEN = "late_open", _("开放补报")

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="events", verbose_name=_("月度报送")
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"))
    reason = models.TextField(_("原因"), blank=True)
    snapshot = models.JSONField(_("数据快照"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["submission", "at", "pk"]
        indexes = [models.Index(fields=["submission", "action"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action__in=["return", "reopen", "late_open"]) | ~Q(reason=""),
                name="reviewevent_reasoned_actions_have_reason",
            ),
        ]

    def __str__(self):
        return f"{self.submission} {self.get_action_display()}"

    @classmethod
    def returns(cls, path: str = "") -> Q:
        """The events that count as a return (退回), seen from `path` ("events" from a submission).

        Reopening an approved submission is not a return: every count of returns asks this.
        """
        return Q(**{f"{path}__action" if path else "action": cls.Action.RETURN})


class StatusRule(models.Model):
    """The red-amber-green thresholds of a plan year, readable on the dashboards and set by the office."""

    plan_year = models.OneToOneField(
        PlanYear, on_delete=models.CASCADE, related_name="status_rule", verbose_name=_("年度")
    )
    amber_gap = models.DecimalField(
        _("黄色预警（落后序时进度百分点）"),
        max_digits=5,
        decimal_places=1,
        default=10,
        help_text=_("完成率落后序时进度达到此百分点即为黄色。"),
    )
    red_gap = models.DecimalField(
        _("红色预警（落后序时进度百分点）"),
        max_digits=5,
        decimal_places=1,
        default=30,
        help_text=_("完成率落后序时进度超过此百分点即为红色。"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")
        constraints = [
            models.CheckConstraint(
                condition=Q(amber_gap__gt=0) & Q(red_gap__gt=models.F("amber_gap")) & Q(red_gap__lte=100),
                name="statusrule_gaps_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.plan_year}预警规则"


class PendingImport(models.Model):
    """An Excel upload between its preview and its confirmation (reporting.imports.pending).

    Kept in the database, not on one server's disk, so the confirmation may reach any server.
    What is kept is the workbook as read once on upload (`parsed`), not the file: the preview and
    the confirmation check it against the database again without parsing the file again.
    Only its uploader may read it. Removed once confirmed or replaced by newer uploads; one left
    longer than IMPORT_PENDING_MAX_AGE is emptied (`expired`), so its confirmation can say why.
    """

    token = models.CharField(_("令牌"), max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("上传人")
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("单位"))
    reporting_month = models.ForeignKey(
        ReportingMonth, on_delete=models.CASCADE, related_name="+", verbose_name=_("报送月份")
    )
    file_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("文件大小"))
    # reporting.imports.reader.Upload.as_data(): bounded by the row cap and each cell's limit;
    # null once expired.
    parsed = models.JSONField(_("读取结果"), null=True, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True, db_index=True)
    expired = models.BooleanField(_("已过期清除"), default=False)

    class Meta:
        verbose_name = _("待确认的导入文件")
        verbose_name_plural = _("待确认的导入文件")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.file_name}（{self.unit}）"


def rows_with_locked_figures(prefix: str = "") -> models.Q:
    """Task rows (under `prefix`) with locked figures: a locked submission of the row, or a month
    of its year forwarded as a whole. Their targets then change only through 指标调整
    (projects.target_lock, told of this condition in ReportingConfig.ready)."""
    return models.Q(**{f"{prefix}submissions__status__in": Submission.LOCKED_STATUSES}) | models.Q(
        **{f"{prefix}project__tier__plan_year__reporting_months__forwarded_at__isnull": False}
    )
