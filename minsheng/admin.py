from django.contrib import admin
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from core.admin import LabelledAutocompleteJsonView


class MinshengAdminSite(admin.AdminSite):
    site_header = _("隆回县重点民生实事调度平台")
    site_title = _("民生实事调度平台")
    index_title = _("管理首页")

    def password_change(self, request, extra_context=None):
        """One password page for everyone: it also lifts the first-login rule and writes the audit row."""
        return redirect("password_change")

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)
