from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The web API (/api/v1/): clients and their tokens, idempotent writes, the endpoints."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = _("数据接口")

    def ready(self):
        from api import schema  # noqa: F401 - registers the token's description in the schema
