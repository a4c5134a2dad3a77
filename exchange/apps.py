from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exchange"
    verbose_name = _("数据交换")

    def ready(self):
        from audit import registry
        from core import data_version
        from exchange.models import PushAttempt

        registry.label_events({"exchange.push": _("推送整月数据到上级平台")})

        # The push log appears on no cached page of the figures.
        data_version.ignore_writes_to(PushAttempt)
