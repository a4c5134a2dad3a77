"""The to-do landing (reporting:home): each role sees exactly what waits for it, across every open
month, each item a link; the month list gives each month its state; the navigation counts."""

import re
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import Indicator, Project, TaskRow, Unit
from projects.participation import rows_of_unit
from reporting import month_states, todo
from reporting.calendar.deadlines import month_schedule
from reporting.models import Contribution, Figure, ReportingMonth, Submission
from tests.roles import (
    client_for,
    fill_employment,
    reporting_month,
    save_figures,
    submission_in,
    submit_row,
)

pytestmark = pytest.mark.django_db

Status = Submission.Status
EMPLOYMENT_ROW = "省定民生实事 3.促进高质量充分就业"
TOWNSHIP = "金石桥镇人民政府"


@pytest.fixture
def today(monkeypatch):
    """Set the day the pages think it is (every module asks django.utils.timezone.localdate)."""

    def set_today(day: date) -> date:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
        return day

    return set_today


@pytest.fixture
def people(office_user, statistics_user, renshe_liaison, township_liaison):
    return {
        "office": office_user,
        "statistics": statistics_user,
        "liaison": renshe_liaison,
        "township": township_liaison,
    }


def in_status(status, people, row, month):
    return submission_in(
        status,
        row=row,
        month=month,
        liaison=people["liaison"],
        office=people["office"],
        statistics=people["statistics"],
    )


def landing_of(user) -> str:
    response = client_for(user).get(reverse("reporting:home"))
    assert response.status_code == 200
    return response.content.decode()


def section(page: str, title: str) -> str:
    """The HTML of one to-do section, found by its heading."""
    match = re.search(rf'<div class="todo-section"[^>]*>\s*<h2>{re.escape(title)}.*?</div>', page, re.S)
    assert match, f"no section {title}"
    return match.group(0)


def links(html: str) -> list[tuple[str, str]]:
    return [
        (url.replace("&amp;", "&"), text) for url, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', html)
    ]


def entry(year: int, month: int, anchor: str = "") -> str:
    return f"{reverse('reporting:entry')}?year={year}&month={month}{anchor}"


def review(year: int, month: int, status: str = "", anchor: str = "") -> str:
    more = f"&status={status}" if status else ""
    return f"{reverse('reporting:review_list')}?year={year}&month={month}{more}{anchor}"


# --- liaison -------------------------------------------------------------------------------------


def test_it_lists_the_rows_a_liaison_still_has_to_fill_this_month(
    plan_2023, renshe_liaison, employment_row, today
):
    today(date(2023, 3, 16))

    rows = section(landing_of(renshe_liaison), "本月待填报")

    assert (entry(2023, 3, f"#row-{employment_row.pk}"), EMPLOYMENT_ROW) in links(rows)
    assert "未填：城镇新增就业、补贴性职业技能培训、其中创业培训" in rows


def test_it_drops_a_row_once_the_liaison_filled_it(plan_2023, renshe_liaison, employment_row, today):
    today(date(2023, 3, 16))
    fill_employment(renshe_liaison, employment_row, reporting_month(plan_2023, 3))

    rows = section(landing_of(renshe_liaison), "本月待填报")

    assert EMPLOYMENT_ROW not in rows


def test_it_lists_a_row_returned_in_an_earlier_month_with_its_reason(
    plan_2023, people, employment_row, february, today
):
    in_status(Status.RETURNED, people, employment_row, february)
    today(date(2023, 3, 16))

    returned = section(landing_of(people["liaison"]), "被退回待修改")

    assert (entry(2023, 2, f"#row-{employment_row.pk}"), f"2023年2月 · {EMPLOYMENT_ROW}") in links(returned)
    assert "退回原因：请补充进展情况。" in returned


def test_it_tells_a_lead_unit_which_units_have_not_reported(plan_2023, renshe_liaison, employment_row, today):
    today(date(2023, 3, 16))
    fill_employment(renshe_liaison, employment_row, reporting_month(plan_2023, 3))

    waiting = section(landing_of(renshe_liaison), "等待责任单位填报")

    assert (entry(2023, 3, f"#row-{employment_row.pk}"), EMPLOYMENT_ROW) in links(waiting)
    assert f"尚未填报：{TOWNSHIP}" in waiting


