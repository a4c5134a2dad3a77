from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export import resources

from audit.admin_mixins import AuditedExportMixin, AuditedImportExportMixin
from core.admin import HistoryAdmin
from projects import target_lock
from projects.models import (
    Indicator,
    Person,
    PlanYear,
    Project,
    ResponsiblePerson,
    TargetAdjustment,
    TargetAdjustmentLine,
    TaskForce,
    TaskRow,
    TaskRowParty,
    Tier,
    Unit,
    UnitAlias,
    UnitGroup,
)
from projects.services import PlanFileError, copy_plan_year

MISSING = _("⚠ 待补充")


def targets_locked(obj: Indicator | TaskRow | None) -> bool:
    """The target lock (projects.target_lock) of an indicator or of a task row's indicators.

    The admin asks it several times for one page: asked once per object, kept on it.
    """
    if obj is None or obj.pk is None:
        return False
    if not hasattr(obj, "_targets_locked"):
        row_id = obj.task_row_id if isinstance(obj, Indicator) else obj.pk
        obj._targets_locked = target_lock.row_targets_locked(row_id)
    return obj._targets_locked


def target_lock_notice(plan_year: PlanYear) -> str:
    """The help line over locked target fields, with a link to the adjustment form (指标调整)."""
    route = target_lock.adjustment_route()
    if route is None:
        return str(target_lock.LOCKED_MESSAGE)
    url = f"{reverse(route)}?year={plan_year.year}"
    return format_html('{}（<a href="{}">{}</a>）', target_lock.LOCKED_MESSAGE, url, _("提出指标调整"))


@admin.register(PlanYear)
class PlanYearAdmin(HistoryAdmin):
    list_display = ["year", "title", "adjustment_deadline"]
    search_fields = ["title"]
    actions = ["copy_to_next_year"]

    @admin.action(description=_("复制项目结构到下一年度"))
    def copy_to_next_year(self, request, queryset):
        for plan_year in queryset:
            try:
                new_year = copy_plan_year(source=plan_year, year=plan_year.year + 1)
            except PlanFileError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, _("已创建%(year)s年度，目标值待下达。") % {"year": new_year.year})


@admin.register(Tier)
class TierAdmin(HistoryAdmin):
    list_display = ["__str__", "short_name", "position", "project_count"]
    list_filter = ["plan_year", "kind"]
    list_select_related = ["plan_year"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(project_total=Count("projects"))

    @admin.display(description=_("项目数"), ordering="project_total")
    def project_count(self, tier):
        return tier.project_total


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 0


class UnitResource(resources.ModelResource):
    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "is_active", "note"]
        import_id_fields = ["name"]
        clean_model_instances = True


