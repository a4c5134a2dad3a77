"""API clients for the tests of /api/v1/: made through the service the admin uses, called with their token.

Registered once as a plugin (tests/conftest.py); a module imports only the helpers it calls.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api import services
from projects.models import Unit

LOCAL = "127.0.0.0/8"


def make_api_client(
    created_by, *, name: str = "市级平台", units=(), networks: str = LOCAL, days: int = 30, **scope
):
    """(client, token), as the security administrator creates it in the admin."""
    return services.create_client(
        created_by=created_by,
        name=name,
        expires_at=timezone.now() + timedelta(days=days),
        allowed_networks=networks,
        write_units=[Unit.objects.get(name=unit) for unit in units],
        **scope,
    )


class Caller:
    """A test client that sends `Authorization: Bearer <token>` (from 127.0.0.1 unless told)."""

    def __init__(self, token: str, *, address: str = "127.0.0.1"):
        self.token, self.http = token, Client(REMOTE_ADDR=address)

    def _headers(self, headers: dict | None) -> dict:
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path: str, params: dict | None = None, headers: dict | None = None):
        return self.http.get(path, params or {}, headers=self._headers(headers))

    def post(self, path: str, body, headers: dict | None = None):
        return self.http.post(path, body, content_type="application/json", headers=self._headers(headers))


@pytest.fixture(name="reader")
def reader_fixture(security_user) -> Caller:
    """A read-only client: counted figures only."""
    _client, token = make_api_client(security_user, name="只读客户端")
    return Caller(token)


@pytest.fixture(name="working_reader")
def working_reader_fixture(security_user) -> Caller:
    _client, token = make_api_client(security_user, name="工作视图客户端", working_view=True)
    return Caller(token)


@pytest.fixture(name="renshe_writer")
def renshe_writer_fixture(security_user) -> Caller:
    """May write the figures of 县人社局 only."""
    _client, token = make_api_client(security_user, name="人社系统", can_write=True, units=["县人社局"])
    return Caller(token)
