"""The plan itself: years, tiers, projects, task rows (责任分解) with their parties, and indicators.

A project of a tier splits into task rows, each with its own lead unit(s), responsible parties and
supervising leader; indicators hang under task rows and carry a kind that decides how progress is judged.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects import codes

from .organisation import Coded, Person, Unit, UnitGroup, coded_constraints


class PlanYear(Coded):
    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("方案名称"), max_length=200)
    adjustment_deadline = models.DateField(
        _("指标调整申请截止日"), help_text=_("牵头单位书面提出指标调整意见的截止日期。")
    )
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("方案年度")
        verbose_name_plural = _("方案年度")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="planyear_year_in_range"
            ),
            *coded_constraints("planyear"),
        ]

    def __str__(self):
        return f"{self.year}年"

    def default_code(self) -> str:
        return str(self.year)


class Tier(Coded):
    class Kind(models.TextChoices):
        PROVINCIAL = "provincial", _("省级重点民生实事项目")
        MUNICIPAL = "municipal", _("市级重点民生实事项目")
        COUNTY = "county", _("县级重点民生实事项目")
        MONITORED = "monitored", _("重点监测民生项目")

    plan_year = models.ForeignKey(
        PlanYear, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("年度")
    )
    kind = models.CharField(_("层级"), max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("排序"))
    short_name = models.CharField(
        _("简称"), max_length=40, help_text=_("责任分解表中使用的简称，如“省定民生实事”。")
    )
    intro = models.TextField(_("说明"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("项目层级")
        verbose_name_plural = _("项目层级")
        ordering = ["plan_year", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan_year", "kind"], name="tier_unique_kind_per_year"),
            models.UniqueConstraint(fields=["plan_year", "position"], name="tier_unique_position_per_year"),
            *coded_constraints("tier"),
        ]

    def __str__(self):
        return f"{self.plan_year.year}年{self.get_kind_display()}"

    def default_code(self) -> str:
        return codes.tier_code(self.plan_year.year, self.kind)


class Project(Coded):
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="projects", verbose_name=_("层级"))
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("项目名称"), max_length=200)
    description = models.TextField(_("方案原文"), blank=True)
    matrix_title = models.CharField(
        _("责任分解表写法"),
        max_length=300,
        blank=True,
        help_text=_("附表中的写法；为空时使用项目名称。"),
    )
    note = models.TextField(_("备注"), blank=True, help_text=_("如方案正文与附表不一致之处。"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("实事项目")
        verbose_name_plural = _("实事项目")
        ordering = ["tier__plan_year", "tier__position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "number"], name="project_unique_number_in_tier"),
            models.CheckConstraint(condition=Q(number__gte=1), name="project_number_positive"),
            *coded_constraints("project"),
        ]

    def __str__(self):
        return f"{self.number}.{self.title}"

    def default_code(self) -> str:
        return codes.project_code(self.tier.code, self.number)


class TaskRow(Coded):
    """One line of the responsibility breakdown (责任分解)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="task_rows", verbose_name=_("实事项目")
    )
    position = models.PositiveSmallIntegerField(_("排序"))
    title = models.CharField(
        _("任务内容"), max_length=300, blank=True, help_text=_("项目分解为多行时每行的内容。")
    )
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="led_task_rows", verbose_name=_("牵头单位")
    )
    leader = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_task_rows",
        verbose_name=_("牵头领导"),
        help_text=_("方案未明确的留空，由专班办公室补充。"),
    )
    people_listed = models.BooleanField(
        _("附表列明责任人"),
        default=False,
        help_text=_(
            "方案附表列出了本行各单位的责任人时勾选。未勾选的行，责任分解表按各单位的年度责任人填写，"
            "并标“（推定）”，待专班办公室核实后勾选。"
        ),
    )
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("责任分解")
        verbose_name_plural = _("责任分解")
        ordering = ["project__tier__position", "project__number", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "position"], name="taskrow_unique_position_in_project"
            ),
            *coded_constraints("taskrow"),
        ]

    def default_code(self) -> str:
        return codes.task_row_code(self.project.code, self.position)

    def __str__(self):
        if self.title:
            return f"{self.project.number}.{self.position} {self.title}"
        return str(self.project)

    def choice_label(self) -> str:
        """The row where one is chosen from all years' rows: "2023年 · 省定民生实事 · 2.完成“湘易办”…".

        Reads the project, tier and plan year: select them along.
        """
        tier = self.project.tier
        return f"{tier.plan_year.year}年 · {tier.short_name} · {self.label(tier='none')}"

    def label(self, *, tier: str = "plain") -> str:
        """The row as lists and files name it: its project (number and title), then its own title.

        `tier` says how the tier goes in front: "plain" (省定 1.标题 · 行), "bracket" (【省定】1.标题 · 行,
        for a column of text where the tier must stand out) or "none" (1.标题（行）, where a column
        beside it gives the tier).
        """
        project = self.project
        if tier == "none":
            return f"{project}（{self.title}）" if self.title else str(project)
        prefix = f"【{project.tier.short_name}】" if tier == "bracket" else f"{project.tier.short_name} "
        text = f"{prefix}{project}"
        return f"{text} · {self.title}" if self.title else text


