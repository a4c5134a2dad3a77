from django.contrib.admin.apps import AdminConfig


class MinshengAdminConfig(AdminConfig):
    default_site = "minsheng.admin.MinshengAdminSite"
