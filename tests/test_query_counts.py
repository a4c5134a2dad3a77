"""Pages answer in a fixed number of queries, whatever the amount of data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo.services import create_demo_accounts, create_demo_figures
from projects.models import Indicator, Project, TaskRow, Unit
from projects.services import copy_plan_year
from reporting.calendar.deadlines import ensure_reporting_months
from reporting.forms import field_name
from reporting.models import Contribution, Figure, Submission
from reporting.selectors import entry_sheet

pytestmark = pytest.mark.django_db


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.fixture
def users(plan_2023, django_user_model):
    create_demo_accounts(require_password_change=False)
    return {name: django_user_model.objects.get(username=name) for name in ("renshe", "zhuanban")}


def add_reported_rows(plan_year, *, count: int) -> None:
    """More task rows led by 县人社局, each with a figure for February."""
    project = Project.objects.get(tier__plan_year=plan_year, tier__kind="provincial", number=3)
    unit = Unit.objects.get(name="县人社局")
    february = ensure_reporting_months(plan_year=plan_year)[1]
    for position in range(10, 10 + count):
        row = TaskRow.objects.create(
            project=project, position=position, title=f"附加任务{position}", lead_unit=unit
        )
        indicator = Indicator.objects.create(
            task_row=row,
            position=1,
            name=f"附加指标{position}",
            kind="quantity",
            measure="人",
            target_value=100,
        )
        submission = Submission.objects.create(reporting_month=february, task_row=row, is_demo=True)
        contribution = Contribution.objects.create(submission=submission, unit=unit)
        Figure.objects.create(contribution=contribution, indicator=indicator, value=10)


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("renshe", "/report/?year=2023&month=2"),
        ("zhuanban", "/review/?year=2023&month=2"),
        ("zhuanban", "/exports/responsibility-matrix.xlsx?year=2023"),
    ],
)
def test_it_keeps_page_queries_flat_as_data_grows(client, users, plan_2023, username, url):
    client.force_login(users[username])
    create_demo_figures(plan_year=plan_2023, months=2)
    small = count_queries(client, url)
    add_reported_rows(plan_2023, count=6)
    copy_plan_year(source=plan_2023, year=2024)
    large = count_queries(client, url)
    assert large == small


def whole_form(user, month) -> dict:
    """Every open field of the unit's monthly form filled, each figure explained."""
    data = {}
    for row in entry_sheet(unit=user.membership.unit, reporting_month=month):
        if not row.is_open:
            continue
        data[field_name(row.task_row.pk, "version")] = str(row.version)
        data[field_name(row.task_row.pk, "progress")] = "按计划推进。"
        for item in row.indicators:
            data[field_name(row.task_row.pk, "explanation", item.pk)] = "口径调整"
            if item.kind == Indicator.Kind.MILESTONE:
                data[field_name(row.task_row.pk, "stage", item.pk)] = "1"
            else:
                data[field_name(row.task_row.pk, "value", item.pk)] = "0"
    return data


def count_save(client, user, month) -> int:
    data = whole_form(user, month)
    with CaptureQueriesContext(connection) as context:
        response = client.post(f"/report/?year=2023&month={month.month}", data)
    assert response.status_code == 302
    assert Figure.objects.filter(contribution__submission__reporting_month=month).exists()
    return len(context.captured_queries)


def test_a_monthly_save_takes_the_same_queries_for_a_longer_form(client, users, plan_2023):
    client.force_login(users["renshe"])
    months = ensure_reporting_months(plan_year=plan_2023)
    shorter = count_save(client, users["renshe"], months[2])
    add_reported_rows(plan_2023, count=6)
    longer = count_save(client, users["renshe"], months[3])
    rows = len(entry_sheet(unit=users["renshe"].membership.unit, reporting_month=months[3]))
    assert rows >= 10  # six rows more than the first form, every one of them saved
    assert longer == shorter
