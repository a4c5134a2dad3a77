"""Both Word drafts open in LibreOffice: converted to PDF once for the module, titles found in the text."""

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db  # the module's month is built in the test database, then rolled back


@pytest.fixture(name="pdf_texts", scope="module")
def pdf_texts_fixture(drafted_may, tmp_path_factory) -> dict[str, str]:
    """The text of each draft as LibreOffice prints it: one conversion, a private profile."""
    soffice, pdftotext = shutil.which("soffice"), shutil.which("pdftotext")
    if soffice is None or pdftotext is None:
        pytest.skip("LibreOffice (soffice) or pdftotext is not on PATH: PDF conversion not checked")
    folder = tmp_path_factory.mktemp("bulletins")
    sources = {"notice": drafted_may.notice, "supervision": drafted_may.supervision}
    for name, content in sources.items():
        (folder / f"{name}.docx").write_bytes(content)
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    documents = [str(folder / f"{name}.docx") for name in sources]
    # Fixed arguments and paths we created: nothing from users reaches the command line.
    subprocess.run(  # noqa: S603
        [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder), *documents],
        check=True,
        timeout=180,
        capture_output=True,
    )
    texts = {}
    for name in sources:
        pdf = Path(folder / f"{name}.pdf")
        assert pdf.stat().st_size > 0
        texts[name] = subprocess.run(  # noqa: S603
            [pdftotext, "-layout", str(pdf), "-"], check=True, timeout=60, capture_output=True, text=True
        ).stdout
    return texts


def squeezed(text: str) -> str:
    """The PDF's text without the spaces and line ends the layout puts between characters."""
    return "".join(text.split())


def test_the_notice_converts_to_pdf_with_its_title(pdf_texts):
    text = squeezed(pdf_texts["notice"])

    assert "关于2023年5月重点民生实事推进情况的通报" in text
    assert "草稿" in text and "县重点民生实事工作专班办公室" in text


def test_the_supervision_notices_convert_to_pdf_with_their_title(pdf_texts):
    text = squeezed(pdf_texts["supervision"])

    assert "重点民生实事督办单" in text
    assert "抄送：王兰鹏（牵头领导）" in text
