"""Indicator target adjustments (指标调整): a lead unit's request, its review and decision, and its lines."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .organisation import Unit
from .plan import Indicator, PlanYear


class TargetAdjustment(models.Model):
    """A lead unit's written request to adjust indicator targets (指标调整), and its decision.

    The plan: "因不可抗力等因素确需调整指标任务的，在总的指标任务不变的情况下，由县直牵头单位在
    9月15日前书面提出调整意见，由工作专班办公室审核后报县人民政府研究审批". So the liaison of the
    lead unit files the request on or before the year's `PlanYear.adjustment_deadline` (the day
    itself included, as "前" reads in the plan), the office reviews it (passing it on to the county
    government, or turning it down), and the office records the county government's decision: who
    decided, on which day, and the document number (文号).

    The plan target is never overwritten: `Indicator.target_value` stays what the plan says. An
    approved adjustment layers new targets on top from `effective_month` on, and
    `projects.targets.targets_for_month` gives the target in force in any month: months before show
    the plan target, months from then on the adjusted one, so history keeps both. When several
    approved adjustments touch an indicator, the one with the latest effective month (then the
    latest recorded decision) wins.

    The unchanged-total rule ("总的指标任务不变"), checked by `projects.targets` when the request
    is filed and again when the approval is recorded:

    - Indicator lines (no unit) redistribute targets among indicators. Every indicator is a
      cumulative count (累计数量) whose target is set, in a task row the requesting unit leads,
      all of the same project and with the same measure (计量单位); every line changes its
      indicator's target (so a request has two lines or more); and the new targets add up to
      exactly the sum of the targets in force in the effective month. An "of which" indicator
      (其中数) is never redistributed, and must still fit within its parent's new target.
    - Unit lines (unit set) split one counted indicator's target among the units taking part in
      its row (per responsible unit); the shares add up to exactly that indicator's target after
      the adjustment. They are recorded with the decision; monthly figures are not judged by them.

    Raising or lowering a total, or setting a target the plan left pending (待下达), is not an
    adjustment under this rule: targets handed down later are entered on the indicator itself.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待专班办公室审核")
        REVIEWED = "reviewed", _("已审核，待县人民政府审批")
        APPROVED = "approved", _("县人民政府已批准")
        REJECTED = "rejected", _("未获同意")

    plan_year = models.ForeignKey(
        PlanYear, on_delete=models.PROTECT, related_name="target_adjustments", verbose_name=_("年度")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="target_adjustments", verbose_name=_("申请单位")
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    reason = models.TextField(_("调整理由"))
    force_majeure = models.TextField(_("不可抗力等因素说明"))
    effective_month = models.PositiveSmallIntegerField(
        _("自何月起生效"), help_text=_("批准后，自该月起按调整后的目标统计和判断进度。")
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    filed_at = models.DateTimeField(_("申请时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_opinion = models.TextField(_("专班办公室审核意见"), blank=True)
    decided_on = models.DateField(_("县人民政府审批日期"), null=True, blank=True)
    decision_by = models.CharField(
        _("审批机关"), max_length=100, blank=True, help_text=_("如“县人民政府常务会议”。")
    )
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    recorded_at = models.DateTimeField(_("录入时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指标调整申请")
        verbose_name_plural = _("指标调整申请")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_month__gte=1) & Q(effective_month__lte=12),
                name="targetadjustment_month_1_to_12",
            ),
            models.CheckConstraint(
                condition=~Q(reason="") & ~Q(force_majeure=""), name="targetadjustment_reason_given"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["reviewed", "approved"]) | Q(reviewed_at__isnull=False),
                name="targetadjustment_reviewed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved")
                | (Q(decided_on__isnull=False) & ~Q(document_number="") & ~Q(decision_by="")),
                name="targetadjustment_approval_has_document",
            ),
        ]

    def __str__(self):
        return _("%(unit)s %(year)s年指标调整申请（%(when)s）") % {
            "unit": self.unit,
            "year": self.plan_year.year,
            "when": f"{self.filed_at:%Y-%m-%d}" if self.filed_at else "",
        }

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.REVIEWED)


class TargetAdjustmentLine(models.Model):
    """One new target of an adjustment: an indicator's, or one unit's share of it (see TargetAdjustment)."""

    adjustment = models.ForeignKey(
        TargetAdjustment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("指标调整申请")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="adjustment_lines", verbose_name=_("指标")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承担单位"),
        help_text=_("为空时是指标的新目标；填写时是该单位承担的份额。"),
    )
    previous_target = models.DecimalField(_("原目标"), max_digits=14, decimal_places=4, null=True, blank=True)
    new_target = models.DecimalField(_("调整后目标"), max_digits=14, decimal_places=4)

    class Meta:
        verbose_name = _("指标调整明细")
        verbose_name_plural = _("指标调整明细")
        ordering = ["adjustment", "indicator", "unit"]
        constraints = [
            models.CheckConstraint(condition=Q(new_target__gte=0), name="targetadjustmentline_not_negative"),
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(previous_target__isnull=False),
                name="targetadjustmentline_indicator_line_has_previous",
            ),
            models.UniqueConstraint(
                fields=["adjustment", "indicator"],
                condition=Q(unit__isnull=True),
                name="targetadjustmentline_one_target_per_indicator",
            ),
            models.UniqueConstraint(
                fields=["adjustment", "indicator", "unit"],
                condition=Q(unit__isnull=False),
                name="targetadjustmentline_one_share_per_unit",
            ),
        ]

    def __str__(self):
        if self.unit_id:
            return f"{self.indicator} · {self.unit}：{self.new_display}"
        return f"{self.indicator}：{self.previous_display} → {self.new_display}"

    @property
    def previous_display(self) -> str:
        return self.indicator.format_number(self.previous_target) + self.indicator.measure

    @property
    def new_display(self) -> str:
        return self.indicator.format_number(self.new_target) + self.indicator.measure
