"""An Excel upload is parsed once, on upload; a file heavy with text is refused before parsing."""

import io
import zipfile

import pytest
from django.test import override_settings

from reporting.imports import reader
from reporting.imports.template import PROGRESS
from reporting.models import Figure, PendingImport
from tests.roles import EMPLOYMENT, database_state
from tests.test_import import _bytes, _line, _refused, _upload, filled, renshe  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def workbook_opens(monkeypatch):
    """How many times openpyxl is asked to open an upload."""
    opened = []
    real = reader.load_workbook

    def counting(*args, **kwargs):
        opened.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(reader, "load_workbook", counting)
    return opened


def test_it_parses_the_file_once_for_upload_preview_and_confirm(renshe, filled, march, workbook_opens):  # noqa: F811
    location = _upload(renshe, _bytes(filled))["Location"]
    assert renshe.get(location).status_code == 200
    assert renshe.get(location).status_code == 200  # a second look at the preview
    assert renshe.post(location).status_code == 302

    assert len(workbook_opens) == 1
    saved = Figure.objects.filter(contribution__submission__reporting_month=march, indicator__name=EMPLOYMENT)
    assert saved.get().value == 930


def test_it_keeps_no_file_between_preview_and_confirm(renshe, filled, march):  # noqa: F811
    _upload(renshe, _bytes(filled))
    pending = PendingImport.objects.get()
    assert not hasattr(pending, "content")
    assert {line["row"] for line in pending.parsed["lines"]}  # the rows as read, nothing more


def test_it_keeps_an_overlong_cell_cut_to_its_limit_and_refuses_it(renshe, filled, employment_row, march):  # noqa: F811
    sheet = filled.active
    sheet.cell(_line(sheet, task_row=employment_row), PROGRESS.index).value = "招" * 50_000
    location = _upload(renshe, _bytes(filled))["Location"]

    stored = PendingImport.objects.get().parsed
    assert max(len(text) for line in stored["lines"] for text in line["cells"].values()) == 2000
    before = database_state()
    response = renshe.post(location)
    assert response.status_code == 400
    assert "进展情况不能超过2000字。" in response.content.decode()
    assert database_state() == before


def _with_shared_strings(content: bytes, count: int) -> bytes:
    """The workbook as Excel or WPS saves it: its text in a shared-strings part (openpyxl writes inline)."""
    strings = "".join(
        f"<si><t>第{index}段粘贴进来的文字，每段都不一样，共享字符串表因此越来越大。</t></si>"
        for index in range(count)
    )
    namespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    xml = f'<sst xmlns="{namespace}" count="{count}">{strings}</sst>'
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in source.infolist():
            archive.writestr(part, source.read(part))
        archive.writestr("xl/sharedStrings.xml", xml.encode())
    return target.getvalue()


@override_settings(IMPORT_MAX_STRINGS_BYTES=256 * 1024)
def test_it_refuses_a_file_whose_text_expands_beyond_the_strings_limit(renshe, filled, workbook_opens):  # noqa: F811
    message = _refused(renshe, _with_shared_strings(_bytes(filled), 4000))

    assert message.startswith("文件中的文字内容解压后过大")
    assert "上限0.2 MB" in message or "上限0.3 MB" in message
    assert workbook_opens == []  # refused before openpyxl read a byte of it
