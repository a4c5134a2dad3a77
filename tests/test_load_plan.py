import io

import pytest
from django.core.management import CommandError, call_command

from projects.models import Indicator, PlanYear, Project, TaskRowParty, Unit

pytestmark = pytest.mark.django_db


def run_load_plan(*args) -> str:
    out = io.StringIO()
    call_command("load_plan", *args, stdout=out)
    return out.getvalue()


def table_sizes() -> dict:
    return {
        model.__name__: model.objects.count() for model in (PlanYear, Project, Indicator, TaskRowParty, Unit)
    }


def test_it_changes_nothing_when_run_twice(plan_2023):
    before = table_sizes()
    history_before = Indicator.history.count()
    output = run_load_plan()
    assert "无改动" in output
    assert table_sizes() == before
    assert Indicator.history.count() == history_before


def test_it_keeps_a_target_the_office_filled_in(plan_2023):
    item = Indicator.objects.get(name="新建充电桩")
    item.target_value = 120
    item.save()
    run_load_plan()
    item.refresh_from_db()
    assert item.target_value == 120


def test_it_records_history_of_each_loaded_row(plan_2023):
    record = Indicator.history.filter(name="城镇新增就业").get()
    assert record.history_type == "+"
    assert record.history_change_reason == "载入方案文件"


def test_it_refuses_a_missing_file_in_chinese(db):
    with pytest.raises(CommandError, match="找不到方案文件"):
        run_load_plan("/nonexistent/plan.json")


def test_it_refuses_a_broken_file_and_writes_nothing(db, tmp_path):
    broken = tmp_path / "plan.json"
    broken.write_text(
        '{"year": 2030, "title": "x", "adjustment_deadline": "2030-09-15", "units": [], '
        '"groups": [], "people": [{"name": "某人", "unit": "不存在的单位"}]}',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="未定义的单位"):
        run_load_plan(str(broken))
    assert not PlanYear.objects.filter(year=2030).exists()
