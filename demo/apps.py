from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo accounts and figures for a local trial (make run); it seeds every app, so it sits on top."""

    name = "demo"
    verbose_name = _("演示数据")
