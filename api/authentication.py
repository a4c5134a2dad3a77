"""`Authorization: Bearer <token>`: the client, checked at every call (revocation, expiry, address).

Nothing is cached: a client revoked or expired a moment ago is refused at its next call.
"""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from api import services
from audit.services import client_address


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request)
        if not header:
            return None
        scheme, _space, token = header.decode("latin-1").partition(" ")
        token = token.strip()
        if scheme.lower() != self.keyword.lower() or not token:
            raise exceptions.AuthenticationFailed(_("认证信息格式不正确，应为“Authorization: Bearer 令牌”。"))
        client = services.client_for_token(token)
        if client is None:
            raise exceptions.AuthenticationFailed(_("令牌无效。"))
        request._api_client = client  # named in the call's audit row even when refused below
        if client.is_revoked:
            raise exceptions.AuthenticationFailed(_("令牌已被吊销。"))
        if client.is_expired:
            raise exceptions.AuthenticationFailed(_("令牌已过期，请联系安全管理员重新签发。"))
        if not client.allows_address(client_address(request._request)):
            raise exceptions.PermissionDenied(_("请求地址不在该客户端允许的地址段内。"))
        return client.user, client

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
