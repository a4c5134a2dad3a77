"""Uploads waiting for confirmation, between the preview and the confirm: rows of PendingImport.

In the database, so a confirmation may reach another application server than its preview.
Each is read only by the user who uploaded it. The file is read from memory (a BytesIO), never
from a per-server directory.
"""

from __future__ import annotations

import io
import re
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core.uploads import limit
from reporting.models import PendingImport

TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
# Uploads a user keeps waiting for confirmation; older ones are dropped.
MAX_PENDING_PER_USER = 5


def stale_cutoff() -> datetime:
    return timezone.now() - timedelta(seconds=limit("IMPORT_PENDING_MAX_AGE"))


def workbook(pending: PendingImport) -> io.BytesIO:
    """The stored file, for the reader."""
    return io.BytesIO(bytes(pending.content))


def find_pending(user, token: str) -> PendingImport | None:
    """The user's own upload of this token; None for a malformed token, or anyone else's."""
    if not TOKEN_RE.match(token or "") or not getattr(user, "is_authenticated", False):
        return None
    return PendingImport.objects.filter(token=token, user=user).first()


@transaction.atomic
def store_pending(*, user, unit, reporting_month, name: str, content: bytes) -> PendingImport:
    """Keep a checked upload until it is confirmed or expires; the user's oldest beyond five go."""
    if len(content) > limit("IMPORT_MAX_UPLOAD_BYTES"):
        raise ValueError("upload larger than IMPORT_MAX_UPLOAD_BYTES")
    purge_pending()
    pending = PendingImport.objects.create(
        token=secrets.token_hex(16),
        user=user,
        unit=unit,
        reporting_month=reporting_month,
        file_name=name[:200],
        size=len(content),
        content=content,
    )
    kept = PendingImport.objects.filter(user=user, expired=False).order_by("-created_at", "-pk")
    old = list(kept.values_list("pk", flat=True)[MAX_PENDING_PER_USER:])
    if old:
        PendingImport.objects.filter(pk__in=old).delete()
    return pending


def discard_pending(pending: PendingImport) -> None:
    PendingImport.objects.filter(pk=pending.pk).delete()


def is_stale(pending: PendingImport) -> bool:
    return pending.expired or pending.created_at < stale_cutoff()


def purge_pending(*, older_than: datetime | None = None) -> int:
    """Empty the uploads left unconfirmed too long; returns how many were emptied.

    An emptied one stays, without its file, for as long again, so that its confirmation says it
    expired instead of "not found"; then it goes. Run at every upload, by discard_stale_imports
    (the hourly command and every backup) and when a stale upload's confirmation arrives.
    """
    cutoff = older_than or stale_cutoff()
    kept_until = cutoff - timedelta(seconds=limit("IMPORT_PENDING_MAX_AGE"))
    PendingImport.objects.filter(created_at__lt=kept_until).delete()
    stale = PendingImport.objects.filter(created_at__lt=cutoff, expired=False)
    return stale.update(content=b"", expired=True)
