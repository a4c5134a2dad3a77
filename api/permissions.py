"""Who may call: an authenticated client; and what its scope lets it do."""

from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from api.models import ApiClient


def client_of(request) -> ApiClient | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiClient) else None


class IsApiClient(BasePermission):
    message = _("需要有效的接口令牌。")

    def has_permission(self, request, view):
        return client_of(request) is not None


class CanReadPersonalData(BasePermission):
    message = _("该客户端无权读取受益对象明细。")

    def has_permission(self, request, view):
        client = client_of(request)
        return client is not None and client.personal_data
