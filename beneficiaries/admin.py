"""Read-only admin of the lists: changes go through the pages, which check access and write the audit log.

The full ID number and phone number never appear here; the history model does not hold them at all.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