class TaskRowParty(models.Model):
    """A co-lead or responsible party of a task row, in the order the plan names them.

    A party is either one unit or a unit group, never both.
    """

    class Role(models.TextChoices):
        CO_LEAD = "co_lead", _("牵头单位")
        RESPONSIBLE = "responsible", _("责任单位")

    task_row = models.ForeignKey(
        TaskRow, on_delete=models.CASCADE, related_name="parties", verbose_name=_("责任分解")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    position = models.PositiveSmallIntegerField(_("排序"))
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="task_row_parties",
        verbose_name=_("单位"),
    )
    group = models.ForeignKey(
        UnitGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="task_row_parties",
        verbose_name=_("单位群组"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["task_row", "role", "position"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(group__isnull=True))
                | (Q(unit__isnull=True) & Q(group__isnull=False)),
                name="taskrowparty_unit_xor_group",
            ),
            models.CheckConstraint(
                condition=Q(group__isnull=True) | Q(role="responsible"),
                name="taskrowparty_group_only_responsible",
            ),
            models.UniqueConstraint(
                fields=["task_row", "unit"],
                name="taskrowparty_unique_unit",
                condition=Q(unit__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["task_row", "group"],
                name="taskrowparty_unique_group",
                condition=Q(group__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["task_row", "role", "position"], name="taskrowparty_unique_position"
            ),
        ]

    def __str__(self):
        return str(self.unit or self.group)

    def clean(self):
        if self.unit_id and self.task_row_id and self.unit_id == self.task_row.lead_unit_id:
            raise ValidationError({"unit": _("该单位已是本行的牵头单位。")})


class Indicator(Coded):
    class Kind(models.TextChoices):
        QUANTITY = "quantity", _("累计数量")
        SUBSET = "subset", _("其中数")
        STANDARD = "standard", _("标准提升")
        RATIO = "ratio", _("比率")
        MILESTONE = "milestone", _("节点任务")

    class Operator(models.TextChoices):
        AT_LEAST = "gte", _("达到（≥）")
        MORE_THAN = "gt", _("超过（>）")
        IMPROVE_ON_BASELINE = "improve", _("较基数改善")

    class Stage(models.IntegerChoices):
        NOT_STARTED = 0, _("未启动")
        STARTED = 1, _("已启动")
        UNDERWAY = 2, _("推进中")
        COMPLETED = 3, _("已完成")

    task_row = models.ForeignKey(
        TaskRow, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("责任分解")
    )
    position = models.PositiveSmallIntegerField(_("排序"))
    name = models.CharField(_("指标名称"), max_length=200)
    plan_text = models.CharField(_("方案原文"), max_length=300, blank=True)
    kind = models.CharField(_("指标类型"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subsets",
        verbose_name=_("所属指标"),
        help_text=_("“其中数”指标所属的上级指标。"),
    )
    measure = models.CharField(_("计量单位"), max_length=20, blank=True)
    decimal_places = models.PositiveSmallIntegerField(_("小数位数"), default=0)
    operator = models.CharField(
        _("目标要求"), max_length=10, choices=Operator.choices, default=Operator.AT_LEAST
    )
    target_value = models.DecimalField(
        _("目标值"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("方案未下达的留空，显示为“待下达”。"),
    )
    baseline_value = models.DecimalField(
        _("基数"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
    )
    target_stage = models.PositiveSmallIntegerField(
        _("目标节点"),
        choices=Stage.choices,
        null=True,
        blank=True,
    )
    target_text = models.CharField(_("目标表述"), max_length=200, blank=True)
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = [
            "task_row__project__tier__position",
            "task_row__project__number",
            "task_row__position",
            "position",
        ]
        constraints = [
            models.UniqueConstraint(fields=["task_row", "position"], name="indicator_unique_position_in_row"),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_value__gte=0),
                name="indicator_target_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True) | Q(baseline_value__gte=0),
                name="indicator_baseline_not_negative",
            ),
            models.CheckConstraint(
                condition=(Q(kind="subset") & Q(parent__isnull=False))
                | (~Q(kind="subset") & Q(parent__isnull=True)),
                name="indicator_parent_only_for_subset",
            ),
            models.CheckConstraint(
                condition=(Q(kind="milestone") & Q(target_stage__isnull=False))
                | (~Q(kind="milestone") & Q(target_stage__isnull=True)),
                name="indicator_stage_only_for_milestone",
            ),
            models.CheckConstraint(
                condition=~Q(operator="improve") | Q(baseline_value__isnull=False),
                name="indicator_improve_needs_baseline",
            ),
            models.CheckConstraint(condition=Q(decimal_places__lte=4), name="indicator_decimal_places_max_4"),
            *coded_constraints("indicator"),
        ]

    def __str__(self):
        return self.name

    def default_code(self) -> str:
        return codes.indicator_code(self.task_row.code, self.position)

    @property
    def is_numeric(self) -> bool:
        return self.kind != self.Kind.MILESTONE

    @property
    def is_additive(self) -> bool:
        """Whether responsible units' figures add up to the lead unit's total (ADDITIVE_KINDS)."""
        return self.kind in ADDITIVE_KINDS

    @property
    def is_target_pending(self) -> bool:
        """A numeric target the plan left blank (待下达)."""
        return (
            self.is_numeric
            and self.target_value is None
            and self.operator != self.Operator.IMPROVE_ON_BASELINE
        )

    def format_number(self, value: Decimal | None) -> str:
        if value is None:
            return ""
        return f"{value:,.{self.decimal_places}f}".replace(",", "")

    def figure_text(
        self, value: Decimal | None, stage: int | None, *, measure: bool = False, empty: str = ""
    ) -> str:
        """A figure as people read it: a milestone's stage name, or the number (with its measure if asked).

        `empty` stands where there is no figure. Every page, export and review record says a figure this way.
        """
        if self.is_numeric:
            if value is None:
                return empty
            number = self.format_number(value)
            return f"{number}{self.measure}" if measure else number
        return str(self.Stage(stage).label) if stage is not None else empty

    @property
    def target_display(self) -> str:
        if self.kind == self.Kind.MILESTONE:
            return self.target_text or self.get_target_stage_display()
        if self.operator == self.Operator.IMPROVE_ON_BASELINE:
            return _("较基数%(baseline)s%(measure)s改善") % {
                "baseline": self.format_number(self.baseline_value),
                "measure": self.measure,
            }
        if self.target_value is None:
            return str(_("待下达"))
        prefix = (
            "＞"
            if self.operator == self.Operator.MORE_THAN
            else "≥"
            if self.kind in (self.Kind.STANDARD, self.Kind.RATIO)
            else ""
        )
        return f"{prefix}{self.format_number(self.target_value)}{self.measure}"

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == self.Kind.SUBSET:
            if self.parent_id is None:
                errors["parent"] = _("“其中数”指标必须选择所属指标。")
            elif self.parent.kind not in ADDITIVE_KINDS:
                errors["parent"] = _("所属指标必须是累计数量类指标。")
            elif self.parent.measure != self.measure:
                errors["measure"] = _("“其中数”的计量单位必须与所属指标一致。")
        elif self.parent_id is not None:
            errors["parent"] = _("只有“其中数”指标可以选择所属指标。")
        if self.kind == self.Kind.MILESTONE and self.target_stage is None:
            errors["target_stage"] = _("节点任务必须选择目标节点。")
        if self.kind != self.Kind.MILESTONE and self.target_stage is not None:
            errors["target_stage"] = _("只有节点任务需要目标节点。")
        if self.operator == self.Operator.IMPROVE_ON_BASELINE and self.baseline_value is None:
            errors["baseline_value"] = _("“较基数改善”的指标必须填写基数。")
        for field in ("target_value", "baseline_value"):
            value = getattr(self, field)
            if value is not None and value < 0:
                errors[field] = _("不能为负数。")
            elif value is not None and value != round(value, self.decimal_places):
                errors[field] = _("小数位数超过该指标允许的%(places)s位。") % {"places": self.decimal_places}
        if errors:
            raise ValidationError(errors)


# Kinds whose figures add up: responsible units' counts to the lead's total, a row's to its parent's.
ADDITIVE_KINDS = (Indicator.Kind.QUANTITY, Indicator.Kind.SUBSET)
