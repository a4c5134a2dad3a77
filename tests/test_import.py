"""Monthly figures imported from Excel: template, preview, confirmation, refusals, permissions."""

import io
import random
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.models import Role
from audit.models import AuditEvent
from core import uploads
from reporting.imports.template import (
    COLUMNS,
    EXPLANATION,
    FIRST_DATA_ROW,
    FUNDS,
    INDICATOR_ID,
    MARK,
    PROGRESS,
    ROW_ID,
    STAGE,
    STATUS,
    VALUE,
    VERSION,
)
from reporting.models import Figure, PendingImport, Submission
from reporting.workflow import review
from tests.roles import (
    EMPLOYMENT,
    STARTUP_TRAINING,
    TRAINING,
    client_for,
    database_state,
    deadline_moment,
    fill_employment,
    indicator,
    make_member,
    provincial_row,
    save_figures,
    submission_in,
    submit_row,
)

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def _template_url(month) -> str:
    return f"{reverse('reporting:import_template')}?year={month.plan_year.year}&month={month.month}"


def _download(client, month) -> Workbook:
    response = client.get(_template_url(month))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _line(sheet, *, task_row=None, item=None) -> int:
    """The Excel row of a task row's line, or of an indicator's line."""
    for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
        row_id = sheet.cell(row, ROW_ID.index).value
        indicator_id = sheet.cell(row, INDICATOR_ID.index).value
        if item is not None and indicator_id == item.pk:
            return row
        if task_row is not None and row_id == task_row.pk and indicator_id is None:
            return row
    raise AssertionError("line not found")