def test_it_offers_a_row_to_submit_once_every_unit_has_reported(
    plan_2023, renshe_liaison, township_liaison, employment_row, today
):
    today(date(2023, 3, 16))
    march = reporting_month(plan_2023, 3)
    fill_employment(renshe_liaison, employment_row, march)
    fill_employment(township_liaison, employment_row, march, employment="10", training="5", startup="1")

    page = landing_of(renshe_liaison)

    assert EMPLOYMENT_ROW in section(page, "可以提交")
    assert EMPLOYMENT_ROW not in section(page, "等待责任单位填报")


def test_it_lists_other_months_a_lead_unit_has_not_submitted(plan_2023, people, employment_row, today):
    today(date(2023, 3, 16))
    in_status(Status.SUBMITTED, people, employment_row, reporting_month(plan_2023, 1))
    led = TaskRow.objects.filter(project__tier__plan_year=plan_2023, lead_unit__name="县人社局").count()

    other = section(landing_of(people["liaison"]), "其他月份未提交")

    assert (entry(2023, 1), "2023年1月") in links(other)
    assert f"{led - 1}行未提交" in other
    assert f"{led}行未提交" in other  # February: nothing submitted
    assert "2023年3月" not in other  # the month being collected has its own list


def test_a_township_is_told_that_its_lead_unit_submits(plan_2023, township_liaison, today):
    today(date(2023, 3, 16))

    page = landing_of(township_liaison)

    assert "由牵头单位审核汇总后提交" in page
    assert "可以提交" not in page and "等待责任单位填报" not in page


def test_it_counts_the_working_days_left_across_a_holiday():
    # 2023: National Day 9.29–10.6 off, 10.7 and 10.8 (weekend) worked; the 21st (Saturday) moves to the 23rd.
    left = todo.countdown(date(2023, 10, 23), today=date(2023, 9, 28))

    assert left.workdays_left == 13  # plain weekdays would give 17
    assert left.text == "距报送截止还有13个工作日（10月23日截止）。"


def test_it_says_when_the_deadline_is_today_or_past():
    assert todo.countdown(date(2023, 3, 21), today=date(2023, 3, 21)).text == "今天（3月21日）是报送截止日。"
    assert (
        todo.countdown(date(2023, 3, 21), today=date(2023, 3, 22)).text
        == "报送截止日3月21日已过，请尽快提交。"
    )


def test_the_liaison_landing_shows_the_working_day_countdown(plan_2023, renshe_liaison, today):
    today(date(2023, 9, 28))  # October is collected after September's forward deadline (9.22)

    page = landing_of(renshe_liaison)

    assert "县人社局的待办 · 2023年10月" in page
    assert "距报送截止还有13个工作日（10月23日截止）。" in page


# --- office, statistics bureau, leader -----------------------------------------------------------


def test_the_office_sees_submissions_waiting_in_every_open_month(
    plan_2023, people, employment_row, february, march, today
):
    in_status(Status.SUBMITTED, people, employment_row, february)
    in_status(Status.SUBMITTED, people, employment_row, march)
    today(date(2023, 3, 25))

    waiting = section(landing_of(people["office"]), "待审核")

    assert links(waiting) == [
        (review(2023, 2, "submitted"), "2023年2月"),
        (review(2023, 3, "submitted"), "2023年3月"),
    ]
    assert waiting.count("1条报送待审核") == 2


def test_the_office_sees_the_units_overdue_per_month(plan_2023, people, employment_row, march, today):
    in_status(Status.SUBMITTED, people, employment_row, march)
    today(date(2023, 3, 16))  # before March's deadline: only January and February are overdue

    overdue = section(landing_of(people["office"]), "逾期未报")

    assert [text for _url, text in links(overdue)] == ["2023年1月", "2023年2月"]
    assert (review(2023, 1, anchor="#missing"), "2023年1月") in links(overdue)
    assert "17个单位逾期未报：县乡村振兴局、" in overdue and "等</span>" in overdue  # eight named, then 等


