"""A leader opens every dashboard on a desktop and on a phone; figures match the database."""

import re
from decimal import Decimal

import pytest
from django.db.models import Sum
from playwright.sync_api import Page, expect

from accounts.passwords import DEMO_PASSWORD
from projects.models import Indicator, Person, PlanYear, TaskRow
from reporting.dashboards.board import board
from reporting.models import Figure, Submission
from reporting.progress import Status
from tests.browser.screens import build_demo_year
from tests.database import built_once

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}
EMPLOYMENT = "城镇新增就业"  # 王兰鹏; made seriously behind in July and August
BEDS = "养老机构新增护理型床位"  # 张胤; made seriously behind in July and August


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{page.url} scrolls sideways: {width}px in a {viewport}px window"


def fall_behind(name: str, *, months: tuple[int, ...], value: int) -> None:
    """Set every unit's figure of the indicator low in the given (forwarded) months."""
    Figure.objects.filter(
        indicator__name=name,
        indicator__task_row__project__tier__plan_year__year=2023,
        contribution__submission__reporting_month__month__in=months,
    ).update(value=Decimal(value))


def _build_year(plan_year) -> None:
    build_demo_year(plan_year)
    fall_behind(EMPLOYMENT, months=(7, 8), value=300)
    fall_behind(BEDS, months=(7, 8), value=100)


@pytest.fixture
def year(transactional_db) -> PlanYear:
    """Nine months of demo figures (January–August forwarded), two indicators behind since July."""
    return built_once("dashboards-year", _build_year)


def tile_count(page: Page, status: str) -> int:
    return int(page.locator(f"#overall .tile[data-status='{status}'] strong").inner_text())


def check_overview(page: Page, url: str, plan_year) -> None:
    page.goto(f"{url}/dashboard/?year=2023")
    expect(page.get_by_role("heading", level=1)).to_have_text("驾驶舱 · 2023年8月")
    expect(page.locator(".basis")).to_contain_text("2023年8月已报送")
    expected = board(plan_year=plan_year).overall()
    counted = Indicator.objects.filter(task_row__project__tier__plan_year=plan_year).exclude(kind="subset")
    assert sum(tile_count(page, status) for status in Status.values) == counted.count()
    for status in Status.values:
        assert tile_count(page, status) == expected.count(status), status
    behind = page.locator("#behind tr.line")
    expect(behind.first).to_have_attribute("data-status", Status.SERIOUSLY_BEHIND)
    expect(page.locator("#behind")).to_contain_text(EMPLOYMENT)
    expect(page.locator("#escalation")).to_contain_text("列入专班通报")
    expect(page.locator("#rule")).to_contain_text("落后10至30个百分点为黄色")


def check_indicators(page: Page, url: str) -> None:
    page.locator("#overall .tile[data-status='seriously_behind']").click()
    expect(page).to_have_url(re.compile(r"/dashboard/indicators/\?year=2023&month=8&status=seriously_behind"))
    shown = int(page.locator(".count").get_attribute("data-counted"))
    assert shown == page.locator("tr.line[data-status='seriously_behind']").count() - _subsets(page)
    expect(page.locator("tr.line").filter(has_text=EMPLOYMENT)).to_have_count(1)


def _subsets(page: Page) -> int:
    return page.locator("tr.line").filter(has_text="其中数").count()


def check_indicator(page: Page, url: str) -> None:
    employment = Indicator.objects.get(name=EMPLOYMENT, task_row__project__tier__plan_year__year=2023)
    page.goto(f"{url}/dashboard/indicators/{employment.pk}/?year=2023")
    expect(page.get_by_role("heading", level=1)).to_have_text(EMPLOYMENT)
    august = Figure.objects.filter(
        indicator=employment,
        contribution__submission__reporting_month__month=8,
        contribution__submission__status=Submission.Status.FORWARDED,
    ).aggregate(total=Sum("value"))["total"]
    expect(page.locator("#summary .value")).to_have_text(f"{august:.0f}人")
    expect(page.locator("#months tr[data-month='8'] .value")).to_have_text(f"{august:.0f}人")
    expect(page.locator("svg.line-chart circle.dot")).to_have_count(8)
    expect(page.locator("svg.line-chart polyline.target")).to_have_count(1)
    expect(page.locator("#summary")).to_contain_text("自7月起")


