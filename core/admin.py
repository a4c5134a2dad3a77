"""Admin base classes every app's admin derives from: history that cannot bypass a lock, read-only views."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """simple_history's admin, refusing a revert to anyone who may not change the object.

    simple_history saves a posted history form for anyone who may merely view the object,
    so a crafted POST to …/history/<id>/ would change a figure of an approved month.
    Every admin with history in this project derives from this class (tests/test_locked.py).
    A model without simple_history's records (a review event) shows the admin's own log instead.
    """

    def _has_records(self) -> bool:
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    @property
    def object_history_template(self):
        return SimpleHistoryAdmin.object_history_template if self._has_records() else None

    def history_view(self, request, object_id, extra_context=None):
        if not self._has_records():
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def revert_disabled(self, request, obj=None):
        """No revert offered where it would be refused: the object is locked or not the user's to change."""
        if obj is not None and not self.has_change_permission(request, obj):
            return True
        return super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self._has_records():
            raise Http404
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin(HistoryAdmin):
    """Records that change only through their services, which check locks and permissions.

    The admin shows them and their full history, but offers no way around the workflow.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete answers, labelled by the chosen model's admin where it says how.

    A ModelAdmin with `autocomplete_label(obj)` names its objects that way in every autocomplete
    field pointing at it (a task row with its year and tier); others keep `str(obj)`.
    """

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = label(obj)
        return result