def _bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(client, content: bytes, name: str = "填报.xlsx"):
    return client.post(reverse("reporting:import_upload"), {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def renshe(renshe_liaison):
    return client_for(renshe_liaison)


@pytest.fixture
def filled(renshe, employment_row, march):
    """The 县人社局 template for March with item 3's figures, funds and progress filled in."""
    workbook = _download(renshe, march)
    sheet = workbook.active
    for name, value in ((EMPLOYMENT, 930), (TRAINING, 600.0), (STARTUP_TRAINING, "120")):
        sheet.cell(_line(sheet, item=indicator(employment_row, name)), VALUE.index).value = value
    task_line = _line(sheet, task_row=employment_row)
    sheet.cell(task_line, FUNDS.index).value = 88.5
    sheet.cell(task_line, PROGRESS.index).value = "已开展招聘会3场"
    return workbook


def _refusal(response) -> str:
    return response.context["error"]


# --- the template ---------------------------------------------------------------------------------


def test_it_lists_the_units_rows_with_hidden_ids(renshe, employment_row, march):
    sheet = _download(renshe, march).active
    row = _line(sheet, item=indicator(employment_row, EMPLOYMENT))
    assert sheet.cell(row, ROW_ID.index).value == employment_row.pk
    assert sheet.cell(row, VERSION.index).value == 0
    hidden = {letter for letter, dimension in sheet.column_dimensions.items() if dimension.hidden}
    assert hidden == {"A"} and sheet.column_dimensions["A"].max == 3  # A:C, one grouped range


def test_it_carries_a_chinese_instruction_row(renshe, march):
    sheet = _download(renshe, march).active
    assert sheet["D2"].value.startswith("填写说明：1. 只填白色单元格")
    assert sheet["A1"].value == MARK and (sheet["B1"].value, sheet["C1"].value) == (2023, 3)


def test_it_prefills_the_current_figures(renshe_liaison, renshe, employment_row, march):
    save_figures(renshe_liaison, employment_row, march, {EMPLOYMENT: "930"}, funds="12.5", progress="推进")
    sheet = _download(renshe, march).active
    assert sheet.cell(_line(sheet, item=indicator(employment_row, EMPLOYMENT)), VALUE.index).value == 930
    task_line = _line(sheet, task_row=employment_row)
    assert sheet.cell(task_line, FUNDS.index).value == 12.5
    assert sheet.cell(task_line, PROGRESS.index).value == "推进"
    assert sheet.cell(task_line, VERSION.index).value == 1


def test_it_gives_a_township_only_the_indicators_it_adds_to(township_liaison, plan_2023, march):
    sheet = _download(client_for(township_liaison), march).active
    medical = provincial_row(plan_2023, 5)
    ids = {sheet.cell(row, INDICATOR_ID.index).value for row in range(FIRST_DATA_ROW, sheet.max_row + 1)}
    assert indicator(medical, "门诊慢特病治疗费用省内异地直接结算病种").pk in ids
    assert not {item.pk for item in medical.indicators.filter(kind="milestone")} & ids


def test_it_locks_everything_but_the_cells_to_fill(renshe, employment_row, march):
    sheet = _download(renshe, march).active
    row = _line(sheet, item=indicator(employment_row, EMPLOYMENT))
    assert sheet.protection.sheet
    assert not sheet.cell(row, VALUE.index).protection.locked
    assert sheet.cell(row, ROW_ID.index).protection.locked
    assert sheet.cell(row, STAGE.index).protection.locked


def test_it_marks_a_locked_row_in_the_template(
    renshe, employment_row, march, renshe_liaison, office_user, statistics_user
):
    submission_in(
        Submission.Status.APPROVED,
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )
    sheet = _download(renshe, march).active
    row = _line(sheet, task_row=employment_row)
    assert sheet.cell(row, STATUS.index).value == "已审核（已锁定）"
    assert sheet.cell(row + 1, VALUE.index).protection.locked


def test_it_keeps_formula_like_text_in_the_template_as_text(renshe_liaison, renshe, employment_row, march):
    save_figures(renshe_liaison, employment_row, march, {EMPLOYMENT: "1"}, progress="x")
    from reporting.models import Contribution

    Contribution.objects.update(progress='=HYPERLINK("http://evil.example")')
    sheet = _download(renshe, march).active
    cell = sheet.cell(_line(sheet, task_row=employment_row), PROGRESS.index)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil.example")', "s")


# --- preview and confirmation ---------------------------------------------------------------------


def test_it_shows_the_changes_row_by_row_before_saving(renshe, filled, employment_row):
    before = database_state()
    response = _upload(renshe, _bytes(filled))
    assert response.status_code == 302
    preview = renshe.get(response["Location"])
    assert preview.status_code == 200
    changes = {
        (change.label.split(" · ")[-1], change.old, change.new) for change in preview.context["plan"].changes
    }
    assert changes == {
        (EMPLOYMENT, "", "930"),
        (TRAINING, "", "600"),
        (STARTUP_TRAINING, "", "120"),
        ("累计投入资金（万元）", "", "88.5"),
        ("进展情况", "", "已开展招聘会3场"),
    }
    assert "确认保存以上修改" in preview.content.decode()
    assert database_state() == before


def test_it_names_the_excel_row_of_each_change(renshe, filled, employment_row):
    row = _line(filled.active, item=indicator(employment_row, EMPLOYMENT))
    preview = renshe.get(_upload(renshe, _bytes(filled))["Location"])
    assert [change.row for change in preview.context["plan"].changes if change.new == "930"] == [row]


def test_it_saves_every_figure_on_confirmation(renshe, filled, employment_row, march):
    location = _upload(renshe, _bytes(filled))["Location"]
    response = renshe.post(location)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('reporting:entry')}?year=2023&month=3"
    figures = dict(
        Figure.objects.filter(contribution__submission__reporting_month=march).values_list(
            "indicator__name", "value"
        )
    )
    assert figures == {EMPLOYMENT: 930, TRAINING: 600, STARTUP_TRAINING: 120}
    contribution = Figure.objects.first().contribution
    assert (contribution.funds_invested, contribution.progress) == (pytest.approx(88.5), "已开展招聘会3场")


def test_it_records_the_importing_user_in_the_history(renshe, renshe_liaison, filled, employment_row):
    renshe.post(_upload(renshe, _bytes(filled))["Location"])
    record = Figure.history.get(indicator=indicator(employment_row, EMPLOYMENT))
    assert record.history_user == renshe_liaison
    assert record.contribution.updated_by == renshe_liaison


def test_it_writes_the_confirmed_import_to_the_audit_log(renshe, renshe_liaison, filled, march):
    location = _upload(renshe, _bytes(filled))["Location"]
    assert not AuditEvent.objects.filter(event="reporting.import").exists()  # the preview saves nothing
    renshe.post(location)
    event = AuditEvent.objects.get(event="reporting.import")
    assert (event.user, event.object_id, event.detail["unit"]) == (renshe_liaison, str(march.pk), "县人社局")
    assert AuditEvent.objects.filter(event="reporting.figure.created", username="renshe").count() == 3


def test_it_forgets_the_upload_once_saved(renshe, filled):
    location = _upload(renshe, _bytes(filled))["Location"]
    assert PendingImport.objects.count() == 1
    renshe.post(location)
    assert not PendingImport.objects.exists()
    assert renshe.get(location).status_code == 404


def test_it_saves_nothing_for_an_unchanged_template(renshe, march):
    before = database_state()
    preview = renshe.get(_upload(renshe, _bytes(_download(renshe, march)))["Location"])
    assert preview.context["plan"].changes == []
    assert "确认保存" not in preview.content.decode()
    assert database_state() == before


def test_it_checks_again_on_confirmation(renshe, renshe_liaison, filled, employment_row, march, office_user):
    location = _upload(renshe, _bytes(filled))["Location"]
    # Meanwhile the unit saves and submits on the web page, and the office approves.
    fill_employment(renshe_liaison, employment_row, march)
    submission = Submission.objects.get(task_row=employment_row)
    submit_row(user=renshe_liaison, submission_id=submission.pk, now=deadline_moment(march, 10))
    review.approve(user=office_user, submission_id=submission.pk)
    before = database_state()
    response = renshe.post(location)
    assert response.status_code == 400
    assert "锁定" in str(response.context["plan"].issues[0])
    assert database_state() == before


def test_it_refuses_a_template_changed_on_the_web_since_download(
    renshe, renshe_liaison, filled, employment_row, march
):
    save_figures(renshe_liaison, employment_row, march, {EMPLOYMENT: "500"})
    before = database_state()
    preview = renshe.get(_upload(renshe, _bytes(filled))["Location"])
    assert [issue.message for issue in preview.context["plan"].issues] == [
        "下载模板后，本任务的数据已被修改（可能是在网页上保存过）。请重新下载模板后再填写。"
    ]
    assert database_state() == before


def test_it_accepts_a_stage_chosen_by_its_label(plan_2023, django_user_model, march):
    liaison = make_member(django_user_model, "jiaoyu", Role.LIAISON, unit="县教育局")
    client = client_for(liaison)
    workbook = _download(client, march)
    item = provincial_row(plan_2023, 1).indicators.get()
    workbook.active.cell(_line(workbook.active, item=item), STAGE.index).value = "推进中"
    client.post(_upload(client, _bytes(workbook))["Location"])
    assert Figure.objects.get(indicator=item).stage == 2


# --- bad rows: nothing written, each named by row and column --------------------------------------


def _issues(client, workbook) -> list[str]:
    before = database_state()
    location = _upload(client, _bytes(workbook))["Location"]
    preview = client.get(location)
    confirm = client.post(location)
    assert confirm.status_code == 400
    assert database_state() == before
    return [str(issue) for issue in preview.context["plan"].issues]


def test_it_refuses_an_unknown_indicator(renshe, filled, employment_row):
    row = _line(filled.active, item=indicator(employment_row, TRAINING))
    filled.active.cell(row, INDICATOR_ID.index).value = 99999999
    assert _issues(renshe, filled) == [f"第{row}行 B列（指标编号）：未知的指标（该任务下没有这个指标）。"]


def test_it_refuses_a_value_that_is_not_a_number(renshe, filled, employment_row):
    row = _line(filled.active, item=indicator(employment_row, EMPLOYMENT))
    filled.active.cell(row, VALUE.index).value = "很多"
    assert _issues(renshe, filled) == [f"第{row}行 H列（本月累计完成数）：“很多”不是有效的数字。"]


def test_it_refuses_a_formula_in_a_number_cell(renshe, filled, employment_row):
    row = _line(filled.active, item=indicator(employment_row, EMPLOYMENT))
    filled.active.cell(row, VALUE.index).value = "=900+30"
    assert _issues(renshe, filled) == [f"第{row}行 H列（本月累计完成数）：请直接填写数值，不要使用公式。"]


def test_it_refuses_a_subset_larger_than_its_parent(renshe, filled, employment_row):
    row = _line(filled.active, item=indicator(employment_row, STARTUP_TRAINING))
    filled.active.cell(row, VALUE.index).value = 700
    assert _issues(renshe, filled) == [
        f"第{row}行 H列（本月累计完成数）：“其中”数700不能大于“补贴性职业技能培训”的600。"
    ]


def test_it_refuses_funds_that_are_not_an_amount(renshe, filled, employment_row):
    row = _line(filled.active, task_row=employment_row)
    filled.active.cell(row, FUNDS.index).value = "五十万"
    assert _issues(renshe, filled) == [f"第{row}行 K列（累计投入资金（万元））：“五十万”不是有效的金额。"]


def test_it_refuses_a_stage_not_in_the_list(plan_2023, django_user_model, march):
    liaison = make_member(django_user_model, "jiaoyu", Role.LIAISON, unit="县教育局")
    client = client_for(liaison)
    workbook = _download(client, march)
    row = _line(workbook.active, item=provincial_row(plan_2023, 1).indicators.get())
    workbook.active.cell(row, STAGE.index).value = "快完成了"
    assert _issues(client, workbook) == [
        f"第{row}行 I列（进展节点）：请从下拉列表中选择进展节点（未启动、已启动、推进中、已完成）。"
    ]


def test_it_refuses_another_units_row(renshe, filled, plan_2023):
    row = _line(filled.active, item=indicator(provincial_row(plan_2023, 3), TRAINING))
    filled.active.cell(row, ROW_ID.index).value = provincial_row(plan_2023, 6).pk  # 县民政局's
    assert _issues(renshe, filled) == [
        f"第{row}行 A列（任务编号）：该任务不属于本单位，不能导入其他单位的数据。"
    ]


def test_it_refuses_a_change_to_a_locked_month(
    renshe, renshe_liaison, employment_row, march, office_user, statistics_user
):
    submission_in(
        Submission.Status.APPROVED,
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )
    workbook = _download(renshe, march)
    row = _line(workbook.active, item=indicator(employment_row, EMPLOYMENT))
    workbook.active.cell(row, VALUE.index).value = 999
    issues = _issues(renshe, workbook)
    assert len(issues) == 1 and issues[0].startswith(f"第{row}行：本月该项数据已提交或已审核锁定，不能修改。")


def test_it_refuses_tampered_hidden_ids(renshe, filled, employment_row):
    row = _line(filled.active, item=indicator(employment_row, EMPLOYMENT))
    filled.active.cell(row, VERSION.index).value = "x"
    assert _issues(renshe, filled) == [
        f"第{row}行 A列（任务编号）：隐藏的编号列缺失或被改动，请使用下载的模板，不要增删行或修改隐藏列。"
    ]


def test_it_refuses_an_overlong_explanation(renshe, filled, employment_row):
    row = _line(filled.active, item=indicator(employment_row, EMPLOYMENT))
    filled.active.cell(row, EXPLANATION.index).value = "说" * 301
    assert _issues(renshe, filled) == [f"第{row}行 J列（说明）：说明不能超过300字。"]


def test_it_lists_every_bad_row_at_once(renshe, filled, employment_row):
    first = _line(filled.active, item=indicator(employment_row, EMPLOYMENT))
    second = _line(filled.active, item=indicator(employment_row, TRAINING))
    filled.active.cell(first, VALUE.index).value = "很多"
    filled.active.cell(second, INDICATOR_ID.index).value = 99999999
    assert [issue.split("：")[0] for issue in _issues(renshe, filled)] == [
        f"第{first}行 H列（本月累计完成数）",
        f"第{second}行 B列（指标编号）",
    ]


# --- bad files: refused whole, clearly, with nothing stored or written -----------------------------


def _refused(client, content: bytes, name: str = "填报.xlsx", status: int = 400) -> str:
    before = database_state()
    response = _upload(client, content, name)
    assert response.status_code == status
    assert database_state() == before
    return _refusal(response)


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


XLSX_SKELETON = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


def test_it_refuses_random_bytes(renshe, march):
    content = random.Random(2023).randbytes(4096)  # noqa: S311 - test data
    assert _refused(renshe, content).startswith("该文件不是有效的 Excel 工作簿（.xlsx）")
    assert not PendingImport.objects.exists()


def test_it_refuses_a_text_file_renamed_to_xlsx(renshe, march):
    assert _refused(renshe, "城镇新增就业,930\n".encode(), "填报.xlsx").startswith("该文件不是有效的 Excel")


def test_it_refuses_an_old_xls_file(renshe, march):
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)
    assert "旧版 Excel（.xls）" in _refused(renshe, content, "填报.xls")