def check_leader(page: Page, url: str) -> None:
    leader = Person.objects.get(name="张胤")
    page.goto(f"{url}/")  # a leader lands on their to-do list, then opens the rows they lead
    expect(page.get_by_role("heading", level=1)).to_have_text("张胤的待办")
    page.goto(f"{url}/dashboard/leaders/{leader.pk}/")
    expect(page).to_have_url(re.compile(rf"/dashboard/leaders/{leader.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("张胤牵头的任务 · 2023年8月")
    rows = page.locator("section.row-group")
    expect(rows).to_have_count(
        TaskRow.objects.filter(project__tier__plan_year__year=2023, leader=leader).count()
    )
    expect(rows.first).to_contain_text(BEDS)
    expect(rows.first).to_have_attribute("data-status", Status.SERIOUSLY_BEHIND)


def check_leaders(page: Page, url: str) -> None:
    page.goto(f"{url}/dashboard/leaders/?year=2023")
    names = page.locator("tbody tr th a").all_inner_texts()
    assert names == ["张胤", "王兰鹏", "刘琴", "杨喜国", "未明确牵头领导"]


def check_units(page: Page, url: str) -> None:
    page.goto(f"{url}/dashboard/units/?year=2023")
    lead_units = TaskRow.objects.filter(project__tier__plan_year__year=2023).values("lead_unit").distinct()
    expect(page.locator("tbody tr")).to_have_count(lead_units.count())
    page.locator("tbody tr").filter(has_text="县人社局").get_by_role("link", name="县人社局").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("县人社局 · 2023年8月")
    expect(page.locator("#lateness li")).to_have_count(9)
    expect(page.locator("#submissions tbody tr")).to_have_count(
        Submission.objects.filter(task_row__lead_unit__name="县人社局").count()
    )


def check_timeliness(page: Page, url: str) -> None:
    page.goto(f"{url}/dashboard/timeliness/?year=2023")
    expect(page.locator("table.matrix thead th")).to_have_count(1 + 9 + 3)
    late = Submission.objects.filter(on_time=False).select_related("task_row__lead_unit", "reporting_month")
    for submission in late[:3]:
        row = page.locator(f"tr[data-unit='{submission.task_row.lead_unit_id}']")
        cell = row.locator(f"td[data-month='{submission.reporting_month.month}']")
        expect(cell.locator(".p-cell")).to_have_attribute("data-state", re.compile("late|missing"))


def check_escalations(page: Page, url: str) -> None:
    page.goto(f"{url}/dashboard/escalations/?year=2023")
    notice = page.locator("#notice tr.line")
    expect(notice.filter(has_text=EMPLOYMENT)).to_have_count(1)
    expect(notice.filter(has_text=BEDS)).to_have_count(1)
    expect(page.get_by_role("link", name="下载通报名单（Excel）")).to_have_count(
        0
    )  # the office's, not a leader's


PAGES = [
    ("1-overview", check_overview),
    ("2-indicators", check_indicators),
    ("3-indicator", check_indicator),
    ("4-leader", check_leader),
    ("5-leaders", check_leaders),
    ("6-unit", check_units),
    ("7-timeliness", check_timeliness),
    ("8-escalations", check_escalations),
]


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_leader_reads_every_dashboard(width, new_context, live_server, year, login, screenshot):
    page = new_context(viewport=WIDTHS[width], is_mobile=width == "phone").new_page()
    login(page, "zhangyin", DEMO_PASSWORD)

    for step, check in PAGES:
        if check is check_overview:
            check(page, live_server.url, year)
        else:
            check(page, live_server.url)
        if width == "phone":
            no_horizontal_scroll(page)
        screenshot(page, f"{width}-{step}")


def test_the_overview_prints_cleanly(new_context, live_server, year, login, screenshot):
    page = new_context(viewport=WIDTHS["desktop"]).new_page()
    login(page, "zhangyin", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/dashboard/?year=2023")

    page.emulate_media(media="print")

    expect(page.locator(".tabs")).to_be_hidden()
    expect(page.locator(".dash-picker")).to_be_hidden()
    expect(page.locator("header.top nav")).to_be_hidden()
    expect(page.locator("#overall .tile").first).to_be_visible()
    screenshot(page, "print-overview")


def test_the_office_downloads_the_notice_list(new_context, live_server, year, login, screenshot):
    page = new_context(viewport=WIDTHS["desktop"]).new_page()
    login(page, "zhuanban", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/dashboard/escalations/?year=2023")

    with page.expect_download() as download:
        page.locator("#notice").get_by_role("link", name="下载通报名单（Excel）").click()

    assert download.value.suggested_filename == "滞后指标通报名单-2023-08.xlsx"
    screenshot(page, "office-escalations")


def test_a_changed_figure_shows_when_the_cached_page_is_opened_again(new_context, live_server, year, login):
    employment = Indicator.objects.get(name=EMPLOYMENT, task_row__project__tier__plan_year__year=2023)
    reporting_units = Figure.objects.filter(
        indicator=employment, contribution__submission__reporting_month__month=8
    ).count()
    page = new_context(viewport=WIDTHS["desktop"]).new_page()
    login(page, "zhangyin", DEMO_PASSWORD)
    address = f"{live_server.url}/dashboard/indicators/{employment.pk}/?year=2023&month=8"
    page.goto(address)
    expect(page.locator("#summary .value")).to_have_text(f"{300 * reporting_units}人")

    fall_behind(EMPLOYMENT, months=(8,), value=500)  # committed, as another request's write would be
    page.goto(address)

    expect(page.locator("#summary .value")).to_have_text(f"{500 * reporting_units}人")
