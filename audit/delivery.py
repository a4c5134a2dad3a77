"""How a file leaves the system: always with its audit row, in one transaction — no row, no file.

Every download (view) and every file written by a management command goes through here.
"""

import tempfile
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.http import FileResponse

from audit.services import record, record_export


def deliver(exporter, *, request, audit: Callable[[], object] | None = None, **detail) -> FileResponse:
    """Write the export to a temporary file and stream it; the file goes when the response closes.

    The audit row (`record_export` with `detail`, or the caller's `audit`) is written in the
    transaction that builds the file: if it cannot be written, no file leaves.
    """
    handle = tempfile.TemporaryFile(suffix=f".{exporter.extension}")
    try:
        with transaction.atomic():
            if audit is None:
                record_export(request=request, exporter=exporter, **detail)
            else:
                audit()
            exporter.write(handle)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return FileResponse(
        handle, as_attachment=True, filename=exporter.get_filename(), content_type=exporter.content_type
    )


def deliver_stored(
    handle, *, request, filename: str, content_type: str, event: str, obj=None
) -> FileResponse:
    """A stored file (evidence), opened by the caller: streamed once its audit row is written."""
    try:
        record(event=event, request=request, obj=obj)
    except BaseException:
        handle.close()
        raise
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


def save_export(exporter, path: Path, **detail) -> None:
    """Write the export to a file on the server (management commands), with its audit row."""
    with transaction.atomic(), open(path, "wb") as handle:
        record_export(request=None, exporter=exporter, path=str(path), **detail)
        exporter.write(handle)
