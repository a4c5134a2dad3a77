"""The bundled plan carries the county's 2023 plan faithfully."""

from decimal import Decimal

import pytest

from projects.models import Indicator, Project, ResponsiblePerson, TaskRow, Tier, Unit, UnitAlias

pytestmark = pytest.mark.django_db


def indicator(name: str) -> Indicator:
    return Indicator.objects.get(name=name, task_row__project__tier__plan_year__year=2023)


@pytest.mark.parametrize(
    ("kind", "projects"),
    [
        (Tier.Kind.PROVINCIAL, 10),
        (Tier.Kind.MUNICIPAL, 7),
        (Tier.Kind.COUNTY, 8),
        (Tier.Kind.MONITORED, 3),
    ],
)
def test_it_has_every_project_of_each_tier(plan_2023, kind, projects):
    numbers = list(
        Project.objects.filter(tier__plan_year=plan_2023, tier__kind=kind).values_list("number", flat=True)
    )
    assert numbers == list(range(1, projects + 1))


@pytest.mark.parametrize(
    ("name", "target", "measure"),
    [
        ("城镇新增就业", "4650", "人"),
        ("补贴性职业技能培训", "3000", "人次"),
        ("农村适龄及城镇低保适龄妇女“两癌”免费检查", "17000", "人"),
        ("农村公路提质改造", "84", "公里"),
        ("农村千人以上集中饮用水水源地突出环境问题整治", "49", "个"),
        ("县城区新增公办义务教育学位", "1800", "个"),
        ("污水管网改造", "3.1", "公里"),
        ("农村改厕", "2800", "座"),
        ("新增农村自来水覆盖人口", "2", "万人"),
        ("村网台建设", "60", "个"),
        ("三级综合医院ICU床位占总床位比例", "4", "%"),
        ("全县国考断面水质优良率（三类以上比例）", "100", "%"),
    ],
)
def test_it_carries_the_plan_targets(plan_2023, name, target, measure):
    item = indicator(name)
    assert item.target_value == Decimal(target)
    assert item.measure == measure


def test_it_nests_the_of_which_indicator_under_its_parent(plan_2023):
    subset = indicator("其中创业培训")
    assert subset.kind == Indicator.Kind.SUBSET
    assert subset.parent == indicator("补贴性职业技能培训")
    assert subset.target_value == Decimal("770")


@pytest.mark.parametrize(
    ("name", "baseline", "target"),
    [
        ("城乡低保标准", "600", "650"),
        ("农村低保标准", "4600", "5000"),
        ("困难残疾人生活补贴标准", "75", "80"),
        ("重度残疾人护理补贴标准", "75", "80"),
        ("散居孤儿基本生活最低保障标准", "950", "1100"),
        ("集中养育孤儿基本生活最低保障标准", "1350", "1500"),
    ],
)
def test_it_keeps_standards_with_their_baseline(plan_2023, name, baseline, target):
    item = indicator(name)
    assert item.kind == Indicator.Kind.STANDARD
    assert (item.baseline_value, item.target_value) == (Decimal(baseline), Decimal(target))


def test_it_keeps_air_quality_as_improvement_on_its_baseline(plan_2023):
    item = indicator("全县空气质量优良率")
    assert item.operator == Indicator.Operator.IMPROVE_ON_BASELINE
    assert item.baseline_value == Decimal("88.2")
    assert not item.is_target_pending


@pytest.mark.parametrize(
    "name",
    [
        "上线服务事项",
        "其中“一网通办”事项",
        "集成可应用的电子证照种类",
        "用户数",
        "普通国省道安防精细化提升",
        "新增蓄水能力",
        "恢复和改善灌溉面积",
        "县城区新增停车位",
        "新建充电桩",
        "基本养老保险参保人数",
    ],
)
def test_it_leaves_blank_targets_pending_not_zero(plan_2023, name):
    item = indicator(name)
    assert item.target_value is None
    assert item.is_target_pending
    assert item.target_display == "待下达"


def test_it_counts_milestones_by_stage(plan_2023):
    item = indicator("启动县域普通高中一校一栋建筑项目")
    assert item.kind == Indicator.Kind.MILESTONE
    assert item.target_stage == Indicator.Stage.STARTED
    assert "2024年全面建成" in item.target_text


def test_it_splits_item_ten_into_five_rows(plan_2023):
    rows = TaskRow.objects.filter(project__tier__kind=Tier.Kind.PROVINCIAL, project__number=10)
    assert [row.lead_unit.name for row in rows] == [
        "县交通运输局",
        "国网隆回供电公司",
        "县科工信局",
        "县水利局",
        "市生态环境局隆回分局",
    ]


