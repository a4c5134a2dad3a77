from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = _("审计日志")

    def ready(self):
        from audit import signals  # noqa: F401 - connects the receivers
        from audit.models import AuditEvent
        from core import data_version

        # Reading pages, logging in and exporting write audit rows; no cached page shows them.
        data_version.ignore_writes_to(AuditEvent)
