"""An uploaded .xlsx checked before anything parses it: size, zip structure, expansion.

openpyxl checks no sizes: a zip bomb or a workbook of a million rows would exhaust a worker.
`check_archive` caps the file size, the zip's parts, their uncompressed size and compression
ratio, and refuses .xls or non-zip files; it works on a path (an upload spooled to a private
temporary file first, `spool_upload`) or on an open binary file (the bytes of a stored upload).
"""

import posixpath
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import Refused
from core.limits import MB, RATIO_CHECK_FROM_BYTES, UPLOAD_LIMITS


def limit(name: str) -> int:
    """An upload limit: the setting when there is one, else its default (core.limits)."""
    return int(getattr(settings, name, UPLOAD_LIMITS[name]))


class UploadRefused(Refused):
    """The whole file is refused."""


NOT_XLSX = gettext_lazy("该文件不是有效的 Excel 工作簿（.xlsx），请上传从本平台下载并填写的模板。")


def check_archive(path: Path | BinaryIO, *, size: int) -> None:
    """Refuse what is not a small, sane xlsx before openpyxl opens it (openpyxl checks no sizes)."""
    if size > limit("IMPORT_MAX_UPLOAD_BYTES"):
        raise UploadRefused(too_large_message(size))
    if isinstance(path, str | Path):
        with open(path, "rb") as handle:
            head = handle.read(8)
    else:
        path.seek(0)
        head = path.read(8)
        path.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadRefused(_("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再上传。"))
    if not head.startswith(b"PK") or not zipfile.is_zipfile(path):
        raise UploadRefused(str(NOT_XLSX))
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise UploadRefused(str(NOT_XLSX)) from exc
    names = {part.filename for part in parts}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UploadRefused(str(NOT_XLSX))
    if len(parts) > limit("IMPORT_MAX_ZIP_PARTS"):
        raise UploadRefused(_("文件结构异常（包含%(count)s个部件），已拒绝。") % {"count": len(parts)})
    # Python's zipfile never expands a part beyond the size its header declares,
    # so the declared sizes are a real bound on what reading will produce.
    expanded = sum(part.file_size for part in parts)
    ratio = limit("IMPORT_MAX_COMPRESSION_RATIO")
    suspicious = [
        part
        for part in parts
        if part.file_size > RATIO_CHECK_FROM_BYTES and part.file_size > ratio * max(part.compress_size, 1)
    ]
    strings = max((part.file_size for part in parts if not _is_worksheet(part.filename)), default=0)
    if strings > limit("IMPORT_MAX_STRINGS_BYTES"):
        raise UploadRefused(
            _(
                "文件中的文字内容解压后过大（约%(size)s MB，上限%(limit)s MB），已拒绝。"
                "请只在模板的白色单元格中填写，不要粘贴大段文字或其他表格。"
            )
            % {"size": round(strings / MB, 1), "limit": round(limit("IMPORT_MAX_STRINGS_BYTES") / MB, 1)}
        )
    if expanded > limit("IMPORT_MAX_UNCOMPRESSED_BYTES") or suspicious:
        raise UploadRefused(
            _("文件解压后过大（约%(size)s MB），疑似异常文件，已拒绝。请只上传本平台下载的模板。")
            % {"size": round(expanded / MB)}
        )


def _is_worksheet(name: str) -> bool:
    """A sheet's rows, which openpyxl's read-only mode streams (and the row cap bounds)."""
    return name.startswith("xl/worksheets/") and name.endswith(".xml") and "/_rels/" not in name


def too_large_message(size: int) -> str:
    return _("文件过大（%(size).1f MB），上传上限为 %(limit).1f MB。") % {
        "size": size / MB,
        "limit": limit("IMPORT_MAX_UPLOAD_BYTES") / MB,
    }


def spool_upload(upload) -> bytes:
    """An uploaded file's bytes if it passes `check_archive`; UploadRefused otherwise."""
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


def short_file_name(name: str, limit: int) -> str:
    """An uploaded file's own name (no folders), shortened to `limit` characters, its extension kept.

    The extension decides how the file is served back: cutting it off would serve a PDF as
    application/octet-stream.
    """
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    if len(name) <= limit:
        return name
    stem, extension = posixpath.splitext(name)
    if not extension or len(extension) >= limit:
        return name[:limit]
    return stem[: limit - len(extension)] + extension
