"""Who carries the plan out: units, their aliases and groups, people, and each year's 责任人 and 工作专班.

The plan year is referred to by name ("projects.PlanYear"): the plan's models refer to units and
people, so this module is imported by the plan module and cannot import it in turn.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.text import hidden_characters, name_key
from projects import codes


class Coded(models.Model):
    """A record with a stable code (projects.codes): given once from the structure, then kept."""

    code = models.CharField(
        _("编码"),
        max_length=40,
        blank=True,
        default="",
        validators=[codes.validate_code],
        help_text=_("稳定编码，数据接口使用；留空则按方案结构自动生成，改名后保持不变。"),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.assign_code()
        super().save(*args, **kwargs)

    def default_code(self) -> str:
        raise NotImplementedError

    def assign_code(self) -> None:
        if not self.code:
            model = type(self)
            self.code = codes.free_code(
                self.default_code(),
                lambda code: model._default_manager.filter(code=code).exclude(pk=self.pk).exists(),
            )

    def clean(self):
        super().clean()
        self.assign_code()


def coded_constraints(label: str) -> list:
    return [
        models.UniqueConstraint(fields=["code"], name=f"{label}_unique_code"),
        models.CheckConstraint(condition=~Q(code=""), name=f"{label}_has_code"),
    ]


class Unit(Coded):
    class Kind(models.TextChoices):
        COUNTY_DEPARTMENT = "county_department", _("县直部门")
        TOWNSHIP = "township", _("乡镇")
        SUBDISTRICT = "subdistrict", _("街道")
        ENTERPRISE = "enterprise", _("企业")
        UPSTREAM_BRANCH = "upstream_branch", _("上级驻县机构")

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    kind = models.CharField(_("单位类型"), max_length=20, choices=Kind.choices)
    is_active = models.BooleanField(_("启用"), default=True)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[codes.validate_credit_code]
    )
    division_code = models.CharField(
        _("行政区划代码"),
        max_length=12,
        blank=True,
        validators=[codes.validate_division_code],
        help_text=_("乡镇、街道的12位统计用区划代码。"),
    )
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["kind", "name"]
        constraints = [
            *coded_constraints("unit"),
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="unit_unique_credit_code"
            ),
            models.CheckConstraint(
                condition=Q(division_code="") | Q(kind__in=["township", "subdistrict"]),
                name="unit_division_code_only_for_townships",
            ),
        ]

    def __str__(self):
        return self.name

    def default_code(self) -> str:
        return codes.unit_code(
            codes.next_unit_number(Unit.objects.exclude(pk=self.pk).values_list("code", flat=True))
        )

    def clean(self):
        super().clean()
        if self.division_code and self.kind not in (self.Kind.TOWNSHIP, self.Kind.SUBDISTRICT):
            raise ValidationError({"division_code": _("只有乡镇、街道填写行政区划代码。")})
        hidden = hidden_characters(self.name or "")
        if hidden:
            raise ValidationError(
                {
                    "name": _("单位名称含有不可见字符或控制字符（%(chars)s），请删除后重新输入。")
                    % {"chars": "、".join(hidden)}
                }
            )
        key = name_key(self.name or "")
        names = Unit.objects.exclude(pk=self.pk).values_list("name", flat=True)  # every other unit
        twin = next((name for name in names if name != self.name and name_key(name) == key), None)
        if twin is not None:
            raise ValidationError(
                {
                    "name": _("已有单位“%(name)s”，与此名称只差全角半角、大小写或空格，不能重复添加。")
                    % {"name": twin}
                }
            )


class UnitAlias(models.Model):
    """Another way the plan writes the same unit (国网供电隆回分公司 → 国网隆回供电公司)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("单位"))
    alias = models.CharField(_("别名"), max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")
        ordering = ["alias"]

    def __str__(self):
        return self.alias

    def clean(self):
        if Unit.objects.filter(name=self.alias).exists():
            raise ValidationError({"alias": _("已有同名单位，别名不能与单位名称重复。")})


class UnitGroup(models.Model):
    """A party the plan names collectively, e.g. 各乡镇人民政府、街道办事处.

    Members are derived from unit kinds, so a township the office adds later
    belongs to every group that covers townships without further work.
    """

    name = models.CharField(_("名称"), max_length=100, unique=True)
    responsible_title = models.CharField(
        _("责任人表述"),
        max_length=100,
        help_text=_("责任分解表“责任人”栏的写法，如“各乡镇长、街道办事处主任”。"),
    )
    includes_townships = models.BooleanField(_("包含乡镇"), default=False)
    includes_subdistricts = models.BooleanField(_("包含街道"), default=False)
    includes_county_departments = models.BooleanField(_("包含县直部门"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位群组")
        verbose_name_plural = _("单位群组")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(includes_townships=True)
                | Q(includes_subdistricts=True)
                | Q(includes_county_departments=True),
                name="unitgroup_covers_some_kind",
            ),
        ]

    def __str__(self):
        return self.name

    # Which flag says the group covers units of which kind: the one table of the rule.
    FLAG_BY_KIND = {
        Unit.Kind.TOWNSHIP: "includes_townships",
        Unit.Kind.SUBDISTRICT: "includes_subdistricts",
        Unit.Kind.COUNTY_DEPARTMENT: "includes_county_departments",
    }

    @property
    def member_kinds(self) -> list[str]:
        return [kind for kind, flag in self.FLAG_BY_KIND.items() if getattr(self, flag)]

    def members(self):
        return Unit.objects.filter(kind__in=self.member_kinds, is_active=True)


class Person(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("所在单位"),
    )
    title = models.CharField(_("职务"), max_length=100, blank=True)
    # How the plan's 附表 prints the name where it is not the usual spacing (岳   涛, 张 诚); the
    # responsibility matrix prints it so. Blank: the name spaced by the usual rule (李  良).
    printed_name = models.CharField(
        _("附表写法"),
        max_length=60,
        blank=True,
        help_text=_("附表中的姓名写法（含空格），与通常写法不同时填写，责任分解表按此打印。"),
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("在职"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "unit"], name="person_unique_name_in_unit"),
        ]

    def __str__(self):
        return self.name


class ResponsiblePerson(models.Model):
    """The one 责任人 a unit names for a plan year."""

    plan_year = models.ForeignKey(
        "projects.PlanYear",
        on_delete=models.CASCADE,
        related_name="responsible_people",
        verbose_name=_("年度"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="responsible_people", verbose_name=_("单位")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="responsibilities", verbose_name=_("责任人")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位责任人")
        verbose_name_plural = _("单位责任人")
        ordering = ["plan_year", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "unit"], name="responsibleperson_one_per_unit_and_year"
            ),
        ]

    def __str__(self):
        return f"{self.unit}：{self.person}"


class TaskForce(models.Model):
    """The year's 工作专班: convener, deputy, office and member units."""

    plan_year = models.OneToOneField(
        "projects.PlanYear", on_delete=models.CASCADE, related_name="task_force", verbose_name=_("年度")
    )
    name = models.CharField(_("名称"), max_length=100)
    convener = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("召集人"),
    )
    deputy_convener = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("副召集人"),
    )
    office_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("专班办公室所在单位")
    )
    office_director = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("办公室主任"),
    )
    liaison = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("联络员"),
    )
    statistics_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("数据核定单位"),
    )
    member_units = models.ManyToManyField(Unit, related_name="task_forces", verbose_name=_("成员单位"))
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords(m2m_fields=[member_units])

    class Meta:
        verbose_name = _("工作专班")
        verbose_name_plural = _("工作专班")

    def __str__(self):
        return self.name
