from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin


class MinshengAdminSite(admin.AdminSite):
    site_header = _("隆回县重点民生实事调度平台")
    site_title = _("民生实事调度平台")
    index_title = _("管理首页")

    def password_change(self, request, extra_context=None):
        """One password page for everyone: it also lifts the first-login rule and writes the audit row."""
        return redirect("password_change")


class HistoryAdmin(SimpleHistoryAdmin):
    """simple_history's admin, refusing a revert to anyone who may not change the object.

    simple_history saves a posted history form for anyone who may merely view the object,
    so a crafted POST to …/history/<id>/ would change a figure of an approved month.
    Every admin with history in this project derives from this class (tests/test_locked.py).
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
