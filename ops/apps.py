from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ops"
    verbose_name = _("运维")

    def ready(self):
        from audit import registry

        registry.label_events({"backup.created": _("备份"), "backup.restored": _("从备份恢复")})
