"""A rate per client (settings.API_RATE) counted in the "api" cache, shared by every server."""

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

from api.permissions import client_of


class ClientRateThrottle(SimpleRateThrottle):
    scope = "api_client"

    def __init__(self):
        self.cache = caches["api"]
        super().__init__()

    def get_rate(self):
        return settings.API_RATE

    def get_cache_key(self, request, view):
        client = client_of(request)
        if client is None:
            return None  # refused anyway
        return self.cache_format % {"scope": self.scope, "ident": client.pk}
