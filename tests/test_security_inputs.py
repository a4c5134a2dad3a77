"""Issue #19, point 13: input that caused a 500 answers a clear Chinese message instead."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from reporting.imports.template import FIRST_DATA_ROW, ROW_ID
from tests.beneficiaries import workbook_bytes
from tests.roles import client_for, database_state, downloaded

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.mark.parametrize("name", ["indicator", "township"])
def test_it_refuses_a_list_filter_id_beyond_the_integer_range(office_user, elderly_row, name):
    response = client_for(office_user).get(reverse("beneficiaries:row", args=[elderly_row.pk]), {name: HUGE})
    assert response.status_code == 400
    assert "筛选条件无效" in response.content.decode()


@pytest.mark.parametrize("value", [HUGE, int(HUGE)])
def test_it_refuses_a_monthly_import_whose_hidden_row_id_is_beyond_the_integer_range(
    renshe_liaison, employment_row, march, settings, tmp_path, value
):
    settings.IMPORT_PENDING_DIR = str(tmp_path / "pending")
    client = client_for(renshe_liaison)
    query = {"year": march.plan_year.year, "month": march.month}
    workbook = load_workbook(io.BytesIO(downloaded(client.get(reverse("reporting:import_template"), query))))
    workbook.active.cell(FIRST_DATA_ROW, ROW_ID.index).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = database_state()
    response = client.post(
        reverse("reporting:import_upload"), {"file": SimpleUploadedFile("填报.xlsx", buffer.getvalue())}
    )
    preview = client.get(response["Location"]) if response.status_code == 302 else response
    issues = [str(issue) for issue in preview.context["plan"].issues] if "plan" in preview.context else []
    assert any("隐藏的编号列缺失或被改动" in issue for issue in issues), issues
    assert database_state() == before


def _truncated_sheet() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes([["张三妹", "x"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    return buffer.getvalue()


def test_it_refuses_a_beneficiary_import_with_a_truncated_sheet(township_liaison, elderly_row):
    upload = SimpleUploadedFile("受益对象.xlsx", _truncated_sheet())
    response = client_for(township_liaison).post(
        reverse("beneficiaries:import_upload", args=[elderly_row.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert "文件已损坏或不是有效的Excel文件" in response.content.decode()