class DeactivateInsteadOfDelete:
    """Units and people are switched off with “启用 / 在职”, never deleted: figures and history name them."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(DeactivateInsteadOfDelete, AuditedImportExportMixin, HistoryAdmin):
    resource_classes = [UnitResource]
    list_display = ["name", "kind", "alias_names", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "aliases__alias"]
    inlines = [UnitAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description=_("别名"))
    def alias_names(self, unit):
        return "、".join(alias.alias for alias in unit.aliases.all())


@admin.register(UnitGroup)
class UnitGroupAdmin(HistoryAdmin):
    list_display = ["name", "responsible_title", "member_count"]
    readonly_fields = ["member_list"]

    @admin.display(description=_("成员单位数"))
    def member_count(self, group):
        count = group.members().count()
        return count if count else MISSING

    @admin.display(description=_("成员单位"))
    def member_list(self, group):
        names = [unit.name for unit in group.members()]
        return "、".join(names) if names else _("方案未逐一列名，待在“单位”中补充。")


class PersonResource(resources.ModelResource):
    class Meta:
        model = Person
        fields = ["id", "name", "unit", "title", "phone", "is_active"]
        clean_model_instances = True


@admin.register(Person)
class PersonAdmin(DeactivateInsteadOfDelete, AuditedImportExportMixin, HistoryAdmin):
    resource_classes = [PersonResource]
    list_display = ["name", "unit", "title", "is_active"]
    list_filter = ["is_active", "unit__kind"]
    list_select_related = ["unit"]
    search_fields = ["name", "unit__name", "title"]
    autocomplete_fields = ["unit"]


@admin.register(ResponsiblePerson)
class ResponsiblePersonAdmin(HistoryAdmin):
    list_display = ["unit", "person", "plan_year"]
    list_filter = ["plan_year", "unit__kind"]
    list_select_related = ["unit", "person", "plan_year"]
    search_fields = ["unit__name", "person__name"]
    autocomplete_fields = ["unit", "person"]


@admin.register(TaskForce)
class TaskForceAdmin(HistoryAdmin):
    list_display = ["name", "plan_year", "convener", "deputy_convener", "office_unit", "member_count"]
    list_select_related = ["plan_year", "convener", "deputy_convener", "office_unit"]
    autocomplete_fields = [
        "convener",
        "deputy_convener",
        "office_unit",
        "office_director",
        "liaison",
        "statistics_unit",
    ]
    filter_horizontal = ["member_units"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("member_units"))

    @admin.display(description=_("成员单位数"), ordering="member_total")
    def member_count(self, task_force):
        return task_force.member_total


class TaskRowInline(admin.TabularInline):
    model = TaskRow
    extra = 0
    fields = ["position", "title", "lead_unit", "leader"]
    autocomplete_fields = ["lead_unit", "leader"]
    show_change_link = True


@admin.register(Project)
class ProjectAdmin(HistoryAdmin):
    list_display = ["number", "title", "tier", "row_count", "has_note"]
    list_display_links = ["number", "title"]
    list_filter = ["tier__plan_year", "tier__kind"]
    list_select_related = ["tier__plan_year"]
    search_fields = ["title", "description"]
    inlines = [TaskRowInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(row_total=Count("task_rows"))

    @admin.display(description=_("分解行数"), ordering="row_total")
    def row_count(self, project):
        return project.row_total

    @admin.display(description=_("有备注"), boolean=True)
    def has_note(self, project):
        return bool(project.note)


class TaskRowPartyInline(admin.TabularInline):
    model = TaskRowParty
    extra = 0
    autocomplete_fields = ["unit"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fk_name = "task_row"
    extra = 0
    fields = [
        "position",
        "name",
        "kind",
        "measure",
        "operator",
        "baseline_value",
        "target_value",
        "target_stage",
        "target_text",
    ]
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        """`obj` is the task row: once it is locked, its indicators' targets change only by 指标调整."""
        readonly = list(super().get_readonly_fields(request, obj))
        if targets_locked(obj):
            locked = [name for name in target_lock.TARGET_FIELDS if name in self.fields]
            readonly += [name for name in locked if name not in readonly]
        return readonly

    def has_add_permission(self, request, obj=None):
        # A new row of the inline would have its kind and target read-only, hence blank.
        return not targets_locked(obj) and super().has_add_permission(request, obj)


