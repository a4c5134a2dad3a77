"""The responsibility matrix (责任分解表) export: layout like the plan's 附表, safe, print-ready."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell

from accounts.models import Role
from core.xlsx import XLSX_CONTENT_TYPE, neutralise
from projects.matrix import FIRST_DATA_ROW, LINE_HEIGHT, ResponsibilityMatrixExporter
from projects.models import (
    Person,
    Project,
    ResponsiblePerson,
    TaskRow,
    TaskRowParty,
    Tier,
    Unit,
    UnitGroup,
)
from projects.services import copy_plan_year
from tests.roles import make_member

pytestmark = pytest.mark.django_db

TITLE = "隆回县打好“重点民生保障仗”重点工作任务责任分解表"
# The year's responsible people, the rows' parties, the rows and their indicators.
EXPORT_QUERIES = 4
EVIL = '=HYPERLINK("http://evil.example","点我")'


def _sheet(plan_year):
    content = ResponsibilityMatrixExporter(plan_year=plan_year).render().content
    return load_workbook(io.BytesIO(content)).active


@pytest.fixture
def sheet(plan_2023):
    return _sheet(plan_2023)


def _merged(sheet) -> set[str]:
    return {str(cell_range) for cell_range in sheet.merged_cells.ranges}


def _row_of(sheet, column: str, prefix: str) -> int:
    for cell in sheet[column]:
        if isinstance(cell.value, str) and cell.value.startswith(prefix):
            return cell.row
    raise AssertionError(f"{prefix!r} not found in column {column}")


def _provincial_row(plan_year, number: int, position: int = 1) -> TaskRow:
    return TaskRow.objects.get(
        project__tier__plan_year=plan_year,
        project__tier__kind=Tier.Kind.PROVINCIAL,
        project__number=number,
        position=position,
    )


def test_it_puts_the_title_over_all_columns(sheet):
    assert sheet["A1"].value == TITLE
    assert "A1:G1" in _merged(sheet)


def test_it_spans_the_task_header_over_three_sub_columns(sheet):
    assert [cell.value for cell in sheet[2]] == [
        "序号",
        "重点工作任务",
        None,
        None,
        "主要责任单位",
        "责任人",
        "牵头领导",
    ]
    assert "B2:D2" in _merged(sheet)


def test_it_merges_each_tier_down_its_rows_in_plan_order(sheet, plan_2023):
    breaks = [item.id for item in sheet.row_breaks.brk]
    merged = _merged(sheet)
    start = FIRST_DATA_ROW
    for tier in plan_2023.tiers.order_by("position"):
        end = start + TaskRow.objects.filter(project__tier=tier).count() - 1
        # One merge per printed page the tier runs over, each headed by the tier.
        cuts = [row for row in breaks if start <= row < end]
        for part_start, part_end in zip([start, *(row + 1 for row in cuts)], [*cuts, end], strict=True):
            assert sheet[f"A{part_start}"].value == tier.position
            assert sheet[f"B{part_start}"].value == tier.short_name
            if part_end > part_start:
                assert {f"A{part_start}:A{part_end}", f"B{part_start}:B{part_end}"} <= merged
        start = end + 1
    assert start == 40


def test_it_merges_a_split_project_down_its_task_rows(sheet):
    row = _row_of(sheet, "C", "9.城镇老旧小区改造。")
    assert f"C{row}:C{row + 1}" in _merged(sheet)
    assert sheet[f"D{row}"].value == "开工改造9个城镇老旧小区（注4）"
    assert sheet[f"D{row + 1}"].value == "城镇住宅小区居民“一户一表”改造接收"


def test_it_spans_an_unsplit_project_over_the_sub_item_column(sheet):
    row = _row_of(sheet, "C", "1.启动建设县域普通高中")
    assert f"C{row}:D{row}" in _merged(sheet)


def test_it_merges_the_shared_units_people_and_leader_of_items_6_and_7(sheet):
    item_6 = _row_of(sheet, "C", "6.提升基本养老服务水平")
    item_7 = _row_of(sheet, "C", "7.提高困难群体救助标准")
    breaks = {item.id for item in sheet.row_breaks.brk}
    expected = {f"{column}{item_6}:{column}{item_6 + 1}" for column in "EFG"}
    # Item 7's three rows share one cell each, split where a page ends inside them.
    ends = sorted({row for row in breaks if item_7 <= row < item_7 + 2} | {item_7 + 2})
    start = item_7
    for end in ends:
        if end > start:
            expected |= {f"{column}{start}:{column}{end}" for column in "EFG"}
        assert sheet[f"E{start}"].value.startswith("牵头单位：县民政局")
        start = end + 1
    assert expected <= _merged(sheet)


def test_it_keeps_sub_items_with_different_units_apart(sheet):
    row = _row_of(sheet, "C", "9.城镇老旧小区改造。")
    assert not any(f"{column}{row}:" in merged for merged in _merged(sheet) for column in "EFG")
    assert sheet[f"E{row + 1}"].value == "牵头单位：国网隆回供电公司，责任单位：各乡镇人民政府、街道办事处"


def test_it_lists_every_project_of_every_tier(sheet, plan_2023):
    projects = Project.objects.filter(tier__plan_year=plan_2023)
    headings = [f"{item.number}.{item.matrix_title or item.title}" for item in projects]
    assert len(headings) == 28
    cells = [cell.value for cell in sheet["C"][FIRST_DATA_ROW - 1 : FIRST_DATA_ROW - 1 + 37] if cell.value]
    # In plan order, each once per page it is printed on.
    found = [heading for heading in headings if any(cell.startswith(heading) for cell in cells)]
    assert found == headings
    firsts = [next(cell for cell in cells if cell.startswith(heading)) for heading in headings]
    assert [cells.index(cell) for cell in firsts] == sorted(cells.index(cell) for cell in firsts)


def test_it_lists_the_responsible_people_of_item_1_in_plan_order(sheet):
    row = _row_of(sheet, "C", "1.启动建设县域普通高中")
    assert sheet[f"F{row}"].value == "李  良\n彭文波\n范志海\n王柏玉\n周玉科\n李金平"


def test_it_names_the_group_title_as_responsible_for_item_3(sheet):
    row = _row_of(sheet, "C", "3.促进高质量充分就业")
    assert sheet[f"F{row}"].value == "王柏玉\n各乡镇长、街道办事处主任"


def test_it_joins_co_leads_after_the_lead_unit(sheet):
    row = _row_of(sheet, "D", "农村“三路”建设")
    assert sheet[f"E{row}"].value.startswith("牵头单位：县交通运输局、县公路建设养护中心，责任单位：县发改局")


def test_it_names_units_whose_person_is_not_known(sheet):
    row = _row_of(sheet, "D", "农村“三路”建设")
    assert sheet[f"F{row}"].value.splitlines()[:2] == [
        "县交通运输局（待补充）",
        "县公路建设养护中心（待补充）",
    ]


@pytest.mark.parametrize(
    ("project", "leader"),
    [
        ("1.启动建设", "张  胤"),
        ("2.“湘易办”", "王兰鹏"),
        ("4.妇幼健康", "刘  琴"),
        ("9.城镇老旧小区", "杨喜国"),
    ],
)
def test_it_names_the_leader_the_plan_gives(sheet, project, leader):
    assert sheet[f"G{_row_of(sheet, 'C', project)}"].value == leader


def test_it_warns_where_the_plan_names_no_leader(sheet):
    assert sheet[f"G{_row_of(sheet, 'D', '农村“三路”建设')}"].value == "⚠ 待补充"


def test_it_sets_the_page_up_for_a4_landscape_with_repeated_headers(sheet):
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.print_title_rows == "$2:$2"


def test_it_draws_thin_borders_and_wraps_text_in_a_chinese_font(sheet):
    last = FIRST_DATA_ROW + 36
    for row in sheet.iter_rows(min_row=2, max_row=last):
        # Cells hidden by a merge take the merged cell's outer borders only.
        for cell in (item for item in row if not isinstance(item, MergedCell)):
            assert cell.border.left.style == "thin", cell.coordinate
            assert cell.alignment.wrap_text, cell.coordinate
            assert cell.alignment.vertical == "center", cell.coordinate
            assert cell.font.name == "宋体", cell.coordinate


def test_it_draws_the_outline_of_every_merged_cell(sheet):
    for cell_range in sheet.merged_cells.ranges:
        if not 1 < cell_range.min_row <= FIRST_DATA_ROW + 36:
            continue  # the title over the table and the notes under it have no border
        for row in range(cell_range.min_row, cell_range.max_row + 1):
            for column in range(cell_range.min_col, cell_range.max_col + 1):
                border = sheet.cell(row=row, column=column).border
                if column == cell_range.min_col:
                    assert border.left.style == "thin", (str(cell_range), row, column)
                if column == cell_range.max_col:
                    assert border.right.style == "thin", (str(cell_range), row, column)
                if row == cell_range.max_row:
                    assert border.bottom.style == "thin", (str(cell_range), row, column)


def test_it_keeps_a_formula_like_unit_name_as_text(plan_2023):
    task_row = _provincial_row(plan_2023, 1)
    unit = Unit.objects.create(name=EVIL, kind=Unit.Kind.COUNTY_DEPARTMENT)
    TaskRowParty.objects.create(task_row=task_row, role=TaskRowParty.Role.RESPONSIBLE, position=99, unit=unit)
    ResponsiblePerson.objects.create(
        plan_year=plan_2023, unit=unit, person=Person.objects.create(name="=1+2", unit=unit)
    )
    sheet = _sheet(plan_2023)
    row = _row_of(sheet, "C", "1.启动建设县域普通高中")
    assert sheet[f"E{row}"].value.endswith(f"、{EVIL}")
    assert sheet[f"F{row}"].value.endswith("\n=1+2")
    assert sheet[f"F{row}"].data_type == "s"
    assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_it_keeps_formula_like_text_at_the_start_of_a_cell_as_text(plan_2023):
    TaskRow.objects.filter(pk=_provincial_row(plan_2023, 6).pk).update(title=EVIL)
    sheet = _sheet(plan_2023)
    cell = sheet[f"D{_row_of(sheet, 'C', '6.提升基本养老服务水平')}"]
    assert cell.value.startswith(EVIL)
    assert cell.data_type == "s"


def test_it_gives_every_line_of_a_cell_room(sheet):
    row = _row_of(sheet, "C", "1.启动建设县域普通高中")
    people = sheet[f"F{row}"].value.count("\n") + 1
    assert people > 1
    assert sheet.row_dimensions[row].height >= people * LINE_HEIGHT
    for number in range(FIRST_DATA_ROW, sheet.max_row + 1):
        assert sheet.row_dimensions[number].height >= LINE_HEIGHT, number


@pytest.mark.parametrize("text", [EVIL, "+1+2", "-1+2", "@SUM(A1)", "\t=1+2", "\r=1+2", "#N/A"])
def test_it_neutralises_text_a_spreadsheet_would_evaluate(text):
    workbook = Workbook()
    workbook.active["A1"] = neutralise(text)
    buffer = io.BytesIO()
    workbook.save(buffer)
    cell = load_workbook(buffer).active["A1"]
    # A bare carriage return may read back as a line feed (openpyxl without lxml); else unchanged.
    assert cell.data_type == "s"
    assert cell.value.replace("\r", "\n") == text.replace("\r", "\n")


def test_it_leaves_plain_text_and_numbers_alone():
    assert neutralise("县教育局") == "县教育局"
    assert neutralise(3) == 3
    assert neutralise(None) is None


def test_it_drops_characters_a_workbook_cannot_hold():
    assert neutralise("县\x00教育\x1b局") == "县教育局"


def test_it_writes_the_file_from_the_command(plan_2023, tmp_path):
    target = tmp_path / "matrix.xlsx"
    call_command("export_matrix", "--year", "2023", "-o", str(target), stdout=io.StringIO())
    assert load_workbook(target).active["A1"].value == TITLE


def test_it_refuses_an_unknown_year_in_the_command(plan_2023, tmp_path):
    with pytest.raises(CommandError, match="2019年度不存在"):
        call_command("export_matrix", "--year", "2019", "-o", str(tmp_path / "x.xlsx"))


def test_it_reports_an_unwritable_path_in_the_command(plan_2023, tmp_path):
    with pytest.raises(CommandError, match="无法写入文件"):
        call_command("export_matrix", "--year", "2023", "-o", str(tmp_path / "missing" / "x.xlsx"))


@pytest.fixture
def reader(client, django_user_model):
    """The office reads every unit's figures, so it may take the matrix (which names people)."""
    client.force_login(make_member(django_user_model, "office", Role.OFFICE, unit="县人社局"))
    return client


