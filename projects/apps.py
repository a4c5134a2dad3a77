from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects"
    verbose_name = _("民生实事方案")

    def ready(self):
        from audit import registry

        registry.audit_history_of("projects")