def test_the_office_sees_whether_the_next_month_can_be_forwarded(plan_2023, people, employment_row, today):
    january = reporting_month(plan_2023, 1)
    in_status(Status.VERIFIED, people, employment_row, january)
    today(date(2023, 3, 16))
    rows = TaskRow.objects.filter(project__tier__plan_year=plan_2023).count()

    forwarding = section(landing_of(people["office"]), "整月上报")

    assert links(forwarding) == [(reverse("reporting:forward_month", args=[january.pk]), "2023年1月")]
    assert f"已核验1行；未就绪{rows - 1}行（未报送{rows - 1}、待审核0、待核验0）。" in forwarding


def test_the_office_is_told_there_is_nothing_to_review(plan_2023, office_user, today):
    today(date(2023, 3, 16))

    assert "没有待审核的报送。" in section(landing_of(office_user), "待审核")


def test_the_statistics_bureau_sees_rows_waiting_verification(
    plan_2023, people, employment_row, february, today
):
    in_status(Status.APPROVED, people, employment_row, february)
    in_status(Status.SUBMITTED, people, employment_row, reporting_month(plan_2023, 1))
    today(date(2023, 3, 16))

    page = landing_of(people["statistics"])

    assert links(section(page, "待核验")) == [(review(2023, 2, "approved"), "2023年2月")]
    assert "待审核" not in re.sub(
        r'<section class="card" aria-labelledby="months-title">.*', "", page, flags=re.S
    )


def forwarded_figure(plan_year, month: int, name: str, value) -> None:
    """A lead-unit figure counted as forwarded, as the boards read it."""
    indicator = Indicator.objects.get(task_row__project__tier__plan_year=plan_year, name=name)
    moment = timezone.make_aware(datetime.combine(date(2023, month, 21), time(9)))
    submission = Submission.objects.create(
        reporting_month=reporting_month(plan_year, month),
        task_row=indicator.task_row,
        status=Status.FORWARDED,
        submitted_at=moment,
        first_submitted_at=moment,
        on_time=True,
    )
    contribution = Contribution.objects.create(submission=submission, unit=indicator.task_row.lead_unit)
    Figure.objects.create(contribution=contribution, indicator=indicator, value=Decimal(value))


def test_a_leader_sees_their_rows_behind_and_what_is_flagged(plan_2023, leader_user, today):
    today(date(2023, 9, 1))
    forwarded_figure(plan_2023, 7, "困难老年人居家适老化改造", 100)  # of 600: seriously behind
    forwarded_figure(plan_2023, 8, "困难老年人居家适老化改造", 100)
    forwarded_figure(plan_2023, 8, "城镇新增就业", 100)  # 王兰鹏's row, not 张胤's
    person = leader_user.membership.person
    indicator = Indicator.objects.get(
        task_row__project__tier__plan_year=plan_2023, name="困难老年人居家适老化改造"
    )

    page = landing_of(leader_user)
    behind, flagged = section(page, "牵头任务进度滞后"), section(page, "督办事项")

    assert [url for url, _text in links(behind)] == [
        f"{reverse('reporting:dashboard_leader', args=[person.pk])}?year=2023&month=8"
    ]
    assert "困难老年人居家适老化改造" in behind and "城镇新增就业" not in behind
    assert links(flagged) == [
        (
            f"{reverse('reporting:dashboard_indicator', args=[indicator.pk])}?year=2023&month=8",
            f"{indicator.task_row.label()} · 困难老年人居家适老化改造",
        )
    ]
    assert "自7月起连续2个月滞后" in flagged


def test_every_landing_link_opens(plan_2023, people, leader_user, employment_row, february, today):
    in_status(Status.RETURNED, people, employment_row, february)
    in_status(Status.SUBMITTED, people, employment_row, reporting_month(plan_2023, 1))
    today(date(2023, 3, 16))
    for user in (*people.values(), leader_user):
        client = client_for(user)
        page = client.get(reverse("reporting:home")).content.decode()
        for url, _text in links(page.split('<main id="main">')[1]):
            assert client.get(url).status_code == 200, (user.username, url)


# --- the month list ------------------------------------------------------------------------------


def states_listed(page: str) -> dict[str, str]:
    return dict(
        re.findall(
            r'<a href="[^"]+">(\d{4}年\d+月)</a>\s*<span class="badge month-badge">([^<]+)</span>', page
        )
    )


