from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: shared pieces that import no app of ours. No models."""

    name = "core"
    verbose_name = _("公共组件")

    def ready(self):
        from core import data_version

        connection_created.connect(data_version.install, dispatch_uid="core.data_version")