def matrix_url(year: int) -> str:
    return f"{reverse('reporting:exports_matrix')}?year={year}"


def test_it_downloads_the_matrix_for_a_reader(reader, plan_2023):
    response = reader.get(matrix_url(2023))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    # 责任分解表-2023.xlsx, percent-encoded per RFC 5987.
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E8%B4%A3%E4%BB%BB%E5%88%86%E8%A7%A3%E8%A1%A8-2023.xlsx"
    )
    assert load_workbook(io.BytesIO(b"".join(response.streaming_content))).active["A1"].value == TITLE


def test_it_sends_anonymous_users_to_the_login_page(client, plan_2023):
    response = client.get(matrix_url(2023))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_an_unknown_year_with_the_form_and_a_message(reader, plan_2023):
    response = reader.get(matrix_url(2019))
    assert response.status_code == 400
    assert "2019" in response.content.decode()


def test_it_exports_with_a_fixed_number_of_queries(plan_2023, django_assert_num_queries):
    with django_assert_num_queries(EXPORT_QUERIES):
        ResponsibilityMatrixExporter(plan_year=plan_2023).render()


def test_it_does_not_query_more_when_another_year_exists(plan_2023, django_assert_num_queries):
    copy_plan_year(source=plan_2023, year=2024)
    with django_assert_num_queries(EXPORT_QUERIES):
        ResponsibilityMatrixExporter(plan_year=plan_2023).render()


def test_it_does_not_query_more_when_task_rows_are_added(plan_2023, django_assert_num_queries):
    project = _provincial_row(plan_2023, 9).project
    group = UnitGroup.objects.get(name="各街道办事处")
    for position in range(3, 8):
        unit = Unit.objects.create(name=f"新增单位{position}", kind=Unit.Kind.COUNTY_DEPARTMENT)
        ResponsiblePerson.objects.create(
            plan_year=plan_2023, unit=unit, person=Person.objects.create(name=f"新人{position}", unit=unit)
        )
        task_row = TaskRow.objects.create(
            project=project, position=position, title=f"新增任务{position}", lead_unit=unit
        )
        TaskRowParty.objects.create(
            task_row=task_row, role=TaskRowParty.Role.RESPONSIBLE, position=1, group=group
        )
    with django_assert_num_queries(EXPORT_QUERIES):
        content = ResponsibilityMatrixExporter(plan_year=plan_2023).render().content
    sheet = load_workbook(io.BytesIO(content)).active
    assert [cell.value for cell in sheet["D"] if cell.value and str(cell.value).startswith("新增任务")] == [
        f"新增任务{position}" for position in range(3, 8)
    ]