def test_the_month_list_gives_each_month_its_state(plan_2023, people, employment_row, today):
    in_status(Status.FORWARDED, people, employment_row, reporting_month(plan_2023, 1))
    today(date(2023, 3, 16))

    states = states_listed(landing_of(people["office"]))

    assert states["2023年1月"] == "已上报并截止"
    assert states["2023年2月"] == "填报中"
    assert states["2023年3月"] == "填报中"
    assert states["2023年4月"] == "未开始"
    assert len(states) == 12


def month_line(counts: dict, *, closed: bool = False, late_open: int = 0):
    month = ReportingMonth.objects.select_related("plan_year").get(plan_year__year=2023, month=2)
    month.forwarded_at = timezone.now() if closed else None
    return month_states.MonthLine(month_schedule(month), 3, counts, late_open, date(2023, 3, 16))


@pytest.mark.parametrize(
    ("counts", "closed", "late_open", "expected"),
    [
        ({Status.DRAFT: 1, Status.SUBMITTED: 2}, False, 0, "填报中"),
        ({Status.SUBMITTED: 1, Status.APPROVED: 1, Status.VERIFIED: 1}, False, 0, "待审核"),
        ({Status.APPROVED: 1, Status.VERIFIED: 2}, False, 0, "待核验"),
        ({Status.VERIFIED: 3}, False, 0, "待上报"),
        ({Status.FORWARDED: 2, Status.CLOSED: 1}, True, 0, "已上报并截止"),
        ({Status.FORWARDED: 2, Status.DRAFT: 1}, True, 1, "已上报，补报中"),
    ],
)
def test_a_months_state_follows_its_rows(plan_2023, counts, closed, late_open, expected):
    reporting_month(plan_2023, 2)

    assert month_line(counts, closed=closed, late_open=late_open).state_label == expected


def test_a_liaisons_month_list_counts_its_own_rows(plan_2023, renshe_liaison, employment_row):
    own = Unit.objects.get(name="县人社局")
    fill_employment(renshe_liaison, employment_row, reporting_month(plan_2023, 2))
    taking_part = rows_of_unit(own).filter(project__tier__plan_year=plan_2023).count()

    february = month_states.month_list(plan_year=plan_2023, today=date(2023, 3, 16), unit=own)[1]

    assert february.rows == taking_part
    assert february.not_submitted == taking_part  # a draft is not submitted
    assert february.summary == f"未提交{taking_part}"


# --- the navigation counts -----------------------------------------------------------------------


def nav(user) -> str:
    page = client_for(user).get(reverse("reporting:home")).content.decode()
    return page.split('<nav aria-label="主导航">')[1].split("</nav>")[0]


def test_the_navigation_counts_what_waits(plan_2023, people, employment_row, february, march, today):
    in_status(Status.SUBMITTED, people, employment_row, february)
    in_status(Status.RETURNED, people, employment_row, march)
    today(date(2023, 3, 16))

    assert "审核报送（1）" in nav(people["office"])
    assert "审核报送</a>" in nav(people["statistics"])
    assert "本月填报（1）" in nav(people["liaison"])


def test_the_navigation_counts_cost_one_query_per_page(plan_2023, office_user, today):
    today(date(2023, 3, 16))
    client = client_for(office_user)
    with CaptureQueriesContext(connection) as context:
        page = client.get(f"{reverse('reporting:review_list')}?year=2023&month=3").content.decode()

    nav_counts = [
        query["sql"]
        for query in context.captured_queries
        if '"__count"' in query["sql"]
        and "reporting_submission" in query["sql"]
        and "GROUP BY" not in query["sql"]
    ]
    assert len(nav_counts) == 1
    assert "审核报送</a>" in page  # nothing waits: no count shown


# --- queries stay flat ---------------------------------------------------------------------------