def test_it_refuses_a_zip_that_is_not_a_workbook(renshe, march):
    assert _refused(renshe, _zip({"readme.txt": b"hello"})).startswith("该文件不是有效的 Excel")


def test_it_refuses_a_workbook_that_is_not_the_template(renshe, march):
    assert _refused(renshe, _bytes(Workbook())).startswith("这不是本平台的填报模板")


def test_it_refuses_another_units_template(renshe, minzheng_liaison, march):
    content = _bytes(_download(client_for(minzheng_liaison), march))
    assert _refused(renshe, content) == "该模板不是为本单位生成的，请下载本单位的模板后再填写。"


@override_settings(IMPORT_MAX_UPLOAD_BYTES=10_000)
def test_it_refuses_an_oversize_file(renshe, march):
    assert _refused(renshe, bytes(20_000), status=413) == "文件过大（0.0 MB），上传上限为 0.0 MB。"


@override_settings(IMPORT_MAX_UPLOAD_BYTES=10_000)
def test_it_refuses_an_oversize_request_without_reading_it(renshe, march):
    message = _refused(renshe, bytes(200_000), status=413)
    assert message.startswith("文件过大")
    assert not PendingImport.objects.exists()


def test_it_refuses_a_zip_bomb(renshe, march):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in XLSX_SKELETON.items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"0" * MB
            for _chunk in range(200):  # 200 MB of zeros, about 200 KB compressed
                part.write(chunk)
    assert len(buffer.getvalue()) < MB
    assert _refused(renshe, buffer.getvalue()).startswith("文件解压后过大（约200 MB）")


