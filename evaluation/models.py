"""Year-end evaluation (评估验收), the public notice (公示) and unit performance scores (绩效考核).

The plan's order: each lead unit evaluates its own rows (自评) and applies for certification by
submitting the self-evaluation with its evidence; the office publishes the results for the public
(公示); the statistics bureau certifies (核验认定) each indicator's final figure. "如评估认定不合格
或未申请认定的，直接认定为未完成": an indicator counts as completed only when

1. its row's self-evaluation has been submitted (the unit applied), and
2. the statistics bureau has certified its final figure as qualified (认定合格), and
3. the certified figure reaches the year-end target in force, i.e. the plan target or the
   adjusted one (`projects.targets.targets_for_month(month=12)`), judged by
   `reporting.progress.judge` as for any month.

Anything short of that is "not completed", with the reason shown (see `evaluation.selectors`).
The results feed the yearly score of each unit (`ScoreWeights`, `evaluation.selectors.unit_scores`).
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import Indicator, PlanYear, TaskRow, Unit

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_FILES = 20
# Extension → (content type, leading bytes the file must start with).
EVIDENCE_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
}


def evidence_extension(name: str) -> str:
    return PurePath(name or "").suffix.lower()


def validate_evidence_file(upload) -> None:
    """Size, extension, and that the content starts as that type of file does (not just its name)."""
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("文件不能超过%(size)sMB。") % {"size": MAX_EVIDENCE_BYTES // (1024 * 1024)}, code="too_large"
        )
    if upload.size == 0:
        raise ValidationError(_("文件是空的。"), code="empty")
    extension = evidence_extension(upload.name)
    if extension not in EVIDENCE_TYPES:
        raise ValidationError(
            _("只能上传以下格式：%(types)s。") % {"types": "、".join(ext[1:] for ext in EVIDENCE_TYPES)},
            code="bad_type",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(EVIDENCE_TYPES[extension][1]):
        raise ValidationError(_("文件内容与扩展名%(ext)s不符。") % {"ext": extension}, code="bad_content")


def evidence_path(instance, filename: str) -> str:
    """Stored under MEDIA_ROOT by year and row, under a random name; the original name is kept in the row."""
    task_row = instance.self_evaluation.task_row
    year = task_row.project.tier.plan_year.year
    return f"evaluation/{year}/{task_row.pk}/{uuid.uuid4().hex}{evidence_extension(filename)}"


class SelfEvaluation(models.Model):
    """A lead unit's year-end self-evaluation of one task row; submitting it applies for certification."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已申请认定")
        RETURNED = "returned", _("已退回补充")

    task_row = models.OneToOneField(
        TaskRow, on_delete=models.PROTECT, related_name="self_evaluation", verbose_name=_("责任分解")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="self_evaluations", verbose_name=_("自评单位")
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    completed = models.BooleanField(_("自评结论"), null=True, blank=True, help_text=_("完成或未完成。"))
    account = models.TextField(_("自评情况说明"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年终自评")
        verbose_name_plural = _("年终自评")
        ordering = ["task_row__project__tier__position", "task_row__project__number", "task_row__position"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="submitted")
                | (Q(submitted_at__isnull=False) & Q(completed__isnull=False) & ~Q(account="")),
                name="selfevaluation_submitted_is_complete",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="selfevaluation_return_has_reason",
            ),
        ]

    def __str__(self):
        return _("%(row)s 年终自评") % {"row": self.task_row}

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class SelfEvaluationFigure(models.Model):
    """The unit's own final figure for one indicator of the row, as shown on the public notice."""

    self_evaluation = models.ForeignKey(
        SelfEvaluation, on_delete=models.CASCADE, related_name="figures", verbose_name=_("年终自评")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="self_evaluation_figures", verbose_name=_("指标")
    )
    value = models.DecimalField(_("自评完成数"), max_digits=16, decimal_places=4, null=True, blank=True)
    stage = models.PositiveSmallIntegerField(
        _("自评节点"), choices=Indicator.Stage.choices, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("自评指标数据")
        verbose_name_plural = _("自评指标数据")
        constraints = [
            models.UniqueConstraint(
                fields=["self_evaluation", "indicator"], name="selfevaluationfigure_unique_indicator"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="selfevaluationfigure_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.indicator}：{self.indicator.figure_text(self.value, self.stage)}"


class Evidence(models.Model):
    """A file attached to a self-evaluation: stored under MEDIA_ROOT, served only through a checked view."""

    self_evaluation = models.ForeignKey(
        SelfEvaluation, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("年终自评")
    )
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["self_evaluation", "uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size__gt=0) & Q(size__lte=MAX_EVIDENCE_BYTES), name="evidence_size_within_limit"
            ),
        ]

    def __str__(self):
        return self.original_name

    @property
    def content_type(self) -> str:
        return EVIDENCE_TYPES.get(evidence_extension(self.original_name), ("application/octet-stream",))[0]


class Certification(models.Model):
    """The statistics bureau's certification (核验认定) of one indicator's final figure."""

    indicator = models.OneToOneField(
        Indicator, on_delete=models.PROTECT, related_name="certification", verbose_name=_("指标")
    )
    value = models.DecimalField(_("认定完成数"), max_digits=16, decimal_places=4, null=True, blank=True)
    stage = models.PositiveSmallIntegerField(
        _("认定节点"), choices=Indicator.Stage.choices, null=True, blank=True
    )
    qualified = models.BooleanField(
        _("评估认定合格"), default=True, help_text=_("佐证不足等原因认定不合格的，视为未完成。")
    )
    note = models.TextField(_("认定意见"), blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("认定人")
    )
    certified_at = models.DateTimeField(_("认定时间"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("核验认定")
        verbose_name_plural = _("核验认定")
        ordering = ["indicator"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="certification_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(stage__isnull=False), name="certification_has_figure"
            ),
            models.CheckConstraint(
                condition=Q(qualified=True) | ~Q(note=""), name="certification_unqualified_has_reason"
            ),
        ]

    def __str__(self):
        return _("%(indicator)s 核验认定") % {"indicator": self.indicator}


class PublicNotice(models.Model):
    """The year's public notice (公示) of targets and results; open to anyone between the two dates."""

    plan_year = models.OneToOneField(
        PlanYear, on_delete=models.CASCADE, related_name="public_notice", verbose_name=_("年度")
    )
    title = models.CharField(_("公示标题"), max_length=200)
    intro = models.TextField(_("公示说明"), blank=True)
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示结束日期"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布人")
    )
    published_at = models.DateTimeField(_("发布时间"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("完成情况公示")
        verbose_name_plural = _("完成情况公示")
        ordering = ["-plan_year__year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="publicnotice_dates_ordered"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})

    def is_open_on(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class ScoreWeights(models.Model):
    """The weights of a unit's yearly score, set by the office per year; they add up to 100.

    score = (completion × w1 + timeliness × w2 + quality × w3 + certification × w4) ÷ 100,
    each part a rate from 0 to 100 (see `evaluation.selectors.UnitScore`).
    """

    DEFAULTS = {
        "completion_weight": 50,
        "timeliness_weight": 20,
        "quality_weight": 10,
        "certification_weight": 20,
    }

    plan_year = models.OneToOneField(
        PlanYear, on_delete=models.CASCADE, related_name="score_weights", verbose_name=_("年度")
    )
    completion_weight = models.PositiveSmallIntegerField(_("任务完成率权重（%）"), default=50)
    timeliness_weight = models.PositiveSmallIntegerField(_("按时报送率权重（%）"), default=20)
    quality_weight = models.PositiveSmallIntegerField(_("报送质量权重（%）"), default=10)
    certification_weight = models.PositiveSmallIntegerField(_("认定通过率权重（%）"), default=20)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("设置人"),
    )
    updated_at = models.DateTimeField(_("设置时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("绩效考核权重")
        verbose_name_plural = _("绩效考核权重")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    completion_weight=100
                    - F("timeliness_weight")
                    - F("quality_weight")
                    - F("certification_weight")
                ),
                name="scoreweights_add_up_to_100",
            ),
        ]

    def __str__(self):
        return _("%(year)s年绩效考核权重") % {"year": self.plan_year.year}

    @property
    def total(self) -> int:
        return (
            self.completion_weight + self.timeliness_weight + self.quality_weight + self.certification_weight
        )

    def clean(self):
        if self.total != 100:
            raise ValidationError(_("四项权重之和必须为100，当前为%(total)s。") % {"total": self.total})
