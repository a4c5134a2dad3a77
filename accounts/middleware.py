"""Request-level rules of accounts: the postponed start check, the admin's address range, session
lifetime, first-login password."""

import ipaddress
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.checks import start_check_blocks
from accounts.services import SESSION_LOGIN_AT, SESSION_MUST_CHANGE, must_change_password
from audit.models import AuditEvent
from audit.services import client_address, record


def _in_networks(address: str | None, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip.version == network.version and ip in network for network in networks)


class StartCheckMiddleware:
    """The 503 page for every request while the demo-password start check is pending.

    The server may come up before its database (an ordinary reboot); the check that refuses a
    demo password (accounts.checks) then runs at the first request that reaches the database,
    and nobody logs in before it has.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if start_check_blocks():
            response = HttpResponse(render_to_string("503.html"), status=503)
            response["Retry-After"] = "60"
            return response
        return self.get_response(request)


class AdminNetworkMiddleware:
    """The Django admin answers 403 to any address outside ADMIN_ALLOWED_NETWORKS (when that is set)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        networks = settings.ADMIN_ALLOWED_NETWORKS
        if networks and request.path.startswith(reverse("admin:index")):
            address = client_address(request)
            if not _in_networks(address, networks):
                record(
                    event="admin.network_refused",
                    request=request,
                    outcome=AuditEvent.Outcome.DENIED,
                    detail={"path": request.path[:200]},
                )
                return HttpResponseForbidden(render_to_string("403_admin_network.html", {"address": address}))
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """Ends every session 12 hours (SESSION_MAX_LIFETIME) after login, however busy.

    Idle sessions end by themselves after SESSION_COOKIE_AGE (30 minutes), since
    SESSION_SAVE_EVERY_REQUEST pushes the expiry forward only while the user is active.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(SESSION_LOGIN_AT)
            now = time.time()
            if started is None:
                request.session[SESSION_LOGIN_AT] = now
            elif now - started > settings.SESSION_MAX_LIFETIME:
                request.audit_logout_reason = "session_lifetime"
                logout(request)
                messages.info(request, _("登录已超过12小时，为保障安全请重新登录。"))
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Until a user with a new or reset account has chosen a password, every page leads there."""

    ALLOWED = ("password_change", "password_change_done", "logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            must_change = request.session.get(SESSION_MUST_CHANGE)
            if must_change is None:  # a session from before this rule: ask once
                must_change = request.session[SESSION_MUST_CHANGE] = must_change_password(request.user)
            if must_change and request.path not in {reverse(name) for name in self.ALLOWED}:
                return redirect("password_change")
        return self.get_response(request)