def test_it_refuses_a_part_compressed_beyond_reason(renshe, march):
    content = _zip({**XLSX_SKELETON, "xl/worksheets/sheet1.xml": b" " * (3 * MB)})
    assert _refused(renshe, content).startswith("文件解压后过大")


def test_it_refuses_a_zip_of_too_many_parts(renshe, march):
    content = _zip({**XLSX_SKELETON, **{f"xl/media/{index}.bin": b"x" for index in range(300)}})
    assert _refused(renshe, content) == "文件结构异常（包含302个部件），已拒绝。"


@override_settings(IMPORT_MAX_ROWS=10)
def test_it_refuses_a_template_with_too_many_rows(renshe, filled):
    for offset in range(12):
        filled.active.cell(filled.active.max_row + 1, PROGRESS.index).value = f"多余{offset}"
    assert (
        _refused(renshe, _bytes(filled)) == "文件行数超过上限（10行），已停止读取。请只上传本平台下载的模板。"
    )


def _sheet_with_rows(template: bytes, count: int) -> bytes:
    """The template with its sheet replaced by one of `count` data rows, written as a stream.

    The sheet states its size in `<dimension>`, as Excel, WPS, LibreOffice and openpyxl write it;
    without it openpyxl parses the whole sheet to find the size before the first row is read.
    """
    source = zipfile.ZipFile(io.BytesIO(template))
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:H{count + 3}"/><sheetData>'
        f'<row r="1"><c r="A1" t="inlineStr"><is><t>{MARK}</t></is></c><c r="B1"><v>2023</v></c>'
        '<c r="C1"><v>3</v></c></row>'
        + '<row r="3">'
        + "".join(
            f'<c r="{column.letter}3" t="inlineStr"><is><t>{column.header}</t></is></c>' for column in COLUMNS
        )
        + "</row>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info))
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(head.encode())
            for start in range(4, count + 4, 10_000):
                rows = "".join(
                    f'<row r="{row}"><c r="H{row}"><v>1</v></c></row>'
                    for row in range(start, min(start + 10_000, count + 4))
                )
                part.write(rows.encode())
            part.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


