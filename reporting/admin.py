from datetime import date, datetime

import chinese_calendar
from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from audit.admin_mixins import AuditedImportExportMixin
from core.admin import HistoryAdmin, ReadOnlyAdmin
from reporting.calendar.deadlines import MonthSchedule, month_schedule, month_schedules, override_errors
from reporting.calendar.workcalendar import holiday_name, library_knows, weekday_name
from reporting.models import (
    Contribution,
    Figure,
    ReportingMonth,
    ReviewEvent,
    StatusRule,
    Submission,
    WorkCalendarDay,
)
from reporting.progress import Thresholds, rule_sentences

# The ways the State Council list and the office's own sheets write a date.
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]


class ChineseDateWidget(widgets.Widget):
    """Reads a date as Excel stores it or as people type it in Chinese sheets."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            raise ValueError(gettext("日期不能为空。"))
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(gettext("无法识别的日期“%(value)s”，请写成2027-01-01。") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return f"{value:%Y-%m-%d}" if value else ""


class WorkdayWidget(widgets.Widget):
    """是/否 rather than 1/0, and refuses anything else instead of reading it as 否."""

    TRUE_VALUES = {"是", "上班", "工作日", "调休上班", "1", "true"}
    FALSE_VALUES = {"否", "休息", "休息日", "放假", "0", "false"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = str(value if value is not None else "").strip().lower()
        if text in self.TRUE_VALUES:
            return True
        if text in self.FALSE_VALUES:
            return False
        raise ValueError(
            gettext("“是否工作日”应填“是”（上班）或“否”（休息），不能是“%(value)s”。") % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        return gettext("是") if value else gettext("否")


class WorkCalendarDayResource(resources.ModelResource):
    date = fields.Field(attribute="date", column_name="日期", widget=ChineseDateWidget())
    is_workday = fields.Field(attribute="is_workday", column_name="是否工作日", widget=WorkdayWidget())
    note = fields.Field(attribute="note", column_name="说明", default="")

    class Meta:
        model = WorkCalendarDay
        fields = ["date", "is_workday", "note"]
        # Re-importing a corrected list updates the days rather than failing on duplicates.
        import_id_fields = ["date"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(AuditedImportExportMixin, HistoryAdmin):
    resource_classes = [WorkCalendarDayResource]
    list_display = ["date", "weekday", "is_workday", "note", "library_says"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["note"]

    @admin.display(description=_("星期"))
    def weekday(self, day):
        return weekday_name(day.date)

    @admin.display(description=_("内置日历"))
    def library_says(self, day):
        # Shown next to the entry so the office sees where it departs from the library.
        if not library_knows(day.date.year):
            return gettext("无此年数据")
        on_holiday, name = chinese_calendar.get_holiday_detail(day.date)
        if on_holiday:
            return (
                gettext("休息（%(name)s）") % {"name": holiday_name(name)}
                if name
                else gettext("休息（周末）")
            )
        if name:
            return gettext("上班（%(name)s调休）") % {"name": holiday_name(name)}
        return gettext("上班")


class ReportingMonthForm(forms.ModelForm):
    class Meta:
        model = ReportingMonth
        fields = [
            "plan_year",
            "month",
            "submit_deadline_override",
            "forward_deadline_override",
            "override_reason",
        ]
        help_texts = {
            "submit_deadline_override": _("留空则按日历：每月21日，遇周末、法定节假日顺延。"),
            "forward_deadline_override": _("留空则按日历：每月22日，遇周末、法定节假日顺延。"),
            "override_reason": _("手工调整截止日时必填。"),
        }

    def clean(self):
        cleaned = super().clean()
        # plan_year and month are read-only once the row exists, so they come from the instance.
        plan_year = cleaned.get("plan_year") if "plan_year" in self.fields else self.instance.plan_year
        month = cleaned.get("month") if "month" in self.fields else self.instance.month
        if plan_year is None or month is None:
            return cleaned
        if not 1 <= month <= 12:
            self.add_error("month" if "month" in self.fields else None, gettext("月份应为1至12。"))
            return cleaned
        errors = override_errors(
            plan_year=plan_year,
            month=month,
            submit_deadline_override=cleaned.get("submit_deadline_override"),
            forward_deadline_override=cleaned.get("forward_deadline_override"),
            override_reason=cleaned.get("override_reason") or "",
        )
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field, message)
        return cleaned


def _deadline_cell(day, *, moved: bool, reason: str, overridden: bool):
    if overridden:
        return format_html("{} <strong>{}</strong>", f"{day:%Y-%m-%d}", gettext("手工调整"))
    if moved:
        return format_html('{} <span title="{}">{}</span>', f"{day:%Y-%m-%d}", reason, gettext("顺延"))
    return f"{day:%Y-%m-%d}"


@admin.register(ReportingMonth)
class ReportingMonthAdmin(HistoryAdmin):
    form = ReportingMonthForm
    list_display = [
        "plan_year",
        "month_label",
        "data_cutoff",
        "submit_deadline",
        "forward_deadline",
        "overridden",
        "forwarded_at",
    ]
    list_display_links = ["plan_year", "month_label"]
    list_filter = ["plan_year"]
    list_select_related = ["plan_year"]
    fields = [
        "plan_year",
        "month",
        "calendar_summary",
        "submit_deadline_override",
        "forward_deadline_override",
        "override_reason",
        "forwarded_at",
        "forwarded_by",
        "forward_note",
    ]
    # Forwarding closes a month through the confirmation page only (reporting.workflow.forwarding).
    FORWARDING = ["forwarded_at", "forwarded_by", "forward_note"]

    def get_readonly_fields(self, request, obj=None):
        # The twelve rows belong to their year; only the override is the office's to change.
        if obj is not None:
            return ["plan_year", "month", "calendar_summary", *self.FORWARDING]
        return ["calendar_summary", *self.FORWARDING]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # One calendar query for the whole page instead of one per row.
        rows = list(changelist.result_list)
        for row, schedule in zip(rows, month_schedules(reporting_months=rows), strict=True):
            row._schedule = schedule
        return changelist

    def _schedule(self, row) -> MonthSchedule:
        schedule = getattr(row, "_schedule", None)
        return schedule if schedule is not None else month_schedule(row)

    @admin.display(description=_("月份"), ordering="month")
    def month_label(self, row):
        return gettext("%(month)s月") % {"month": row.month}

    @admin.display(description=_("数据截至"))
    def data_cutoff(self, row):
        return f"{self._schedule(row).data_cutoff:%Y-%m-%d}"

    @admin.display(description=_("报送截止日"))
    def submit_deadline(self, row):
        s = self._schedule(row)
        return _deadline_cell(
            s.submit_deadline,
            moved=s.submit_moved,
            reason=s.submit_move_reason,
            overridden=s.submit_overridden,
        )

    @admin.display(description=_("上报截止日"))
    def forward_deadline(self, row):
        s = self._schedule(row)
        return _deadline_cell(
            s.forward_deadline,
            moved=s.forward_moved,
            reason=s.forward_move_reason,
            overridden=s.forward_overridden,
        )

    @admin.display(description=_("手工调整"), boolean=True)
    def overridden(self, row):
        return self._schedule(row).overridden

    @admin.display(description=_("按日历计算"))
    def calendar_summary(self, row):
        if row is None or row.pk is None:
            return gettext("保存后显示按日历计算的截止日。")
        s = self._schedule(row)
        lines = [
            gettext("数据截至：%(day)s") % {"day": f"{s.data_cutoff:%Y-%m-%d}"},
            gettext("报送截止：%(day)s %(reason)s")
            % {"day": f"{s.submit_calendar_deadline:%Y-%m-%d}", "reason": s.submit_calendar_move_reason},
            gettext("上报截止：%(day)s %(reason)s")
            % {"day": f"{s.forward_calendar_deadline:%Y-%m-%d}", "reason": s.forward_calendar_move_reason},
        ]
        if s.calendar_warning:
            lines.append(s.calendar_warning)
        return format_html_join("", "<div>{}</div>", ((line.strip(),) for line in lines))


class ContributionInline(admin.TabularInline):
    model = Contribution
    fields = ["unit", "funds_invested", "progress", "problems", "updated_by", "updated_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["task_row", "reporting_month", "status", "submitted_at", "on_time", "is_demo"]
    list_filter = [
        "reporting_month__plan_year",
        "reporting_month__month",
        "status",
        "on_time",
        "task_row__project__tier__kind",
        "task_row__lead_unit",
        "is_demo",
    ]
    list_select_related = ["task_row__project__tier", "reporting_month__plan_year"]
    search_fields = ["task_row__project__title", "task_row__title", "task_row__lead_unit__name"]
    inlines = [ContributionInline]


class FigureInline(admin.TabularInline):
    model = Figure
    fields = ["indicator", "value", "stage", "explanation"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ["submission", "unit", "funds_invested", "updated_by", "updated_at"]
    list_filter = [
        "submission__reporting_month__plan_year",
        "submission__reporting_month__month",
        "unit__kind",
    ]
    list_select_related = [
        "submission__task_row__project",
        "submission__reporting_month__plan_year",
        "unit",
        "updated_by",
    ]
    search_fields = ["unit__name", "submission__task_row__project__title"]
    inlines = [FigureInline]


@admin.register(Figure)
class FigureAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "contribution", "value", "stage"]
    list_filter = [
        "contribution__submission__reporting_month__plan_year",
        "contribution__submission__reporting_month__month",
        "indicator__kind",
    ]
    list_select_related = [
        "indicator",
        "contribution__unit",
        "contribution__submission__reporting_month__plan_year",
        "contribution__submission__task_row__project",
    ]
    search_fields = ["indicator__name", "contribution__unit__name"]


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdmin):
    list_display = ["submission", "action", "actor", "at", "reason"]
    list_filter = ["action", "submission__reporting_month__plan_year", "submission__reporting_month__month"]
    list_select_related = ["submission__task_row__project", "submission__reporting_month__plan_year", "actor"]
    search_fields = ["reason", "actor__username"]
    exclude = ["snapshot"]


# --- the year's red-amber-green rule, read by the dashboards (reporting/progress.py) ---------------


@admin.register(StatusRule)
class StatusRuleAdmin(HistoryAdmin):
    list_display = ["plan_year", "amber_gap", "red_gap", "rule_text"]
    list_select_related = ["plan_year"]
    fields = ["plan_year", "amber_gap", "red_gap", "rule_text"]
    readonly_fields = ["rule_text"]

    @admin.display(description=_("判定规则说明"))
    def rule_text(self, obj):
        if obj is None or obj.pk is None:
            return gettext("保存后显示。未设置规则的年度按黄色10个百分点、红色30个百分点判定。")
        return format_html_join(
            "",
            "<p>{}</p>",
            ((sentence,) for sentence in rule_sentences(Thresholds(obj.amber_gap, obj.red_gap))),
        )
