"""API clients: creating one (its token shown once, stored hashed), finding one by token, revoking one.

The token is "msk_" and 32 random bytes (URL-safe); only its SHA-256 is stored. A revoked or
expired client is refused at its next call: nothing about a token is cached.
"""

import hashlib
import hmac
import secrets
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiClient
from audit.services import record

TOKEN_PREFIX = "msk_"  # noqa: S105 - the prefix every token starts with, not a secret


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic
def create_client(*, created_by, name: str, expires_at, allowed_networks: str, write_units=(), **scope):
    """A new client and its own account; returns (client, token). The token is not kept."""
    user = get_user_model().objects.create(
        username=f"api-{uuid.uuid4().hex[:12]}",
        first_name=(_("接口：%(name)s") % {"name": name})[:150],
        is_active=False,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    token = new_token()
    client = ApiClient(
        name=name,
        user=user,
        expires_at=expires_at,
        allowed_networks=allowed_networks,
        created_by=created_by,
        **scope,
    )
    issue_token(client, token)
    client.full_clean(exclude=["user", "created_by"])
    client.save()
    client.write_units.set(write_units)
    record(event="api.client.created", user=created_by, obj=client, detail=scope_of(client))
    return client, token


def issue_token(client: ApiClient, token: str) -> None:
    client.token_hash = token_digest(token)
    client.token_prefix = token[: len(TOKEN_PREFIX) + 4]


def scope_of(client: ApiClient) -> dict:
    return {
        "can_write": client.can_write,
        "write_units": sorted(unit.name for unit in client.write_units.all()) if client.pk else [],
        "working_view": client.working_view,
        "personal_data": client.personal_data,
        "reveal_id_numbers": client.reveal_id_numbers,
        "expires_at": client.expires_at.isoformat(),
        "allowed_networks": client.allowed_networks,
    }


def client_for_token(token: str) -> ApiClient | None:
    """The client holding `token` (revoked and expired ones too: the caller says which), or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    digest = token_digest(token)
    client = ApiClient.objects.select_related("user").filter(token_hash=digest).first()
    if client is None or not hmac.compare_digest(client.token_hash, digest):
        return None
    return client


@transaction.atomic
def revoke_client(*, client: ApiClient, by) -> bool:
    """Revoke at once; False when it already was."""
    locked = ApiClient.objects.select_for_update().get(pk=client.pk)
    if locked.revoked_at is not None:
        return False
    locked.revoked_at, locked.revoked_by = timezone.now(), by
    locked._change_reason = _("吊销令牌")
    locked.save(update_fields=["revoked_at", "revoked_by"])
    client.revoked_at, client.revoked_by = locked.revoked_at, by
    record(event="api.client.revoked", user=by, obj=client)
    return True