_MILLION_ROWS: list[bytes] = []


def _million_rows(client, month) -> bytes:
    """Renshe's March template with a million data rows, built once a session for the tests that read it."""
    if not _MILLION_ROWS:
        _MILLION_ROWS.append(_sheet_with_rows(_bytes(_download(client, month)), 1_000_000))
    return _MILLION_ROWS[0]


def test_it_refuses_a_sheet_of_a_million_rows(renshe, march):
    content = _million_rows(renshe, march)
    assert len(content) < 5 * MB
    assert _refused(renshe, content).startswith("文件解压后过大")


@override_settings(IMPORT_MAX_UNCOMPRESSED_BYTES=500 * MB, IMPORT_MAX_COMPRESSION_RATIO=100_000)
def test_it_stops_reading_a_million_rows_at_the_row_cap(renshe, march):
    content = _million_rows(renshe, march)
    assert _refused(renshe, content) == "文件行数超过上限（2000行），已停止读取。请只上传本平台下载的模板。"


def test_it_names_a_relabelled_column_and_reads_nothing(renshe, filled, march):
    sheet = filled.active
    sheet.cell(3, FUNDS.index).value = "本月新增"

    message = _refused(renshe, _bytes(filled))  # refused, and nothing written

    assert message.startswith("第3行的列标题与模板不符：K列应为“累计投入资金（万元）”，现为“本月新增”")


