"""Uploads waiting for confirmation, between the preview and the confirm."""

from __future__ import annotations

import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from core.uploads import limit

# --- uploads waiting for confirmation ------------------------------------------------------------

TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")


def pending_dir() -> Path:
    configured = getattr(settings, "IMPORT_PENDING_DIR", None)
    directory = Path(configured) if configured else Path(tempfile.gettempdir()) / "minsheng-imports"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def pending_path(token: str) -> Path | None:
    """The stored upload of a token; None for a malformed token or a file gone."""
    if not TOKEN_RE.match(token or ""):
        return None
    path = pending_dir() / f"{token}.xlsx"
    return path if path.is_file() else None


def store_pending(chunks: Iterator[bytes]) -> tuple[str, int]:
    """Keep an upload until it is confirmed or expires; returns its token and size."""
    purge_pending()
    token = secrets.token_hex(16)
    size = 0
    with open(pending_dir() / f"{token}.xlsx", "xb") as handle:
        for chunk in chunks:
            size += len(chunk)
            handle.write(chunk)
    return token, size


def discard_pending(token: str) -> None:
    path = pending_path(token)
    if path is not None:
        path.unlink(missing_ok=True)


def purge_pending() -> None:
    cutoff = time.time() - limit("IMPORT_PENDING_MAX_AGE")
    for path in pending_dir().glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue
