"""The office completes the plan from the browser, through the admin."""

import pytest
from django.urls import reverse

from projects.models import Indicator, Project, Unit

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "admin:projects_planyear_changelist",
    "admin:projects_tier_changelist",
    "admin:projects_unit_changelist",
    "admin:projects_unitgroup_changelist",
    "admin:projects_person_changelist",
    "admin:projects_responsibleperson_changelist",
    "admin:projects_taskforce_changelist",
    "admin:projects_project_changelist",
    "admin:projects_taskrow_changelist",
    "admin:projects_indicator_changelist",
]


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("sysadmin", "a@example.com", "x"))
    return client


@pytest.mark.parametrize("name", LIST_PAGES)
def test_it_lists_every_plan_model_in_chinese(superuser_client, plan_2023, name):
    response = superuser_client.get(reverse(name))
    assert response.status_code == 200
    assert "隆回县重点民生实事调度平台" in response.content.decode()


def test_it_marks_pending_targets_in_the_indicator_list(superuser_client, plan_2023):
    response = superuser_client.get(reverse("admin:projects_indicator_changelist"), {"target": "pending"})
    assert "待下达" in response.content.decode()
    assert response.context["cl"].result_count == 12


def test_it_marks_missing_leaders(superuser_client, plan_2023):
    response = superuser_client.get(reverse("admin:projects_taskrow_changelist"), {"leader_missing": "yes"})
    assert "待补充" in response.content.decode()


def test_it_lets_the_office_fill_a_pending_target_and_keeps_history(superuser_client, plan_2023):
    item = Indicator.objects.get(name="新建充电桩")
    url = reverse("admin:projects_indicator_change", args=[item.pk])
    form = superuser_client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(target_value="120", task_row=item.task_row_id)
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    item.refresh_from_db()
    assert item.target_value == 120
    latest = item.history.first()
    assert latest.history_user.username == "sysadmin"


def test_it_lets_the_office_add_a_township(superuser_client, plan_2023):
    response = superuser_client.post(
        reverse("admin:projects_unit_add"),
        {
            "name": "桃洪镇人民政府",
            "kind": "township",
            "is_active": "on",
            "note": "",
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Unit.objects.get(name="桃洪镇人民政府").kind == "township"


def test_it_shows_history_of_a_project(superuser_client, plan_2023):
    project = Project.objects.first()
    response = superuser_client.get(reverse("admin:projects_project_history", args=[project.pk]))
    assert response.status_code == 200