def test_it_names_an_inserted_column(renshe, filled, march):
    filled.active.insert_cols(FUNDS.index)

    message = _refused(renshe, _bytes(filled))

    assert "K列应为“累计投入资金（万元）”，现为“”" in message
    assert "请使用本月下载的模板，不要移动、插入、删除或改名列" in message


def test_it_says_why_when_the_template_sheet_is_not_first(renshe, filled, march):
    filled.create_sheet("说明", 0)

    message = _refused(renshe, _bytes(filled))

    assert message.startswith("填报数据须在第一个工作表。本文件的模板工作表")
    assert "排在第2个" in message


def test_it_asks_for_a_file_when_none_is_sent(renshe, march):
    response = renshe.post(reverse("reporting:import_upload"), {})
    assert response.status_code == 400
    assert _refusal(response) == "请选择要上传的 Excel 文件。"


# --- who may import -------------------------------------------------------------------------------

LIAISONS = ("renshe", "minzheng", "township")
OTHERS = ("office", "statistics", "leader", "sysadmin", "no_role")


def _open(client, screen, month):
    if screen == "upload_page":
        return client.get(reverse("reporting:import_upload"))
    if screen == "template":
        return client.get(_template_url(month))
    if screen == "upload":
        return _upload(client, b"PK")
    raise AssertionError(screen)


PAGES = ("upload_page", "template", "upload")


@pytest.mark.parametrize("screen", PAGES)
@pytest.mark.parametrize("role", LIAISONS)
def test_it_lets_liaisons_use_the_import(user_in_role, march, screen, role):
    response = _open(client_for(user_in_role(role)), screen, march)
    assert response.status_code == (400 if screen == "upload" else 200)


@pytest.mark.parametrize("screen", PAGES)
@pytest.mark.parametrize("role", OTHERS)
def test_it_refuses_the_import_to_everyone_but_liaisons(user_in_role, march, screen, role):
    before = database_state()
    assert _open(client_for(user_in_role(role)), screen, march).status_code == 403
    assert database_state() == before


@pytest.mark.parametrize("screen", PAGES)
def test_it_sends_anonymous_users_to_log_in_for_the_import(client, march, screen):
    response = _open(client, screen, march)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


@pytest.mark.parametrize("role", OTHERS)
def test_it_refuses_the_preview_to_everyone_but_liaisons(user_in_role, renshe, filled, role):
    location = _upload(renshe, _bytes(filled))["Location"]
    before = database_state()
    client = client_for(user_in_role(role))
    assert client.get(location).status_code == 403
    assert client.post(location).status_code == 403
    assert database_state() == before


def test_it_hides_an_upload_from_another_liaison(renshe, filled, township_liaison):
    location = _upload(renshe, _bytes(filled))["Location"]
    before = database_state()
    other = client_for(township_liaison)
    assert other.get(location).status_code == 404
    assert other.post(location).status_code == 404
    assert database_state() == before


def test_it_answers_404_for_a_malformed_token(renshe):
    assert renshe.get(reverse("reporting:import_preview", args=["..%2F..%2Fetc"])).status_code == 404


def test_it_uses_the_configured_limits(settings):
    settings.IMPORT_MAX_ROWS = 77
    assert uploads.limit("IMPORT_MAX_ROWS") == 77
    del settings.IMPORT_MAX_ROWS
    assert uploads.limit("IMPORT_MAX_ROWS") == 2000
