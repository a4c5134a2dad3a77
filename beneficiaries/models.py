"""Beneficiary lists (受益对象明细表): the people behind a task row's figures, kept apart and guarded.

A Beneficiary is one person (or household head) counted toward one indicator of
a task row, entered by one unit. The full resident ID number and phone number
are stored for the few who may see them; everyone else, the history tables and
the audit log see only the masked forms, and duplicates are found through a
keyed hash of the number. Nothing is deleted by ordinary roles: removal is a
flag with a reason.

The grassroots table (基层表) needs no model: it is the breakdown of the
monthly Contribution/Figure rows, see `beneficiaries.selectors.grassroots_table`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from beneficiaries.id_numbers import id_number_hash, mask_id_number, mask_phone, normalise
from projects.models import Indicator, Unit

TOWNSHIP_KINDS = (Unit.Kind.TOWNSHIP, Unit.Kind.SUBDISTRICT)


class BeneficiaryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_removed=False)

    def of_row(self, task_row):
        return self.filter(indicator__task_row=task_row)


class Beneficiary(models.Model):
    class Gender(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="beneficiaries",
        verbose_name=_("计入指标"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18)
    id_number_masked = models.CharField(_("身份证号（脱敏）"), max_length=18, editable=False)
    id_hash = models.CharField(_("身份证号摘要"), max_length=64, editable=False, db_index=True)
    gender = models.CharField(_("性别"), max_length=10, choices=Gender.choices)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    township = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="beneficiaries_living_here",
        verbose_name=_("乡镇（街道）"),
    )
    village = models.CharField(_("村（社区）"), max_length=50)
    benefit_type = models.CharField(_("受益类型"), max_length=50)
    amount = models.DecimalField(_("金额或数量"), max_digits=12, decimal_places=2, null=True, blank=True)
    benefit_date = models.DateField(_("受益日期"))
    entered_by_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="beneficiaries_entered",
        verbose_name=_("录入单位"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    is_removed = models.BooleanField(_("已移除"), default=False)
    removed_at = models.DateTimeField(_("移除时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("移除人"),
    )
    removal_reason = models.CharField(_("移除原因"), max_length=300, blank=True)
    import_batch = models.ForeignKey(
        "ImportBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="beneficiaries",
        verbose_name=_("导入批次"),
    )
    # The history never holds the full number or phone: the masked number and the
    # hash show that the number changed, and to what, as far as anybody may see.
    history = HistoricalRecords(excluded_fields=["id_number", "phone"])

    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("受益对象")
        verbose_name_plural = _("受益对象")
        ordering = ["indicator", "township__name", "village", "name", "pk"]
        permissions = [
            ("view_full_id_number", _("查看和导出完整身份证号及联系电话")),
            ("view_beneficiary_people", _("查看受益对象个人明细（统计局等经授权的单位）")),
        ]
        indexes = [
            models.Index(fields=["indicator", "id_hash"], name="beneficiary_indicator_hash"),
            models.Index(
                fields=["indicator", "is_removed", "benefit_date"], name="beneficiary_indicator_date"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="beneficiary_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(gender__in=["male", "female"]), name="beneficiary_gender_valid"
            ),
            models.CheckConstraint(
                condition=Q(is_removed=False) | (~Q(removal_reason="") & Q(removed_at__isnull=False)),
                name="beneficiary_removal_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.id_number_masked}）"

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    def set_id_number(self, value: str) -> None:
        """Set the number with its masked form and hash; the only way the three change."""
        self.id_number = normalise(value)
        self.id_number_masked = mask_id_number(self.id_number)
        self.id_hash = id_number_hash(self.id_number)

    def clean(self):
        errors = {}
        if self.indicator_id and not self.indicator.is_additive:
            errors["indicator"] = _("受益对象只能计入累计数量类指标。")
        if self.township_id and self.township.kind not in TOWNSHIP_KINDS:
            errors["township"] = _("请选择乡镇或街道。")
        if errors:
            raise ValidationError(errors)


class DoubleCountingPair(models.Model):
    """Two indicators the office says must not count the same person twice (e.g. two home adaptations)."""

    indicator_a = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", verbose_name=_("指标一")
    )
    indicator_b = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", verbose_name=_("指标二")
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("设置人")
    )
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("重复计算指标对")
        verbose_name_plural = _("重复计算指标对")
        ordering = ["indicator_a", "indicator_b"]
        constraints = [
            # Stored in one order only, so a pair cannot be marked twice the other way round.
            models.CheckConstraint(
                condition=Q(indicator_a__lt=models.F("indicator_b")), name="doublecountingpair_ordered"
            ),
            models.UniqueConstraint(fields=["indicator_a", "indicator_b"], name="doublecountingpair_unique"),
        ]

    def __str__(self):
        return f"{self.indicator_a} ↔ {self.indicator_b}"


class ImportBatch(models.Model):
    """An uploaded list waiting for the uploader to confirm its preview; applied all at once or not at all.

    The parsed rows wait in `rows` (full ID numbers included, so never shown in
    the admin) and are emptied once the batch is applied or discarded.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        APPLIED = "applied", _("已导入")
        DISCARDED = "discarded", _("已放弃")

    task_row = models.ForeignKey(
        "projects.TaskRow", on_delete=models.PROTECT, related_name="+", verbose_name=_("责任分解")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入单位"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    file_name = models.CharField(_("文件名"), max_length=200)
    file_sha256 = models.CharField(_("文件摘要"), max_length=64)
    row_count = models.PositiveIntegerField(_("行数"))
    rows = models.JSONField(_("待导入数据"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | Q(finished_at__isnull=False),
                name="importbatch_finished_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.file_name}（{self.get_status_display()}）"