def test_it_gives_rural_roads_two_lead_units(plan_2023):
    row = TaskRow.objects.get(project__tier__kind=Tier.Kind.PROVINCIAL, project__number=10, position=1)
    co_leads = [party.unit.name for party in row.parties.filter(role="co_lead")]
    assert (row.lead_unit.name, co_leads) == ("县交通运输局", ["县公路建设养护中心"])


def test_it_splits_item_nine_between_housing_and_the_grid(plan_2023):
    rows = TaskRow.objects.filter(project__tier__kind=Tier.Kind.PROVINCIAL, project__number=9)
    assert [(row.lead_unit.name, row.leader.name) for row in rows] == [
        ("县住建局", "杨喜国"),
        ("国网隆回供电公司", "王兰鹏"),
    ]


def test_it_keeps_the_texts_responsible_units_for_item_eight_and_notes_the_difference(plan_2023):
    project = Project.objects.get(tier__kind=Tier.Kind.PROVINCIAL, number=8)
    row = project.task_rows.get(position=1)
    names = [str(party) for party in row.parties.all()]
    assert names == [
        "县教育局",
        "县民政局",
        "县财政局",
        "县卫健局",
        "县医疗保障局",
        "各乡镇人民政府、街道办事处",
    ]
    assert "附表" in project.note and "附表" in row.note


def test_it_treats_the_grid_company_written_two_ways_as_one_unit(plan_2023):
    alias = UnitAlias.objects.get(alias="国网供电隆回分公司")
    village_network = TaskRow.objects.get(project__tier__kind=Tier.Kind.COUNTY, project__number=8)
    assert alias.unit.name == "国网隆回供电公司"
    assert village_network.lead_unit == alias.unit
    assert not Unit.objects.filter(name="国网供电隆回分公司").exists()


@pytest.mark.parametrize(
    ("tier", "number", "leader"),
    [
        (Tier.Kind.PROVINCIAL, 1, "张胤"),
        (Tier.Kind.PROVINCIAL, 2, "王兰鹏"),
        (Tier.Kind.PROVINCIAL, 3, "王兰鹏"),
        (Tier.Kind.PROVINCIAL, 4, "刘琴"),
        (Tier.Kind.PROVINCIAL, 5, "刘琴"),
        (Tier.Kind.PROVINCIAL, 6, "张胤"),
        (Tier.Kind.PROVINCIAL, 7, "张胤"),
        (Tier.Kind.PROVINCIAL, 8, "张胤"),
    ],
)
def test_it_names_the_leaders_of_the_matrix(plan_2023, tier, number, leader):
    rows = TaskRow.objects.filter(project__tier__kind=tier, project__number=number)
    assert {row.leader.name for row in rows} == {leader}


def test_it_leaves_leaders_the_matrix_does_not_name_missing(plan_2023):
    missing = TaskRow.objects.filter(project__tier__plan_year=plan_2023, leader__isnull=True)
    assert missing.count() == 5 + 7 + 8 + 3
    assert not missing.filter(project__tier__kind=Tier.Kind.PROVINCIAL, project__number__lt=10).exists()


@pytest.mark.parametrize(
    ("unit", "person"),
    [
        ("县教育局", "李良"),
        ("县发改局", "彭文波"),
        ("县财政局", "范志海"),
        ("县人社局", "王柏玉"),
        ("县住建局", "周玉科"),
        ("县自然资源局", "李金平"),
        ("县行政审批服务局", "刘振华"),
        ("县妇联", "唐荷花"),
        ("县卫健局", "简丽华"),
        ("县医疗保障局", "胡国胜"),
        ("县民政局", "张诚"),
        ("县残联", "丁守校"),
        ("国网隆回供电公司", "岳涛"),
    ],
)
def test_it_names_each_units_responsible_person(plan_2023, unit, person):
    assert ResponsiblePerson.objects.get(plan_year=plan_2023, unit__name=unit).person.name == person


def test_it_carries_the_task_force(plan_2023):
    force = plan_2023.task_force
    assert (force.convener.name, force.convener.title) == ("王燕民", "副主任")
    assert force.deputy_convener.name == "王柏玉"
    assert force.office_unit.name == "县人社局"
    assert (force.office_director.name, force.liaison.name) == ("谭小红", "罗国良")
    assert force.member_units.count() == 21
    assert force.member_units.filter(name="县统计局").exists()


def test_it_leaves_the_townships_for_the_office_to_name(plan_2023):
    assert list(Unit.objects.filter(kind=Unit.Kind.TOWNSHIP).values_list("name", flat=True)) == [
        "金石桥镇人民政府"
    ]
    assert not Unit.objects.filter(kind=Unit.Kind.SUBDISTRICT).exists()
