"""Read-only admin of the lists: changes go through the pages, which check access and write the audit log.

The full ID number and phone number never appear here; the history model does not hold them at all.
Who sees whom is `beneficiaries.access.visible_entries`, the lists' own rule, on top of the model
permission; each list, person and history page opened here writes an audit row (ids, no numbers).
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.services import record
from beneficiaries.access import visible_entries
from beneficiaries.id_numbers import id_number_hash, validate_id_number
from beneficiaries.models import Beneficiary, DoubleCountingPair
from core.admin import ReadOnlyAdmin


class PersonalDataAdmin(ReadOnlyAdmin):
    def has_delete_permission(self, request, obj=None):
        # Removal is a flag with a reason; only a superuser may erase a record (e.g. on a legal request).
        return request.user.is_superuser


@admin.register(Beneficiary)
class BeneficiaryAdmin(PersonalDataAdmin):
    list_display = [
        "name",
        "id_number_masked",
        "gender",
        "township",
        "village",
        "indicator",
        "entered_by_unit",
        "benefit_date",
        "is_removed",
    ]
    list_filter = ["is_removed", "gender", "township", "entered_by_unit"]
    list_select_related = ["township", "indicator", "entered_by_unit"]
    search_fields = ["name", "village"]
    exclude = ["id_number", "phone"]
    readonly_fields = ["id_number_masked", "masked_phone"]
    raw_id_fields = ["indicator", "township", "entered_by_unit", "created_by", "removed_by", "import_batch"]
    history_list_display = ["id_number_masked", "is_removed"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:  # holds every permission anyway; what it opens is audited
            return queryset
        return queryset.filter(pk__in=visible_entries(request.user).values("pk"))

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        if request.user.is_superuser:
            return True
        people = visible_entries(request.user)
        return people.filter(pk=obj.pk).exists() if obj is not None else people.exists()

    def _audit(self, request, event: str, ids) -> None:
        record(event=event, request=request, detail={"beneficiary_ids": sorted(ids)})

    def changelist_view(self, request, extra_context=None):
        with transaction.atomic():
            response = super().changelist_view(request, extra_context)
            changelist = (
                getattr(response, "context_data", {}).get("cl") if response.status_code == 200 else None
            )
            if changelist is not None:
                self._audit(request, "beneficiary.admin_list", [entry.pk for entry in changelist.result_list])
            return response

    def _audited_object_view(self, request, object_id, event: str, view, *args):
        with transaction.atomic():
            response = view(request, object_id, *args)
            if response.status_code == 200:
                obj = self.get_object(request, unquote(object_id))
                if obj is not None:
                    self._audit(request, event, [obj.pk])
            return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._audited_object_view(
            request, object_id, "beneficiary.admin_view", super().change_view, form_url, extra_context
        )

    def history_view(self, request, object_id, extra_context=None):
        return self._audited_object_view(
            request, object_id, "beneficiary.admin_history", super().history_view, extra_context
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return self._audited_object_view(
            request,
            object_id,
            "beneficiary.admin_history",
            super().history_form_view,
            version_id,
            extra_context,
        )

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj):
        return obj.phone_masked

    def get_search_results(self, request, queryset, search_term):
        """A whole, valid ID number is looked up by its hash, so the search never scans clear numbers."""
        try:
            number = validate_id_number(search_term)
        except ValidationError:  # not an ID number: search names and villages as usual
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(id_hash=id_number_hash(number)), False


@admin.register(DoubleCountingPair)
class DoubleCountingPairAdmin(PersonalDataAdmin):
    list_display = ["indicator_a", "indicator_b", "note", "created_by", "created_at"]
    list_select_related = ["indicator_a", "indicator_b", "created_by"]
