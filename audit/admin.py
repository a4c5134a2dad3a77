from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody changes or deletes an audit row through the application."""

    list_display = ["at", "username", "unit", "client_address", "event", "object_repr", "outcome"]
    list_filter = ["event", "outcome", "unit"]
    search_fields = ["username", "unit", "object_repr", "event"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
