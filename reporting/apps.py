from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = _("月度调度")

    def ready(self):
        from core import data_version
        from reporting.models import PendingImport

        # Excel uploads waiting for confirmation appear on no cached page.
        data_version.ignore_writes_to(PendingImport)
