"""The admin shows figures and their history but offers no path around the workflow."""

import pytest
from django.urls import reverse

from demo.services import create_demo_accounts, create_demo_figures
from reporting.models import Figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(plan_2023):
    create_demo_accounts(require_password_change=False)
    create_demo_figures(plan_year=plan_2023, months=2)


@pytest.fixture
def office_client(client, demo, django_user_model):
    client.force_login(django_user_model.objects.get(username="zhuanban"))
    return client


@pytest.mark.parametrize(
    "name",
    [
        "submission",
        "contribution",
        "figure",
        "reviewevent",
        "reportingmonth",
        "workcalendarday",
    ],
)
def test_it_lists_reporting_models_for_the_office(office_client, name):
    assert office_client.get(reverse(f"admin:reporting_{name}_changelist")).status_code == 200


def test_it_lists_the_roles_for_the_office(office_client):
    assert office_client.get(reverse("admin:accounts_membership_changelist")).status_code == 200


def test_it_shows_the_history_of_a_figure(office_client):
    figure = Figure.objects.first()
    response = office_client.get(reverse("admin:reporting_figure_history", args=[figure.pk]))
    assert response.status_code == 200


def test_it_refuses_to_change_a_figure_through_the_admin(office_client):
    figure = Figure.objects.filter(value__isnull=False).first()
    url = reverse("admin:reporting_figure_change", args=[figure.pk])
    response = office_client.post(url, {"value": "999999"})
    figure.refresh_from_db()
    assert response.status_code == 403
    assert figure.value != 999999


def test_it_keeps_figure_list_queries_flat(office_client, django_assert_max_num_queries):
    # 11 for the page, 3 for the session saved on every request (SESSION_SAVE_EVERY_REQUEST).
    with django_assert_max_num_queries(14):
        office_client.get(reverse("admin:reporting_figure_changelist"))