class MissingLeaderFilter(admin.SimpleListFilter):
    title = _("牵头领导")
    parameter_name = "leader_missing"

    def lookups(self, request, model_admin):
        return [("yes", _("待补充")), ("no", _("已明确"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(leader__isnull=True)
        if self.value() == "no":
            return queryset.filter(leader__isnull=False)
        return queryset


class TaskRowChoices:
    """A task row offered as a choice reads with its year and tier (TaskRow.choice_label)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.related_model is TaskRow:
            field.queryset = field.queryset.select_related("project__tier__plan_year")
            field.label_from_instance = TaskRow.choice_label
        return field


@admin.register(TaskRow)
class TaskRowAdmin(HistoryAdmin):
    list_display = ["__str__", "tier_name", "lead_unit", "leader_or_missing"]
    list_filter = [
        "project__tier__plan_year",
        "project__tier__kind",
        MissingLeaderFilter,
        "people_listed",
        "lead_unit",
    ]
    list_select_related = ["project__tier__plan_year", "lead_unit", "leader"]
    search_fields = ["title", "project__title", "lead_unit__name", "leader__name"]
    autocomplete_fields = ["project", "lead_unit", "leader"]
    inlines = [TaskRowPartyInline, IndicatorInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project__tier__plan_year")

    def autocomplete_label(self, task_row) -> str:
        """How an autocomplete field names a task row (core.admin.LabelledAutocompleteJsonView)."""
        return task_row.choice_label()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not targets_locked(obj):
            return fieldsets
        (name, options), *rest = fieldsets
        notice = target_lock_notice(obj.project.tier.plan_year)
        return [(name, {**options, "description": notice}), *rest]

    @admin.display(description=_("层级"), ordering="project__tier__position")
    def tier_name(self, task_row):
        return task_row.project.tier.get_kind_display()

    @admin.display(description=_("牵头领导"), ordering="leader__name")
    def leader_or_missing(self, task_row):
        return task_row.leader or MISSING


class PendingTargetFilter(admin.SimpleListFilter):
    title = _("目标值")
    parameter_name = "target"

    def lookups(self, request, model_admin):
        return [("pending", _("待下达")), ("set", _("已下达"))]

    def queryset(self, request, queryset):
        pending = (
            Q(target_value__isnull=True)
            & ~Q(kind=Indicator.Kind.MILESTONE)
            & ~Q(operator=Indicator.Operator.IMPROVE_ON_BASELINE)
        )
        if self.value() == "pending":
            return queryset.filter(pending)
        if self.value() == "set":
            return queryset.exclude(pending)
        return queryset


class IndicatorResource(resources.ModelResource):
    class Meta:
        model = Indicator
        fields = [
            "id",
            "task_row__project__tier__plan_year__year",
            "task_row__project__tier__kind",
            "task_row__project__number",
            "name",
            "kind",
            "measure",
            "operator",
            "baseline_value",
            "target_value",
            "target_stage",
            "target_text",
        ]
        export_order = fields

    def before_save_instance(self, instance, row, **kwargs):
        # An import changes a locked target no more than the change page does.
        try:
            target_lock.refuse_locked_target_change(instance)
        except target_lock.TargetLocked as exc:
            raise ValidationError(str(exc)) from exc
        super().before_save_instance(instance, row, **kwargs)


class IndicatorAdminForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        # The locked fields are read-only, so not in the form; but a revert from the history
        # page starts from the old version, which would restore its old target with the rest.
        try:
            if self.instance.pk is None:
                task_row = cleaned_data.get("task_row")
                target_lock.refuse_new_indicator(task_row.pk if task_row else None)
            target_lock.refuse_locked_target_change(self.instance)
        except target_lock.TargetLocked as exc:
            raise ValidationError(str(exc)) from exc
        return cleaned_data


@admin.register(Indicator)
class IndicatorAdmin(TaskRowChoices, AuditedExportMixin, HistoryAdmin):
    resource_classes = [IndicatorResource]
    list_display = ["name", "task_row", "kind", "target_or_pending", "measure"]
    list_filter = [
        "task_row__project__tier__plan_year",
        "task_row__project__tier__kind",
        "kind",
        PendingTargetFilter,
    ]
    list_select_related = ["task_row__project__tier"]
    search_fields = ["name", "plan_text", "task_row__project__title"]
    autocomplete_fields = ["task_row", "parent"]
    form = IndicatorAdminForm

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if targets_locked(obj):
            readonly += [name for name in target_lock.TARGET_FIELDS if name not in readonly]
        return readonly

    def get_fieldsets(self, request, obj=None):
        """The target fields in a fieldset of their own, with the lock's help line when locked."""
        fields = self.get_fields(request, obj)
        target = {"fields": [name for name in fields if name in target_lock.TARGET_FIELDS]}
        if targets_locked(obj):
            target["description"] = target_lock_notice(obj.task_row.project.tier.plan_year)
        return [
            (None, {"fields": [name for name in fields if name not in target_lock.TARGET_FIELDS]}),
            (_("目标"), target),
        ]

    def save_model(self, request, obj, form, change):
        target_lock.refuse_locked_target_change(obj)  # the form refused it already; never in place
        super().save_model(request, obj, form, change)

    @admin.display(description=_("目标"))
    def target_or_pending(self, indicator):
        return indicator.target_display


class TargetAdjustmentLineInline(admin.TabularInline):
    model = TargetAdjustmentLine
    fields = ["indicator", "unit", "previous_target", "new_target"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TargetAdjustment)
class TargetAdjustmentAdmin(HistoryAdmin):
    """Shown with its history; filed, reviewed and decided only through the app (projects.targets)."""

    list_display = ["__str__", "unit", "status", "effective_month", "document_number", "decided_on"]
    list_filter = ["plan_year", "status"]
    list_select_related = ["plan_year", "unit"]
    search_fields = ["unit__name", "document_number", "reason"]
    inlines = [TargetAdjustmentLineInline]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
