"""What the responsibility matrix says: every target of the plan, 待下达, the marks and the notes.

The sheet is built once for the module from the bundled plan and read back cell by cell.
"""

import importlib
import re

import pytest
from django.apps import apps as django_apps

from core.text import official_name
from projects.matrix_content import PENDING
from projects.models import Indicator, PlanYear, Project, TaskRow
from tests.matrix_workbook import (
    COUNTY,
    MONITORED,
    MUNICIPAL,
    PROVINCIAL,
    matrix_sheet,
    note_rows,
    plan_rows,
    project_text,
    sheet_row,
)
from tests.roles import provincial_row

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def sheet(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return matrix_sheet(PlanYear.objects.get(year=2023))


def _text_of(sheet, plan_year, task_row: TaskRow) -> str:
    row = sheet_row(plan_year, task_row.project.tier.kind, task_row.project.number, task_row.position)
    return project_text(sheet, row) + str(sheet.cell(row=row, column=4).value or "")


def _plain(number) -> str:
    return format(number.normalize(), "f")


def test_it_states_the_target_of_every_indicator_of_the_four_tiers(sheet, plan_2023):
    missing = []
    indicators = Indicator.objects.filter(task_row__project__tier__plan_year=plan_2023).select_related(
        "task_row__project__tier"
    )
    assert len(indicators) == 66
    for indicator in indicators:
        text = _text_of(sheet, plan_2023, indicator.task_row)
        if indicator.kind == Indicator.Kind.MILESTONE:
            stated = indicator.plan_text in text or indicator.name in text
        elif indicator.target_value is not None:
            stated = f"{_plain(indicator.target_value)}{indicator.measure}" in text
        elif indicator.operator == Indicator.Operator.IMPROVE_ON_BASELINE:
            stated = f"{_plain(indicator.baseline_value)}{indicator.measure}" in text
        else:
            stated = PENDING in text
        if not stated:
            missing.append(f"{indicator.task_row}: {indicator.name}")
    assert missing == []


@pytest.mark.parametrize(
    ("kind", "number", "position", "expected"),
    [
        (
            PROVINCIAL,
            7,
            1,
            "提高城乡低保标准。城乡低保标准从不低于600元/月提高到不低于650元/月，"
            "农村低保标准从不低于4600元/年提高到不低于5000元/年（注1）",
        ),
        (
            PROVINCIAL,
            7,
            2,
            "提高残疾人“两项补贴”标准。困难残疾人生活补贴标准从不低于75元/月·人提高到不低于80元/月·人，"
            "重度残疾人护理补贴标准从不低于75元/月·人提高到不低于80元/月·人",
        ),
        (
            PROVINCIAL,
            7,
            3,
            "提高孤儿和事实无人抚养儿童基本生活最低保障标准。散居孤儿从950元/月提高到1100元/月，"
            "集中养育从1350元/月提高到1500元/月",
        ),
        (
            PROVINCIAL,
            10,
            1,
            "农村“三路”建设。完成农村公路提质改造84公里，农村公路安防设施52公里，普通国省道安防精细化提升（待下达）公里",
        ),
        (
            PROVINCIAL,
            10,
            2,
            "农村电网巩固提升工程。提升农村地区110千伏、35千伏、10千伏及以下电网供电能力",
        ),
        (
            PROVINCIAL,
            10,
            4,
            "农村水源保障及灌溉能力提升。新增蓄水能力（待下达）万方，恢复和改善灌溉面积（待下达）万亩",
        ),
        (
            PROVINCIAL,
            10,
            5,
            "农村千人以上集中饮用水水源地突出环境问题整治。完成49个农村千人以上集中饮用水水源地突出环境问题整治",
        ),
    ],
)
def test_it_prints_the_standards_and_figures_of_each_sub_row(
    sheet, plan_2023, kind, number, position, expected
):
    assert sheet.cell(row=sheet_row(plan_2023, kind, number, position), column=4).value == expected


@pytest.mark.parametrize(
    ("kind", "number", "expected"),
    [
        (
            PROVINCIAL,
            2,
            "2.“湘易办”便民利企服务平台建设推广。确保上线服务事项（待下达）项，其中“一网通办”事项达到（待下达）项；"
            "集成可应用的电子证照种类超过（待下达）类；用户数突破（待下达）万。",
        ),
        (
            MUNICIPAL,
            6,
            "6.县城区新增停车位、新建充电桩。县城区新增停车位（待下达）万个、新建充电桩（待下达）个。",
        ),
        (
            MONITORED,
            2,
            "2.提高医疗机构重症救治能力。三级综合医院ICU床位和可转换ICU床位均不低于总床位的4%，"
            "确保新冠病毒感染重症患者得到积极有效救治。",
        ),
        (
            MONITORED,
            3,
            "3.改善生态环境质量。全县空气质量优良率在2022年88.2%的基础上，持续改善；"
            "全县国考断面水质优良率三类以上比例稳中向好，达到100%。",
        ),
    ],
)
def test_it_follows_a_project_heading_with_the_plans_own_words(sheet, plan_2023, kind, number, expected):
    assert sheet.cell(row=sheet_row(plan_2023, kind, number), column=3).value == expected


def test_it_names_targets_still_to_come_that_the_plan_leaves_no_blank_for(sheet, plan_2023):
    text = sheet.cell(row=sheet_row(plan_2023, MONITORED, 1), column=3).value
    assert text.endswith(
        "稳步提升“两率”水平。（目标待下达：基本养老保险参保人数、工伤保险参保人数、失业保险参保人数）"
    )


@pytest.mark.parametrize(
    ("kind", "number", "expected"),
    [
        (
            PROVINCIAL,
            3,
            "3.促进高质量充分就业。完成城镇新增就业4650人；开展补贴性职业技能培训3000人次，其中创业培训770人次。",
        ),
        (PROVINCIAL, 4, "4.妇幼健康守护行动。农村适龄及城镇低保适龄妇女“两癌”免费检查17000人"),
        (MUNICIPAL, 2, "2.完成农村危房改造38户"),
        (MUNICIPAL, 5, "5.完成污水管网改造3.1公里、新建污水管网14公里"),
        (COUNTY, 1, "1.建成县城城东学校、站前学校、花门学校"),
        (COUNTY, 6, "6.新增农村自来水覆盖人口2万人"),
    ],
)
def test_it_leaves_a_heading_that_states_its_targets_alone(sheet, plan_2023, kind, number, expected):
    assert sheet.cell(row=sheet_row(plan_2023, kind, number), column=3).value == expected


def test_it_marks_every_pending_target(sheet, plan_2023):
    pending: dict[TaskRow, list[Indicator]] = {}
    for indicator in Indicator.objects.filter(task_row__project__tier__plan_year=plan_2023).select_related(
        "task_row__project__tier"
    ):
        if indicator.is_target_pending:
            pending.setdefault(indicator.task_row, []).append(indicator)
    assert sum(len(items) for items in pending.values()) == 12
    for task_row, items in pending.items():
        text = _text_of(sheet, plan_2023, task_row)
        # A blank the plan leaves for the target is filled where it stands; otherwise the indicator is named.
        blanks = [item for item in items if re.search(r"\S\s+\S", item.plan_text)]
        assert text.count(f"（{PENDING}）") == len(blanks), task_row
        named = [item.name for item in items if item not in blanks]
        if named:
            assert text.endswith(f"（目标{PENDING}：{'、'.join(named)}）"), task_row


def test_it_fills_a_blank_with_the_target_once_it_is_given(plan_2023):
    Indicator.objects.filter(task_row__project__tier__plan_year=plan_2023, name="上线服务事项").update(
        target_value=500
    )
    text = matrix_sheet(plan_2023).cell(row=sheet_row(plan_2023, PROVINCIAL, 2), column=3).value
    assert "确保上线服务事项500项，其中“一网通办”事项达到（待下达）项" in text
    assert text.count(PENDING) == 3


NOTES = [
    "注1：附表写作“城县低保标准从不低于600元每月提高到不低于650元/月”，本系统按方案正文“城乡低保标准”；"
    "方案正文“不低于650/月”漏写“元”，按附表作“650元/月”。",
    "注2：方案正文与附表不一致：附表对两项任务均只列责任单位“县财政局、各乡镇人民政府、街道办事处”（责任人丁守校、范志海），"
    "正文中“康复救助残疾儿童”的责任单位还有县教育局、县民政局、县卫健局、县医疗保障局。本系统按方案正文，"
    "两项任务的责任单位和责任人因此不同，不再像附表那样合并。",
    "注3：附表此行责任单位仅列县财政局、各乡镇人民政府、街道办事处，按方案正文补列县教育局、县民政局、县卫健局、县医疗保障局。",
    "注4：附表此行责任人栏写作“各乡镇长、街道办事处主任”，方案正文责任单位为“各街道办事处”。本系统按方案正文。",
    "注5：附表未列本项，牵头领导待专班办公室补充。",
    "注6：方案此项牵头单位写作“国网供电隆回分公司”，即国网隆回供电公司。",
]
KEY = (
    "说明：“（推定）”：附表未列明本行的责任人，按各单位在附表中的责任人推定，待专班办公室确认；"
    "“（待补充）”：方案未明确该单位的责任人，待专班办公室补充；"
    "“⚠ 待补充”：方案未明确牵头领导，待专班办公室补充。"
)


def test_it_numbers_the_notes_of_the_database_under_the_table(sheet, plan_2023):
    assert note_rows(sheet, plan_2023) == [*NOTES, KEY]


def test_it_takes_the_notes_from_the_projects_and_rows(plan_2023):
    notes = [project.note for project in Project.objects.filter(tier__plan_year=plan_2023) if project.note]
    notes += [row.note for row in plan_rows(plan_2023) if row.note]
    assert sorted(notes) == sorted(note.split("：", 1)[1] for note in NOTES)


@pytest.mark.parametrize(
    ("kind", "number", "position", "column", "marker"),
    [
        (PROVINCIAL, 7, 1, 4, "（注1）"),  # 城县 / 城乡, 650元/月
        (PROVINCIAL, 8, 1, 3, "（注2）"),  # the 附表's units of item 8; no longer merged
        (PROVINCIAL, 8, 1, 4, "（注3）"),  # 8a: units from the body text
        (PROVINCIAL, 9, 1, 4, "（注4）"),  # 9a: 各街道办事处主任
        (PROVINCIAL, 10, 1, 3, "（注5）"),
        (COUNTY, 8, 1, 3, "（注6）"),
    ],
)
def test_it_marks_the_cell_a_note_is_about(sheet, plan_2023, kind, number, position, column, marker):
    assert sheet.cell(row=sheet_row(plan_2023, kind, number, position), column=column).value.endswith(marker)


def test_it_no_longer_merges_items_8a_and_8b(sheet, plan_2023):
    row = sheet_row(plan_2023, PROVINCIAL, 8, 1)
    merged = {str(cell_range) for cell_range in sheet.merged_cells.ranges}
    assert not any(item.startswith(f"E{row}:") for item in merged)
    assert (
        sheet.cell(row=row + 1, column=5).value
        == "牵头单位：县残联，责任单位：县财政局、各乡镇人民政府、街道办事处"
    )


def test_it_writes_the_9a_responsible_title_of_the_body_text(sheet, plan_2023):
    people = sheet.cell(row=sheet_row(plan_2023, PROVINCIAL, 9, 1), column=6).value
    assert people.splitlines()[-1] == "各街道办事处主任"


def test_it_shows_a_warning_in_each_of_the_23_leader_cells_the_plan_leaves_blank(sheet, plan_2023):
    rows = plan_rows(plan_2023)
    blank = [offset for offset, row in enumerate(rows, start=3) if row.leader_id is None]
    assert len(blank) == 23
    assert {sheet.cell(row=row, column=7).value for row in blank} == {"⚠ 待补充"}


@pytest.mark.parametrize(
    ("kind", "number", "position", "expected"),
    [
        (
            PROVINCIAL,
            10,
            1,
            "县交通运输局（待补充）\n县公路建设养护中心（待补充）\n彭文波（推定）\n范志海（推定）\n李金平（推定）\n"
            "县农业农村局（待补充）\n各乡镇长、街道办事处主任",
        ),
        (PROVINCIAL, 10, 2, "岳   涛（推定）\n各乡镇长、街道办事处主任"),
        (MUNICIPAL, 5, 1, "周玉科（推定）\n彭文波（推定）\n范志海（推定）\n县城管局（待补充）"),
        (COUNTY, 7, 1, "简丽华（推定）\n县人民医院（待补充）\n金石桥镇人民政府（待补充）"),
        (MONITORED, 3, 1, "市生态环境局隆回分局（待补充）\n各乡镇长、街道办事处主任"),
    ],
)
def test_it_marks_inferred_and_unknown_responsible_people(sheet, plan_2023, kind, number, position, expected):
    assert sheet.cell(row=sheet_row(plan_2023, kind, number, position), column=6).value == expected


def test_the_bundled_plan_lists_the_people_of_provincial_items_1_to_9_only(plan_2023):
    rows = plan_rows(plan_2023)
    listed = [(row.project.tier.kind, row.project.number) for row in rows if row.people_listed]
    assert len(listed) == 14
    assert {number for _kind, number in listed} == set(range(1, 10))
    assert {kind for kind, _number in listed} == {PROVINCIAL}


def test_it_marks_no_person_of_a_row_the_appendix_lists(sheet, plan_2023):
    listed = [offset for offset, row in enumerate(plan_rows(plan_2023), start=3) if row.people_listed]
    assert len(listed) == 14
    for row in listed:
        # A row sharing its people with the one above (items 6 and 7) has them in that row's cell.
        people = sheet.cell(row=row, column=6).value or ""
        assert "（推定）" not in people, row
        assert "（待补充）" not in people, row


def test_it_marks_every_person_of_a_row_the_appendix_does_not_list(sheet, plan_2023):
    for offset, row in enumerate(plan_rows(plan_2023), start=3):
        if not row.people_listed:
            for line in sheet.cell(row=offset, column=6).value.splitlines():
                assert line.endswith(("（推定）", "（待补充）")) or line.startswith("各"), (offset, line)


def test_the_migration_keeps_the_rows_an_installation_printed_unmarked_as_listed(plan_2023):
    migration = importlib.import_module("projects.migrations.0005_taskrow_people_listed")
    rows = TaskRow.objects.filter(project__tier__plan_year=plan_2023)
    rows.update(people_listed=False)

    migration.keep_what_the_matrix_printed(django_apps, schema_editor=None)

    assert set(rows.filter(people_listed=True)) == set(rows.filter(leader__isnull=False))


def test_filling_in_the_leader_of_a_row_the_appendix_does_not_list_keeps_its_people_marked(plan_2023):
    row = provincial_row(plan_2023, 10, 2)
    row.leader = TaskRow.objects.filter(leader__isnull=False).first().leader
    row.save()

    people = matrix_sheet(plan_2023).cell(row=sheet_row(plan_2023, PROVINCIAL, 10, 2), column=6).value
    assert people == "岳   涛（推定）\n各乡镇长、街道办事处主任"


def test_a_row_the_office_confirms_prints_its_people_unmarked(plan_2023):
    row = provincial_row(plan_2023, 10, 2)
    row.people_listed = True
    row.save()

    people = matrix_sheet(plan_2023).cell(row=sheet_row(plan_2023, PROVINCIAL, 10, 2), column=6).value
    assert people == "岳   涛\n各乡镇长、街道办事处主任"


@pytest.mark.parametrize(
    ("kind", "number", "position", "column", "expected"),
    [
        (PROVINCIAL, 1, 1, 6, "李  良\n彭文波\n范志海\n王柏玉\n周玉科\n李金平"),
        (PROVINCIAL, 1, 1, 7, "张  胤"),
        (PROVINCIAL, 4, 1, 7, "刘  琴"),
        (PROVINCIAL, 9, 2, 6, "岳   涛\n各乡镇长、街道办事处主任"),  # as the 附表 prints it
        (PROVINCIAL, 9, 1, 7, "杨喜国"),
    ],
)
def test_it_spaces_two_character_names_as_the_appendix_does(
    sheet, plan_2023, kind, number, position, column, expected
):
    assert sheet.cell(row=sheet_row(plan_2023, kind, number, position), column=column).value == expected


@pytest.mark.parametrize(
    ("name", "printed"),
    [("李良", "李  良"), ("张胤", "张  胤"), ("王兰鹏", "王兰鹏"), ("李  良", "李  良"), ("Li", "Li")],
)
def test_it_spaces_only_two_character_chinese_names(name, printed):
    assert official_name(name) == printed


def test_it_prints_a_name_as_the_appendix_prints_it_where_that_differs(sheet, plan_2023):
    people = sheet.cell(row=sheet_row(plan_2023, PROVINCIAL, 6, 1), column=6).value
    assert people.splitlines()[0] == "张 诚"


def test_it_keeps_the_spaces_when_the_file_is_read_back(sheet, plan_2023):
    cells = [
        cell.value for row in sheet.iter_rows(min_row=3, min_col=6, max_col=7) for cell in row if cell.value
    ]
    names = {name for value in cells for name in value.splitlines()}
    assert {"李  良", "张  胤", "刘  琴", "岳   涛", "张 诚"} <= names
