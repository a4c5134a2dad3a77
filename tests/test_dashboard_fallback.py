"""The boards when a month is not in: the latest counted figure, 本月新增, the month shown, the rules."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Indicator
from reporting.dashboards.basis import dashboard_basis
from reporting.dashboards.board import board
from reporting.dashboards.indicator import indicator_months
from reporting.increments import increment
from reporting.models import Submission
from reporting.progress import Status
from tests.roles import client_for
from tests.test_dashboards import EMPLOYMENT, item, line_of, put

pytestmark = pytest.mark.django_db

VERIFIED = Submission.Status.VERIFIED
APPROVED = Submission.Status.APPROVED
SUBMITTED = Submission.Status.SUBMITTED
# Another row's indicator, forwarded in April so that April is the month the boards show.
OTHER = "康复救助残疾儿童"
# A milestone: judged by the stage reached, with the milestone table beside its light.
MILESTONE_KIND = Indicator.Kind.MILESTONE


def march_in_april_not(plan_year, *, march_status=Submission.Status.FORWARDED):
    """城镇新增就业 counted in March (1257人); April is forwarded for another row only."""
    put(plan_year, 3, {EMPLOYMENT: 1257}, status=march_status)
    put(plan_year, 4, {OTHER: 40})


def page(user, name: str, *args, query: str = "year=2023") -> str:
    response = client_for(user).get(f"{reverse(name, args=args)}?{query}")
    assert response.status_code == 200
    return response.content.decode()


# --- the latest counted figure when the month is not in ------------------------------------------


def test_it_shows_the_latest_counted_figure_with_its_month(plan_2023):
    march_in_april_not(plan_2023)

    line = line_of(board(plan_year=plan_2023, month=4), EMPLOYMENT)

    assert line.value_display == "1257人（截至3月）"
    assert (line.latest_month, line.latest.value) == (3, Decimal(1257))


def test_it_calls_the_month_not_reported(plan_2023):
    march_in_april_not(plan_2023)

    line = line_of(board(plan_year=plan_2023, month=4), EMPLOYMENT)

    assert line.status == Status.NOT_REPORTED
    assert line.judgement.label == "本月未报送"


def test_it_never_calls_an_indicator_with_earlier_figures_not_started(plan_2023):
    march_in_april_not(plan_2023)

    the_board = board(plan_year=plan_2023, month=4)

    assert line_of(the_board, EMPLOYMENT).status != Status.NOT_STARTED
    assert the_board.overall().count(Status.NOT_REPORTED) >= 1


def test_it_keeps_the_months_own_total_apart_from_the_earlier_figure(plan_2023):
    march_in_april_not(plan_2023)

    line = line_of(board(plan_year=plan_2023, month=4), EMPLOYMENT)

    assert line.total is None
    assert not line.reported
    assert line.increment is None


def test_it_falls_back_on_a_verified_month_not_yet_forwarded(plan_2023):
    march_in_april_not(plan_2023, march_status=VERIFIED)

    line = line_of(board(plan_year=plan_2023, month=4), EMPLOYMENT)

    assert line.value_display == "1257人（截至3月）"


def test_it_does_not_fall_back_on_a_figure_only_approved(plan_2023):
    march_in_april_not(plan_2023, march_status=APPROVED)

    line = line_of(board(plan_year=plan_2023, month=4), EMPLOYMENT)

    assert line.latest is None
    assert line.value_display == ""
    assert line.status == Status.NOT_REPORTED


def test_it_falls_back_past_a_month_not_counted(plan_2023):
    put(plan_2023, 2, {EMPLOYMENT: 900})
    put(plan_2023, 3, {EMPLOYMENT: 1257}, status=SUBMITTED)
    put(plan_2023, 4, {OTHER: 40})

    line = line_of(board(plan_year=plan_2023, month=4), EMPLOYMENT)

    assert line.value_display == "900人（截至2月）"


def test_it_shows_the_stage_of_a_milestone_with_its_month(plan_2023):
    milestone = Indicator.objects.filter(
        kind=MILESTONE_KIND, task_row__project__tier__plan_year=plan_2023
    ).exclude(task_row=item(OTHER).task_row)[0]
    put(plan_2023, 3, {milestone.name: Indicator.Stage.STARTED})
    put(plan_2023, 4, {OTHER: 40})

    line = line_of(board(plan_year=plan_2023, month=4), milestone.name)

    assert line.value_display == f"{Indicator.Stage.STARTED.label}（截至3月）"


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("reporting:dashboard_indicators", ()),
        ("reporting:dashboard_leader", ("employment_leader",)),
        ("reporting:dashboard_unit", ("employment_unit",)),
        ("reporting:dashboard_indicator", ("employment",)),
    ],
)
def test_it_shows_the_latest_counted_figure_on_each_board(plan_2023, leader_user, name, args):
    march_in_april_not(plan_2023)
    employment = item(EMPLOYMENT)
    ids = {
        "employment_leader": employment.task_row.leader_id,
        "employment_unit": employment.task_row.lead_unit_id,
        "employment": employment.pk,
    }

    html = page(leader_user, name, *(ids[arg] for arg in args), query="year=2023&month=4")

    assert "1257人（截至3月）" in html
    assert "本月未报送" in html


def test_it_lists_not_reported_beside_not_started_per_unit(plan_2023, leader_user):
    march_in_april_not(plan_2023)

    html = page(leader_user, "reporting:dashboard_units", query="year=2023&month=4")

    header = html[html.index("<thead>") : html.index("</thead>")]
    assert header.index("未开展") < header.index("本月未报送")
    assert 'data-status="not_reported"' in html


def test_it_filters_the_indicators_not_reported(plan_2023, leader_user):
    march_in_april_not(plan_2023)

    html = page(leader_user, "reporting:dashboard_indicators", query="year=2023&month=4&status=not_reported")

    assert f'data-indicator="{item(EMPLOYMENT).pk}"' in html
    assert f'data-indicator="{item(OTHER).pk}"' not in html


# --- 本月新增 ------------------------------------------------------------------------------------


def test_it_takes_the_increment_from_the_previous_counted_total(plan_2023):
    put(plan_2023, 2, {EMPLOYMENT: 800})
    put(plan_2023, 3, {EMPLOYMENT: 1257})

    line = line_of(board(plan_year=plan_2023, month=3), EMPLOYMENT)

    assert line.increment == increment(line.indicator, Decimal(1257), Decimal(800)) == Decimal(457)


def test_it_takes_the_increment_over_a_month_not_counted(plan_2023):
    put(plan_2023, 2, {EMPLOYMENT: 800})
    put(plan_2023, 3, {EMPLOYMENT: 1257}, status=APPROVED)
    put(plan_2023, 4, {EMPLOYMENT: 1500})

    line = line_of(board(plan_year=plan_2023, month=4), EMPLOYMENT)

    assert line.increment == increment(line.indicator, Decimal(1500), Decimal(800)) == Decimal(700)
    assert line.increment_display == "+700"


def test_it_takes_the_same_increment_on_the_indicator_page(plan_2023):
    put(plan_2023, 2, {EMPLOYMENT: 800})
    put(plan_2023, 3, {EMPLOYMENT: 1257}, status=APPROVED)
    put(plan_2023, 4, {EMPLOYMENT: 1500})
    basis = dashboard_basis(plan_year=plan_2023, month=4)

    points = indicator_months(indicator=item(EMPLOYMENT), basis=basis)

    assert [point.increment for point in points[1:4]] == [Decimal(800), None, Decimal(700)]


# --- which month the boards open on ---------------------------------------------------------------


def test_it_opens_on_the_latest_forwarded_month_and_says_so(plan_2023, leader_user):
    put(plan_2023, 3, {EMPLOYMENT: 1257})
    put(plan_2023, 4, {EMPLOYMENT: 1500}, status=VERIFIED)

    html = page(leader_user, "reporting:dashboard_indicators")

    assert 'data-basis-month="3"' in html
    assert "以下为2023年3月已报送的数据" in html


@pytest.mark.parametrize(
    "name",
    [
        "reporting:dashboard",
        "reporting:dashboard_indicators",
        "reporting:dashboard_leaders",
        "reporting:dashboard_units",
        "reporting:dashboard_timeliness",
        "reporting:dashboard_escalations",
    ],
)
def test_it_states_the_counting_basis_on_every_board(plan_2023, leader_user, name):
    put(plan_2023, 3, {EMPLOYMENT: 1257})

    html = page(leader_user, name)

    assert "本页只计已核验数据（县统计局已核验或已上报的数据）" in html


def test_it_links_to_the_month_being_reported_today(plan_2023, leader_user, monkeypatch):
    put(plan_2023, 3, {EMPLOYMENT: 1257})
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2023, 5, 10))

    html = page(leader_user, "reporting:dashboard")

    assert f'href="{reverse("reporting:dashboard")}?year=2023&amp;month=5"' in html
    assert "2023年5月" in html


def test_it_offers_no_link_when_the_month_shown_is_the_current_one(plan_2023, leader_user, monkeypatch):
    put(plan_2023, 3, {EMPLOYMENT: 1257})
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2023, 3, 15))

    html = page(leader_user, "reporting:dashboard")

    assert 'id="current-month"' not in html


# --- the rules beside the light ----------------------------------------------------------------------


def test_it_shows_the_thresholds_beside_the_light(plan_2023, leader_user):
    put(plan_2023, 3, {EMPLOYMENT: 1257})

    html = page(leader_user, "reporting:dashboard_indicator", item(EMPLOYMENT).pk)

    rule = html[html.index('id="light-rule"') :]
    assert "落后序时进度不足10个百分点为绿色" in rule


def test_it_shows_the_milestone_table_on_a_milestone_page(plan_2023, leader_user):
    milestone = Indicator.objects.filter(kind=MILESTONE_KIND, task_row__project__tier__plan_year=plan_2023)[0]
    put(plan_2023, 3, {milestone.name: Indicator.Stage.STARTED})

    html = page(leader_user, "reporting:dashboard_indicator", milestone.pk)

    table = html[html.index('id="stage-rules"') :]
    assert "节点判定表" in html
    assert "对照序时进度判定" in table


def test_it_shows_no_milestone_table_for_a_quantity(plan_2023, leader_user):
    put(plan_2023, 3, {EMPLOYMENT: 1257})

    html = page(leader_user, "reporting:dashboard_indicator", item(EMPLOYMENT).pk)

    assert 'id="stage-rules"' not in html