def more_rows(plan_year, *, count: int, first: int = 10) -> None:
    """More rows led by 县人社局 with submissions in several states and months."""
    project = Project.objects.get(tier__plan_year=plan_year, tier__kind="provincial", number=3)
    unit = Unit.objects.get(name="县人社局")
    for position in range(first, first + count):
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
        for month, status in ((1, Status.SUBMITTED), (2, Status.RETURNED), (3, Status.APPROVED)):
            submission = Submission.objects.create(
                reporting_month=reporting_month(plan_year, month),
                task_row=row,
                status=status,
                submitted_at=timezone.now(),
                first_submitted_at=timezone.now(),
                return_reason="补充" if status == Status.RETURNED else "",
            )
            contribution = Contribution.objects.create(submission=submission, unit=unit)
            Figure.objects.create(contribution=contribution, indicator=indicator, value=10)


def landing_queries(user) -> int:
    client = client_for(user)
    client.get(reverse("reporting:home"))  # sessions and months settled
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("reporting:home"))
    assert response.status_code == 200
    return len(context.captured_queries)


def test_each_landing_takes_the_same_queries_as_data_grows(
    plan_2023, people, leader_user, employment_row, today
):
    today(date(2023, 3, 25))
    in_status(Status.RETURNED, people, employment_row, reporting_month(plan_2023, 2))
    more_rows(plan_2023, count=1)  # one row in each state: the larger year differs in size only
    forwarded_figure(plan_2023, 1, "困难老年人居家适老化改造", 100)
    users = [*people.values(), leader_user]
    small = {user.username: landing_queries(user) for user in users}

    more_rows(plan_2023, count=6, first=20)
    forwarded_figure(plan_2023, 1, "养老机构新增护理型床位", 100)

    assert {user.username: landing_queries(user) for user in users} == small


# --- who gets a landing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("auditor", "audit:list"),
        ("sysadmin", "admin:index"),
        ("superuser", "admin:index"),
        ("security", "admin:index"),
    ],
)
def test_administrators_land_on_their_own_pages(user_in_role, role, target):
    response = client_for(user_in_role(role)).get(reverse("reporting:home"))

    assert (response.status_code, response["Location"]) == (302, reverse(target))


def test_a_user_without_a_role_is_refused(no_role_user):
    assert client_for(no_role_user).get(reverse("reporting:home")).status_code == 403


def test_the_landing_never_shows_another_units_rows(
    plan_2023, people, minzheng_liaison, employment_row, february, today
):
    in_status(Status.RETURNED, people, employment_row, february)
    today(date(2023, 3, 16))

    page = landing_of(minzheng_liaison)

    assert "促进高质量充分就业" not in page
    assert "没有被退回的报送。" in page


def test_the_review_list_points_to_other_months_waiting(plan_2023, people, employment_row, february, today):
    in_status(Status.SUBMITTED, people, employment_row, february)
    today(date(2023, 3, 16))

    page = client_for(people["office"]).get(review(2023, 3)).content.decode()

    assert "本月暂无报送。其他月份有待审核的报送，见上方链接。" in page
    assert (review(2023, 2, "submitted"), "2023年2月（1条）") in links(page)


def test_a_submitted_row_is_no_longer_to_fill(plan_2023, people, employment_row, today):
    march = reporting_month(plan_2023, 3)
    save_figures(
        people["liaison"],
        employment_row,
        march,
        {"城镇新增就业": "1", "补贴性职业技能培训": "1", "其中创业培训": "1"},
    )
    submit_row(
        user=people["liaison"],
        submission_id=Submission.objects.get(task_row=employment_row, reporting_month=march).pk,
    )
    today(date(2023, 3, 16))

    page = landing_of(people["liaison"])

    assert EMPLOYMENT_ROW not in section(page, "本月待填报")
    assert EMPLOYMENT_ROW not in section(page, "可以提交")


def test_a_returned_row_is_listed_once_not_again_as_unsubmitted(
    plan_2023, people, employment_row, february, today
):
    in_status(Status.RETURNED, people, employment_row, february)
    today(date(2023, 3, 16))
    led = TaskRow.objects.filter(project__tier__plan_year=plan_2023, lead_unit__name="县人社局").count()

    other = section(landing_of(people["liaison"]), "其他月份未提交")

    february_item = re.search(r"2023年2月</a><span class=\"todo-detail\">([^<]+)<", other).group(1)
    assert february_item == f"{led - 1}行未提交"
