"""Admin of the exchange: receiving installations with their code tables; the records, read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.admin import HistoryAdmin, ReadOnlyAdmin
from exchange.models import (
    CodeMapping,
    PushAttempt,
    ReceivedBatch,
    ReceivedFigure,
    ReceivingInstallation,
    Sender,
)


class CodeMappingInline(admin.TabularInline):
    model = CodeMapping
    extra = 0
    fields = ("kind", "our_code", "their_code")


@admin.register(ReceivingInstallation)
class ReceivingInstallationAdmin(HistoryAdmin):
    list_display = ("name", "base_url", "token_env", "same_codes", "is_active")
    search_fields = ("name",)
    inlines = [CodeMappingInline]


@admin.register(CodeMapping)
class CodeMappingAdmin(HistoryAdmin):
    list_display = ("installation", "kind", "our_code", "their_code")
    list_filter = ("installation", "kind")
    list_select_related = ("installation",)
    search_fields = ("our_code", "their_code")


@admin.register(PushAttempt)
class PushAttemptAdmin(ReadOnlyAdmin):
    list_display = (
        "started_at",
        "installation",
        "year",
        "month",
        "trigger",
        "dry_run",
        "result",
        "value_count",
        "tries",
        "response_status",
    )
    list_filter = ("result", "installation", "year", "month", "trigger")
    list_select_related = ("installation",)
    readonly_fields = [field.name for field in PushAttempt._meta.fields]


@admin.register(ReceivedBatch)
class ReceivedBatchAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "sender_name", "year", "month", "client_name")
    list_filter = ("sender_name", "year", "month")
    readonly_fields = [field.name for field in ReceivedBatch._meta.fields]


@admin.register(ReceivedFigure)
class ReceivedFigureAdmin(ReadOnlyAdmin):
    list_display = (
        "sender_name",
        "year",
        "month",
        "indicator_code",
        "indicator_name",
        "unit_name",
        "value",
        "stage",
    )
    list_filter = ("sender_name", "year", "month")
    search_fields = ("indicator_code", "indicator_name", "unit_name")
    readonly_fields = [field.name for field in ReceivedFigure._meta.fields]
    verbose_name = _("接收的数据")


@admin.register(Sender)
class SenderAdmin(HistoryAdmin):
    """Which API client may push as which county: the security administrator's, like the clients."""

    list_display = ("code", "name", "client")
    list_select_related = ("client",)
    raw_id_fields = ("client",)

    def _manages(self, request) -> bool:
        return roles.can_manage_api_clients(request.user)

    def has_module_permission(self, request):
        return self._manages(request)

    def has_view_permission(self, request, obj=None):
        return self._manages(request)

    def has_add_permission(self, request):
        return self._manages(request)

    def has_change_permission(self, request, obj=None):
        return self._manages(request)

    def has_delete_permission(self, request, obj=None):
        return self._manages(request)
