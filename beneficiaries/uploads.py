"""Checking an uploaded .xlsx before anything parses it, with the project's shared inspection.

`reporting.imports.check_archive` caps the file size, the zip's parts, their
uncompressed size and compression ratio (openpyxl checks none of these) and
refuses .xls or non-zip files. It works on a path, so the upload is spooled to
a private temporary file first; the bytes are returned for openpyxl.
"""

import tempfile
from pathlib import Path

from reporting.imports import ImportRefused, check_archive, limit

UploadRejected = ImportRefused


def inspect_xlsx_upload(upload) -> bytes:
    """The file's bytes if it passes the shared inspection; UploadRejected (ImportRefused) otherwise."""
    cap = limit("IMPORT_MAX_UPLOAD_BYTES")
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as spool:
        size = 0
        for chunk in upload.chunks():
            size += len(chunk)
            if size > cap:
                break  # check_archive refuses it by size without the rest being read
            spool.write(chunk)
        spool.flush()
        check_archive(Path(spool.name), size=size)
        spool.seek(0)
        return spool.read()
