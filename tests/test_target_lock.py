"""The target lock: once a year has locked figures, targets change only through 指标调整.

An admin edit of 城镇新增就业's target (4650 → 9999) silently turned the forwarded March report's
completion rate from 8.9 % to 4.1 %. From the first locked figure on, the target fields are
read-only in the admin, a crafted POST, a history revert, a plan file or an import changes none
of them, and an approved adjustment is in force only from its effective month.
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
import tablib
from django.urls import reverse
from django.utils import timezone

from evaluation import adjustments
from evaluation.adjustments import ProposedLine
from projects import target_lock, targets
from projects.admin import IndicatorResource
from projects.models import Indicator
from projects.services import BUNDLED_PLANS_DIR, PlanFileError, load_plan, read_plan_file
from reporting.models import ReportingMonth, Submission, rows_with_locked_figures
from tests.roles import EMPLOYMENT, client_for, indicator, provincial_row, submission_in

pytestmark = pytest.mark.django_db

LOCKED_HELP = "本年度已有锁定的月度数据，目标须通过“指标调整”修改"


@pytest.fixture(name="employment")
def employment_fixture(employment_row) -> Indicator:
    """城镇新增就业, 4650 人 in the plan."""
    return indicator(employment_row, EMPLOYMENT)


@pytest.fixture(name="verified_march")
def verified_march_fixture(employment_row, march, renshe_liaison, office_user, statistics_user):
    return submission_in(
        Submission.Status.VERIFIED,
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )


def change_url(item: Indicator) -> str:
    return reverse("admin:projects_indicator_change", args=[item.pk])


def posted_form(client, url: str) -> dict:
    """What the change page would post back unchanged."""
    form = client.get(url).context["adminform"].form
    return {key: value for key, value in form.initial.items() if value is not None}


def target_values(item: Indicator) -> set[Decimal]:
    return set(item.history.values_list("target_value", flat=True))


def forward_month_as_a_whole(month: ReportingMonth, user) -> None:
    """The month closed as a whole (ReportingMonth.forwarded_at), as the forwarding service records it."""
    ReportingMonth.objects.filter(pk=month.pk).update(forwarded_at=timezone.now(), forwarded_by=user)


def bundled_plan(**employment) -> dict:
    """The bundled plan file, with 城镇新增就业's entry changed as given."""
    data = read_plan_file(BUNDLED_PLANS_DIR / "plan_2023.json")
    for tier in data["tiers"]:
        for project in tier["projects"]:
            for row in project["rows"]:
                for item in row["indicators"]:
                    if item["name"] == EMPLOYMENT:
                        item.update(employment)
    return data


# --- the rule -----------------------------------------------------------------------------------


def test_it_locks_on_the_condition_reporting_states():
    assert target_lock.locked_rows_q() == rows_with_locked_figures()


def test_it_leaves_targets_unlocked_while_the_row_waits_for_review(
    employment, employment_row, march, renshe_liaison, office_user, statistics_user
):
    submission_in(
        Submission.Status.SUBMITTED,
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )

    assert not target_lock.targets_locked(employment)


def test_it_locks_the_targets_of_a_row_with_a_verified_month(employment, verified_march):
    assert target_lock.targets_locked(employment)


def test_it_locks_every_target_of_a_year_with_a_forwarded_month(plan_2023, march, office_user):
    elderly_care = provincial_row(plan_2023, 6).indicators.first()
    assert not target_lock.targets_locked(elderly_care)

    forward_month_as_a_whole(march, office_user)

    assert target_lock.targets_locked(elderly_care)


# --- the admin ----------------------------------------------------------------------------------


def test_it_lets_the_admin_edit_a_target_before_any_month_is_locked(superuser, employment):
    page = client_for(superuser).get(change_url(employment)).content.decode()

    assert 'name="target_value"' in page
    assert LOCKED_HELP not in page


def test_it_shows_the_target_fields_read_only_once_the_row_has_a_verified_month(
    superuser, employment, verified_march
):
    page = client_for(superuser).get(change_url(employment)).content.decode()

    for name in ("target_value", "target_stage", "target_text", "operator", "baseline_value", "kind"):
        assert f'name="{name}"' not in page


def test_it_links_the_locked_target_fields_to_the_adjustment_form(superuser, employment, verified_march):
    page = client_for(superuser).get(change_url(employment)).content.decode()

    assert LOCKED_HELP in page
    assert f'href="{reverse("evaluation:adjustment_new")}?year=2023"' in page


def test_it_ignores_a_crafted_post_of_a_new_locked_target(superuser, employment, verified_march):
    client = client_for(superuser)
    data = posted_form(client, change_url(employment))
    data.update(target_value="9999", task_row=employment.task_row_id, note="改目标")

    response = client.post(change_url(employment), data)

    assert response.status_code == 302
    employment.refresh_from_db()
    assert employment.target_value == 4650
    assert employment.note == "改目标"  # the rest of the form is saved
    assert target_values(employment) == {Decimal(4650)}


