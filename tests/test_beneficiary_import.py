"""Importing a list from Excel: inspected, checked row by row, previewed, then all or nothing."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from beneficiaries.models import Beneficiary, ImportBatch
from tests.beneficiaries import add_person, id_number_for, workbook_bytes
from tests.roles import client_for, downloaded

pytestmark = pytest.mark.django_db


def _row(number, name="张三妹", **overrides):
    values = {
        "name": name,
        "id": number,
        "gender": "",
        "township": "金石桥镇人民政府",
        "village": "金石桥村",
        "type": "居家适老化改造",
        "amount": 3000,
        "date": "2023-02-15",
        "indicator": "",
        "phone": "",
    }
    values.update(overrides)
    return list(values.values())


def _upload(content: bytes, name: str = "受益对象.xlsx"):
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def _post(client, row, content, name="受益对象.xlsx"):
    return client.post(
        reverse("beneficiaries:import_upload", args=[row.pk]), {"file": _upload(content, name)}
    )


def _nothing_written():
    return not Beneficiary.objects.exists() and not ImportBatch.objects.exists()


def test_it_refuses_a_file_with_a_bad_id_number_and_writes_nothing(township_liaison, elderly_row):
    good = id_number_for(11)
    bad = id_number_for(12)[:-1] + ("1" if id_number_for(12)[-1] == "0" else "0")
    content = workbook_bytes([_row(good), _row(bad, name="李四")])
    response = _post(client_for(township_liaison), elderly_row, content)
    assert response.status_code == 400
    assert "第3行“身份证号”：身份证号校验位不正确" in response.content.decode()
    assert _nothing_written()


def test_it_names_every_bad_row(township_liaison, elderly_row):
    content = workbook_bytes(
        [
            _row("4305241948031500", name="甲"),
            _row(id_number_for(13), township="不存在镇"),
            _row(id_number_for(14), date="明天"),
        ]
    )
    content_text = _post(client_for(township_liaison), elderly_row, content).content.decode()
    assert "第2行“身份证号”：身份证号应为18位，当前为16位。" in content_text
    assert "第3行“乡镇（街道）”：“不存在镇”不在系统的乡镇、街道名单中。" in content_text
    assert "第4行“受益日期”" in content_text


def test_it_explains_an_id_number_excel_stored_as_a_number(township_liaison, elderly_row):
    content = workbook_bytes([_row(430524194803150011)])
    response = _post(client_for(township_liaison), elderly_row, content)
    assert "第2行“身份证号”：身份证号被Excel存成了数字" in response.content.decode()
    assert _nothing_written()


def test_it_refuses_a_file_without_the_required_columns(township_liaison, elderly_row):
    content = workbook_bytes([["张三", "x"]], headers=["姓名", "备注"])
    response = _post(client_for(township_liaison), elderly_row, content)
    assert "第1行缺少“身份证号”列。" in response.content.decode()
    assert _nothing_written()


def test_it_refuses_a_file_that_is_not_xlsx(township_liaison, elderly_row):
    response = _post(client_for(township_liaison), elderly_row, b"name,id\n", name="名单.csv")
    assert "不是有效的 Excel 工作簿" in response.content.decode()
    assert _nothing_written()


def test_it_refuses_a_zip_bomb_without_opening_it(township_liaison, elderly_row):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    response = _post(client_for(township_liaison), elderly_row, buffer.getvalue())
    assert response.status_code == 400
    assert "已拒绝" in response.content.decode()
    assert _nothing_written()


def test_it_stages_a_good_file_for_preview_without_writing_people(township_liaison, elderly_row):
    content = workbook_bytes([_row(id_number_for(11)), _row(id_number_for(12), name="李四")])
    response = _post(client_for(township_liaison), elderly_row, content)
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("beneficiaries:import_preview", args=[batch.pk])
    assert (batch.status, batch.row_count) == (ImportBatch.Status.PENDING, 2)
    assert not Beneficiary.objects.exists()


def test_it_writes_every_row_on_confirmation(township_liaison, elderly_row, elderly_indicator):
    client = client_for(township_liaison)
    _post(
        client, elderly_row, workbook_bytes([_row(id_number_for(11)), _row(id_number_for(12), name="李四")])
    )
    batch = ImportBatch.objects.get()
    response = client.post(reverse("beneficiaries:import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    assert sorted(Beneficiary.objects.values_list("name", "indicator", "entered_by_unit__name")) == [
        ("张三妹", elderly_indicator.pk, "金石桥镇人民政府"),
        ("李四", elderly_indicator.pk, "金石桥镇人民政府"),
    ]
    batch.refresh_from_db()
    assert (batch.status, batch.rows) == (ImportBatch.Status.APPLIED, [])
    assert Beneficiary.history.count() == 2


def test_it_audits_an_import_with_the_new_record_ids(township_liaison, elderly_row):
    client = client_for(township_liaison)
    _post(client, elderly_row, workbook_bytes([_row(id_number_for(11))]))
    client.post(reverse("beneficiaries:import_confirm", args=[ImportBatch.objects.get().pk]))
    event = AuditEvent.objects.get(event="beneficiary.import")
    assert event.detail["beneficiary_ids"] == [Beneficiary.objects.get().pk]
    assert id_number_for(11) not in str(event.detail)


def test_it_writes_nothing_when_a_row_no_longer_passes_at_confirmation(township_liaison, elderly_row):
    client = client_for(township_liaison)
    _post(
        client, elderly_row, workbook_bytes([_row(id_number_for(11)), _row(id_number_for(12), name="李四")])
    )
    batch = ImportBatch.objects.get()
    batch.rows[1]["village"] = ""  # as if the rules had changed since the preview
    batch.save()
    response = client.post(reverse("beneficiaries:import_confirm", args=[batch.pk]), follow=True)
    assert "第3行" in response.content.decode()
    assert not Beneficiary.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING


def test_it_confirms_a_batch_only_once(township_liaison, elderly_row):
    client = client_for(township_liaison)
    _post(client, elderly_row, workbook_bytes([_row(id_number_for(11))]))
    batch = ImportBatch.objects.get()
    client.post(reverse("beneficiaries:import_confirm", args=[batch.pk]))
    client.post(reverse("beneficiaries:import_confirm", args=[batch.pk]))
    assert Beneficiary.objects.count() == 1


def test_it_discards_a_batch_without_writing_people(township_liaison, elderly_row):
    client = client_for(township_liaison)
    _post(client, elderly_row, workbook_bytes([_row(id_number_for(11))]))
    batch = ImportBatch.objects.get()
    client.post(reverse("beneficiaries:import_discard", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.status, batch.rows) == (ImportBatch.Status.DISCARDED, [])
    assert not Beneficiary.objects.exists()


def test_it_flags_duplicates_in_the_preview(township_liaison, elderly_row, elderly_indicator):
    existing = add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=id_number_for(11),
    )
    client = client_for(township_liaison)
    _post(
        client,
        elderly_row,
        workbook_bytes(
            [_row(id_number_for(11)), _row(id_number_for(12)), _row(id_number_for(12), name="重复")]
        ),
    )
    content = client.get(reverse("beneficiaries:import_preview", args=[ImportBatch.objects.get().pk]))
    text = content.content.decode()
    assert f"已录入记录#{existing.pk}（金石桥镇人民政府）" in text
    assert "本文件第3行" in text


def test_it_keeps_another_users_batch_out_of_reach(township_liaison, elderly_row, django_user_model):
    from tests.roles import make_member

    colleague = make_member(django_user_model, "jinshiqiao2", "liaison", unit="金石桥镇人民政府")
    _post(client_for(township_liaison), elderly_row, workbook_bytes([_row(id_number_for(11))]))
    batch = ImportBatch.objects.get()
    assert (
        client_for(colleague).get(reverse("beneficiaries:import_preview", args=[batch.pk])).status_code == 404
    )
    assert (
        client_for(colleague).post(reverse("beneficiaries:import_confirm", args=[batch.pk])).status_code
        == 404
    )


def test_it_offers_a_template_with_the_import_headers(township_liaison, elderly_row):
    response = client_for(township_liaison).get(
        reverse("beneficiaries:import_template", args=[elderly_row.pk])
    )
    sheet = load_workbook(io.BytesIO(downloaded(response))).worksheets[0]
    headers = next(sheet.iter_rows(values_only=True))
    assert headers[:3] == ("姓名", "身份证号", "性别")
