"""How each kind of indicator is judged against time progress (序时进度)."""

from decimal import Decimal

import pytest

from projects.models import Indicator
from reporting.progress import Status, Thresholds, judge, stage_rule_table, time_progress

pytestmark = pytest.mark.django_db

NOVEMBER = time_progress(year=2023, month=11)


def indicator(name: str) -> Indicator:
    return Indicator.objects.get(name=name, task_row__project__tier__plan_year__year=2023)


def status(name, value=None, stage=None, elapsed=NOVEMBER, **kwargs):
    value = None if value is None else Decimal(str(value))
    return judge(indicator(name), value=value, stage=stage, elapsed=elapsed, **kwargs)


def test_it_takes_time_progress_at_the_twentieth():
    assert time_progress(year=2023, month=1) == Decimal("5.5")
    assert time_progress(year=2023, month=11) == Decimal("88.8")


def test_it_takes_december_short_of_a_full_year():
    assert time_progress(year=2023, month=12) == Decimal("97.0")


def test_it_counts_leap_years():
    assert time_progress(year=2024, month=3) == Decimal("21.9")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (4650, Status.DONE),
        (5000, Status.DONE),
        (4000, Status.ON_TRACK),
        (3500, Status.BEHIND),
        (2000, Status.SERIOUSLY_BEHIND),
        (0, Status.NOT_STARTED),
        (None, Status.NOT_REPORTED),
    ],
)
def test_it_judges_a_quantity_against_time_progress(plan_2023, value, expected):
    assert status("城镇新增就业", value).status == expected


def test_it_reports_completion_beyond_the_target(plan_2023):
    assert status("城镇新增就业", 9300).completion == Decimal("200.0")


def test_it_cannot_judge_a_pending_target(plan_2023):
    judgement = status("新建充电桩", 50)
    assert judgement.status == Status.PENDING
    assert judgement.completion is None


def test_it_judges_against_an_adjusted_target(plan_2023):
    assert status("新建充电桩", 50, target=Decimal(50)).status == Status.DONE


def test_it_takes_a_reached_standard_as_done(plan_2023):
    assert status("城乡低保标准", 650).status == Status.DONE


def test_it_judges_an_unreached_standard_by_its_move_from_the_baseline(plan_2023):
    judgement = status("城乡低保标准", 600)
    assert (judgement.status, judgement.completion) == (Status.SERIOUSLY_BEHIND, Decimal("0.0"))


def test_it_judges_a_ratio_against_its_threshold_in_any_month(plan_2023):
    assert status("三级综合医院ICU床位占总床位比例", 4.1, elapsed=Decimal(5)).status == Status.DONE
    assert status("三级综合医院ICU床位占总床位比例", 3.5, elapsed=Decimal(5)).status == Status.BEHIND


def test_it_judges_improvement_on_a_baseline_as_ongoing_until_year_end(plan_2023):
    assert status("全县空气质量优良率", 90.1).status == Status.ON_TRACK
    assert status("全县空气质量优良率", 88.2).status == Status.BEHIND
    assert status("全县空气质量优良率", 90.1, year_end=True).status == Status.DONE


def test_it_judges_a_milestone_by_its_stage(plan_2023):
    assert status("县城城东学校", stage=Indicator.Stage.COMPLETED).status == Status.DONE
    assert status("县城城东学校", stage=Indicator.Stage.UNDERWAY).status == Status.BEHIND
    assert status("启动县域普通高中一校一栋建筑项目", stage=Indicator.Stage.STARTED).status == Status.DONE
    assert status("县城城东学校", stage=Indicator.Stage.NOT_STARTED).status == Status.NOT_STARTED
    assert status("县城城东学校", stage=None).status == Status.NOT_REPORTED


@pytest.mark.parametrize(
    "name",
    [
        "行政村5G网络和千兆光纤网络覆盖",
        "20户以上自然村4G网络覆盖",
        "企业职工基本养老保险全国统筹及“两率”水平",
    ],
)
def test_it_never_calls_an_ongoing_milestone_done_before_year_end(plan_2023, name):
    for stage in (Indicator.Stage.UNDERWAY, Indicator.Stage.COMPLETED):
        assert status(name, stage=stage, elapsed=Decimal(97)).status == Status.ON_TRACK
    assert status(name, stage=Indicator.Stage.STARTED).status == Status.BEHIND
    assert status(name, stage=Indicator.Stage.UNDERWAY, year_end=True).status == Status.DONE


def test_its_milestone_table_is_what_judge_decides(plan_2023):
    table = {(rule.target, rule.reached): (rule.completion, rule.status) for rule in stage_rule_table()}
    assert table[("已完成", "推进中")] == ("66.7%", "对照序时进度判定（正常推进、滞后或严重滞后）")
    assert table[("已启动", "已启动")] == ("100%", "已完成")
    assert table[("推进中（持续推进类）", "推进中")] == ("—", "正常推进")
    assert table[("推进中（持续推进类）", "已启动")] == ("—", "滞后")
    assert len(table) == 12


def test_it_uses_the_years_thresholds(plan_2023):
    strict = Thresholds(amber_gap=Decimal(5), red_gap=Decimal(10))
    assert status("城镇新增就业", 3500, limits=strict).status == Status.SERIOUSLY_BEHIND
    assert status("城镇新增就业", 3500).status == Status.BEHIND
