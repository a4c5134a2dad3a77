from django.contrib import admin

from accounts import roles
from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only, and for the audit administrator only (the audit pages at /audit/ are the usual way).

    Nobody changes or deletes an audit row through the application; the superuser and the
    other administrators do not read it.
    """

    list_display = ["at", "username", "unit", "client_address", "event", "object_repr", "outcome"]
    list_filter = ["event", "outcome", "unit"]
    search_fields = ["username", "unit", "object_repr", "event"]
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return roles.can_read_audit_log(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.can_read_audit_log(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