def test_it_refuses_to_restore_an_old_target_from_the_history_page(
    superuser, employment, employment_row, march, renshe_liaison, office_user, statistics_user
):
    client = client_for(superuser)
    planned_version = employment.history.latest()
    data = posted_form(client, change_url(employment))
    data.update(target_value="5000", task_row=employment.task_row_id)
    assert client.post(change_url(employment), data).status_code == 302
    submission_in(
        Submission.Status.VERIFIED,
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )
    revert_url = reverse(
        "admin:projects_indicator_simple_history", args=[employment.pk, planned_version.history_id]
    )
    data = posted_form(client, revert_url)
    data.update(task_row=employment.task_row_id)

    response = client.post(revert_url, data)

    assert response.status_code == 200
    assert f"“城镇新增就业”的目标值未修改：{LOCKED_HELP}。" in response.content.decode()
    employment.refresh_from_db()
    assert employment.target_value == 5000


def test_it_shows_the_indicator_inline_targets_read_only_on_a_locked_row(
    superuser, employment_row, verified_march
):
    url = reverse("admin:projects_taskrow_change", args=[employment_row.pk])

    response = client_for(superuser).get(url)

    page = response.content.decode()
    assert 'name="indicators-0-target_value"' not in page
    assert 'name="indicators-0-name"' in page
    assert LOCKED_HELP in page
    indicators = next(f for f in response.context["inline_admin_formsets"] if f.opts.model is Indicator)
    assert not indicators.has_add_permission


def test_it_lets_the_indicator_inline_edit_targets_before_any_month_is_locked(superuser, employment_row):
    url = reverse("admin:projects_taskrow_change", args=[employment_row.pk])

    page = client_for(superuser).get(url).content.decode()

    assert 'name="indicators-0-target_value"' in page
    assert LOCKED_HELP not in page


# --- the plan file and imports ------------------------------------------------------------------


def test_it_refuses_a_plan_file_that_changes_a_locked_target_and_loads_nothing(
    plan_2023, employment, verified_march
):
    data = bundled_plan(target="9999", plan_text="完成城镇新增就业9999人")

    with pytest.raises(PlanFileError) as refused:
        load_plan(data=data, overwrite=True)

    assert str(refused.value) == f"方案文件未载入：“城镇新增就业”的目标值未修改：{LOCKED_HELP}。"
    employment.refresh_from_db()
    assert (employment.target_value, employment.plan_text) == (4650, "完成城镇新增就业4650人")


def test_it_loads_a_plan_file_that_changes_a_target_before_any_month_is_locked(plan_2023, employment):
    load_plan(data=bundled_plan(target="4700"), overwrite=True)

    employment.refresh_from_db()
    assert employment.target_value == 4700


def test_it_refuses_an_import_that_changes_a_locked_target(employment, verified_march):
    resource = IndicatorResource()
    dataset = resource.export(queryset=Indicator.objects.filter(pk=employment.pk))
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    row["target_value"] = "9999"
    changed = tablib.Dataset(list(row.values()), headers=list(row))

    result = resource.import_data(changed, dry_run=False)

    assert result.has_validation_errors()
    assert LOCKED_HELP in str(result.invalid_rows[0].error)
    employment.refresh_from_db()
    assert employment.target_value == 4650


# --- adjustments keep earlier months --------------------------------------------------------------


def test_it_keeps_the_plan_target_before_an_adjustments_effective_month(
    plan_2023, zhujian_liaison, office_user
):
    renewal = Indicator.objects.get(
        task_row__project__tier__plan_year=plan_2023, name="污水管网改造"
    )  # 3.1 公里
    new = Indicator.objects.get(task_row__project__tier__plan_year=plan_2023, name="新建污水管网")  # 14 公里
    adjustment = adjustments.file_adjustment(
        user=zhujian_liaison,
        plan_year=plan_2023,
        reason="汛期强降雨导致部分路段无法施工。",
        force_majeure="2023年6月特大暴雨，施工现场被淹。",
        effective_month=7,
        lines=[ProposedLine(renewal, Decimal("2.1")), ProposedLine(new, Decimal(15))],
        now=timezone.make_aware(datetime(2023, 6, 20, 10, 0)),
    )
    adjustments.review_adjustment(user=office_user, adjustment_id=adjustment.pk, passed=True, opinion="")
    adjustments.record_decision(
        user=office_user,
        adjustment_id=adjustment.pk,
        approved=True,
        decided_on=date(2023, 6, 28),
        decision_by="县人民政府常务会议",
        document_number="隆政函〔2023〕30号",
    )

    by_month = {
        month: targets.targets_for_month(plan_year=plan_2023, month=month)[renewal.pk]
        for month in range(1, 13)
    }
    steps = targets.target_history(plan_year=plan_2023)[renewal]

    assert {by_month[month] for month in range(1, 7)} == {Decimal("3.1")}
    assert {by_month[month] for month in range(7, 13)} == {Decimal("2.1")}
    assert targets.target_at(steps, planned=renewal.target_value, month=6) == Decimal("3.1")
    assert targets.target_at(steps, planned=renewal.target_value, month=7) == Decimal("2.1")
    renewal.refresh_from_db()
    assert renewal.target_value == Decimal("3.1")  # the plan target itself is never rewritten


def test_it_refuses_a_new_indicator_on_a_row_with_locked_figures(superuser, employment, verified_march):
    before = employment.task_row.indicators.count()

    response = client_for(superuser).post(
        reverse("admin:projects_indicator_add"),
        {
            "task_row": employment.task_row_id,
            "position": 99,
            "name": "新增指标",
            "kind": "quantity",
            "operator": "gte",
            "decimal_places": 0,
            "target_value": "10",
        },
    )

    assert response.status_code == 200
    assert "本行已有锁定的月度数据，不能再新增指标" in response.content.decode()
    assert employment.task_row.indicators.count() == before
