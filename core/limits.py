"""Limits on what an upload may be, with their defaults; settings may override each one.

Plain constants (settings.py reads them before Django is set up); `core.uploads.limit`
returns the setting when there is one, else the default here.
"""

MB = 1024 * 1024

UPLOAD_LIMITS = {
    "IMPORT_MAX_UPLOAD_BYTES": 5 * MB,
    # Data rows below the template's header rows.
    "IMPORT_MAX_ROWS": 2000,
    # What the parts of the zip may expand to, in total, and how many parts there may be.
    "IMPORT_MAX_UNCOMPRESSED_BYTES": 30 * MB,
    "IMPORT_MAX_ZIP_PARTS": 200,
    # Any part but a worksheet (the shared strings above all): openpyxl reads such a part whole
    # into memory before the first row, so a file of a few MB holding 30 MB of text is refused here.
    "IMPORT_MAX_STRINGS_BYTES": 4 * MB,
    # A part larger than RATIO_CHECK_FROM_BYTES that shrank more than this is taken for a zip bomb.
    "IMPORT_MAX_COMPRESSION_RATIO": 100,
    # Uploads waiting for confirmation are deleted after this many seconds.
    "IMPORT_PENDING_MAX_AGE": 24 * 3600,
}
RATIO_CHECK_FROM_BYTES = MB
