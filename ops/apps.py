from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ops"
    verbose_name = _("运维")

    def ready(self):
        from ops import data_version

        connection_created.connect(data_version.install, dispatch_uid="ops.data_version")
