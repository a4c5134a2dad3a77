"""Every dashboard answers in the same number of queries for a small year and a very large one."""

import uuid
from datetime import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demo.services import create_demo_accounts, create_demo_figures
from projects.models import Indicator, Person, Project, TaskRow, Unit
from reporting.calendar.deadlines import ensure_reporting_months
from reporting.models import Contribution, Figure, ReviewEvent, Submission

pytestmark = pytest.mark.django_db

EXTRA_ROWS = 400
INDICATORS_PER_ROW = 10  # 4,000 more indicators, beside the plan's 66


@pytest.fixture
def users(plan_2023, django_user_model):
    create_demo_accounts(require_password_change=False)
    create_demo_figures(plan_year=plan_2023, months=9)
    return {name: django_user_model.objects.get(username=name) for name in ("zhangyin", "zhuanban")}


def grow(plan_year, *, office) -> int:
    """Thousands of indicators under the existing projects, each with forwarded figures for Jul–Aug."""
    projects = list(Project.objects.filter(tier__plan_year=plan_year))
    units = list(Unit.objects.filter(kind=Unit.Kind.COUNTY_DEPARTMENT))
    leaders = list(Person.objects.filter(name__in=["张胤", "王兰鹏", "刘琴", "杨喜国"])) + [None]
    batch = f"EXTRA-{uuid.uuid4().hex[:8]}"  # bulk_create gives no code of its own
    rows = TaskRow.objects.bulk_create(
        TaskRow(
            project=projects[number % len(projects)],
            position=100 + number,
            title=f"附加任务{number}",
            code=f"{batch}-R{number}",
            lead_unit=units[number % len(units)],
            leader=leaders[number % len(leaders)],
        )
        for number in range(EXTRA_ROWS)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            task_row=row,
            position=position,
            code=f"{row.code}-I{position}",
            name=f"附加指标{row.position}-{position}",
            kind=Indicator.Kind.QUANTITY,
            measure="个",
            target_value=Decimal(100),
        )
        for row in rows
        for position in range(1, INDICATORS_PER_ROW + 1)
    )
    by_row: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        by_row.setdefault(indicator.task_row_id, []).append(indicator)
    months = ensure_reporting_months(plan_year=plan_year)
    for month, share in ((7, 40), (8, 45)):
        moment = timezone.make_aware(datetime(plan_year.year, month, 21, 10, 0))
        submissions = Submission.objects.bulk_create(
            Submission(
                reporting_month=months[month - 1],
                task_row=row,
                status=Submission.Status.FORWARDED,
                submitted_at=moment,
                first_submitted_at=moment,
                on_time=row.position % 3 != 0,
                is_demo=True,
            )
            for row in rows
        )
        contributions = Contribution.objects.bulk_create(
            Contribution(submission=submission, unit_id=submission.task_row.lead_unit_id)
            for submission in submissions
        )
        Figure.objects.bulk_create(
            Figure(contribution=contribution, indicator=indicator, value=Decimal(share + indicator.position))
            for contribution in contributions
            for indicator in by_row[contribution.submission.task_row_id]
        )
        ReviewEvent.objects.bulk_create(
            ReviewEvent(submission=submission, action="return", actor=office, at=moment, reason="请补充")
            for submission in submissions[::7]
        )
    return len(indicators)


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def urls() -> list[str]:
    employment = Indicator.objects.get(name="城镇新增就业", task_row__project__tier__plan_year__year=2023)
    leader = Person.objects.get(name="张胤")
    unit = Unit.objects.get(name="县住建局")
    pages = [
        reverse("reporting:dashboard"),
        reverse("reporting:dashboard_indicators"),
        reverse("reporting:dashboard_indicator", args=[employment.pk]),
        reverse("reporting:dashboard_leaders"),
        reverse("reporting:dashboard_leader", args=[leader.pk]),
        reverse("reporting:dashboard_leader", args=["none"]),
        reverse("reporting:dashboard_units"),
        reverse("reporting:dashboard_unit", args=[unit.pk]),
        reverse("reporting:dashboard_timeliness"),
        reverse("reporting:dashboard_escalations"),
        reverse("reporting:dashboard_notice_export"),
    ]
    return [f"{page}?year=2023" for page in pages] + [f"{reverse('reporting:dashboard')}?year=2023&month=9"]


def test_it_keeps_each_dashboards_queries_flat_as_the_year_grows(users, plan_2023, django_assert_num_queries):
    office, leader = Client(), Client()
    office.force_login(users["zhuanban"])
    leader.force_login(users["zhangyin"])
    landing = reverse("reporting:dashboard_leader", args=[users["zhangyin"].membership.person_id])
    small = {(office, url): count(office, url) for url in urls()}
    small[(leader, landing)] = count(leader, landing)

    added = grow(plan_2023, office=users["zhuanban"])

    assert added == EXTRA_ROWS * INDICATORS_PER_ROW
    assert Indicator.objects.filter(task_row__project__tier__plan_year=plan_2023).count() > 4000
    for (client, url), expected in small.items():
        with django_assert_num_queries(expected):
            response = client.get(url)
        assert response.status_code == 200, url
