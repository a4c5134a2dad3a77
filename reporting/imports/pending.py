"""Uploads waiting for confirmation, between the preview and the confirm: rows of PendingImport.

In the database, so a confirmation may reach another application server than its preview.
Each is read only by the user who uploaded it. The file is parsed once, on upload; what is kept
is the parsed workbook (reporting.imports.reader.Upload), never the file or a per-server directory.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core.uploads import limit
from reporting.imports.reader import Upload
from reporting.models import PendingImport

TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
# Uploads a user keeps waiting for confirmation; older ones are dropped.
MAX_PENDING_PER_USER = 5


def stale_cutoff() -> datetime:
    return timezone.now() - timedelta(seconds=limit("IMPORT_PENDING_MAX_AGE"))


def stored_upload(pending: PendingImport) -> Upload:
    """The upload as it was read when it arrived."""
    return Upload.from_data(pending.parsed)


def find_pending(user, token: str) -> PendingImport | None:
    """The user's own upload of this token; None for a malformed token, or anyone else's."""
    if not TOKEN_RE.match(token or "") or not getattr(user, "is_authenticated", False):
        return None
    return PendingImport.objects.filter(token=token, user=user).first()


@transaction.atomic
def store_pending(*, user, unit, reporting_month, name: str, size: int, upload: Upload) -> PendingImport:
    """Keep a read upload until it is confirmed or expires; the user's oldest beyond five go."""
    purge_pending()
    pending = PendingImport.objects.create(
        token=secrets.token_hex(16),
        user=user,
        unit=unit,
        reporting_month=reporting_month,
        file_name=name[:200],
        size=size,
        parsed=upload.as_data(),
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
    return stale.update(parsed=None, expired=True)
