"""Year-end evaluation in the admin: shown with its history, changed only through the app's pages.

Self-evaluations, certifications, the notice and the weights are decisions with permission checks
and audit records in `evaluation.services`; the admin offers no way around them.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from evaluation.models import (
    Certification,
    Evidence,
    PublicNotice,
    ScoreWeights,
    SelfEvaluation,
    SelfEvaluationFigure,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FigureInline(ReadOnlyInline):
    model = SelfEvaluationFigure
    fields = ["indicator", "value", "stage"]
    readonly_fields = fields


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["original_name", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(SelfEvaluation)
class SelfEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["task_row", "unit", "status", "completed", "submitted_at"]
    list_filter = ["task_row__project__tier__plan_year", "status", "completed"]
    list_select_related = ["task_row__project__tier", "unit"]
    search_fields = ["task_row__project__title", "unit__name"]
    inlines = [FigureInline, EvidenceInline]


@admin.register(Certification)
class CertificationAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "value", "stage", "qualified", "certified_by", "certified_at"]
    list_filter = ["indicator__task_row__project__tier__plan_year", "qualified"]
    list_select_related = ["indicator__task_row__project", "certified_by"]
    search_fields = ["indicator__name", "note"]


@admin.register(PublicNotice)
class PublicNoticeAdmin(ReadOnlyAdmin):
    list_display = ["title", "plan_year", "starts_on", "ends_on", "published_at"]
    list_select_related = ["plan_year"]


@admin.register(ScoreWeights)
class ScoreWeightsAdmin(ReadOnlyAdmin):
    list_display = [
        "plan_year",
        "completion_weight",
        "timeliness_weight",
        "quality_weight",
        "certification_weight",
        "total",
        "updated_by",
        "updated_at",
    ]
    list_select_related = ["plan_year", "updated_by"]

    @admin.display(description=_("合计"))
    def total(self, weights):
        return weights.total
