from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class MinshengAdminSite(admin.AdminSite):
    site_header = _("隆回县重点民生实事调度平台")
    site_title = _("民生实事调度平台")
    index_title = _("管理首页")
