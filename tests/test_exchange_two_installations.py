"""Two real installations on one machine: the county forwards May and pushes it to the prefecture.

Two databases (copies of the run's migrated test database with the plan), two `manage.py runserver` on
127.0.0.1 ports, each with its own DATABASE_URL; the county's month is built through the real
workflow, the push is the real command, and what the prefecture shows is compared with the
county's monthly report (月度调度表) opened with openpyxl. The servers are built once for the
module. Marked transactional so it runs with (after) the other tests that commit for real.
"""

import io
import re
from decimal import Decimal
from html import unescape

import pytest
from openpyxl import load_workbook

from tests.exchange_installations import TOKEN_ENV, Installation, databases, received_state

# One worker builds the two installations once for the whole module (make test runs --dist loadgroup).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("two_installations")]

PUSH_MAY = ("exchange", "push", "--to", "邵阳市平台", "--year", "2023", "--month", "5")


@pytest.fixture(scope="module")
def installations(tmp_path_factory, django_db_setup, django_db_blocker):
    workdir = tmp_path_factory.mktemp("exchange")
    with django_db_blocker.unblock():
        county_db, prefecture_db = databases(workdir)
    county = Installation("county", county_db, workdir)
    prefecture = Installation("prefecture", prefecture_db, workdir)
    try:
        prefecture.start()
        token = prefecture.shell(
            "from tests.exchange_installations import set_up_prefecture; set_up_prefecture()"
        )
        county.extra_env = {TOKEN_ENV: token["token"]}
        county.shell(
            f"from tests.exchange_installations import set_up_county; set_up_county({prefecture.url!r})"
        )
        county.start()
        first = county.manage(*PUSH_MAY, check=False)
        yield county, prefecture, first
    finally:
        county.stop()
        prefecture.stop()


def received(prefecture: Installation) -> dict:
    return received_state(prefecture.database_url)


def monthly_report_file(county: Installation) -> bytes:
    response = county.login("zhuanban").get(
        f"{county.url}/exports/monthly-report.xlsx", params={"year": 2023, "month": 5}, timeout=60
    )
    assert response.status_code == 200
    return response.content


def monthly_report(county: Installation) -> dict[str, Decimal]:
    """The county's 月度调度表 for May: 指标 → 累计完成, for every indicator with a counted figure."""
    sheet = load_workbook(io.BytesIO(monthly_report_file(county)))["调度明细"]
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(index for index, row in enumerate(rows) if row[0] == "序号")
    header = list(rows[header_at])
    name, figure = header.index("指标"), header.index("累计完成")
    return {
        row[name]: Decimal(str(row[figure]))
        for row in rows[header_at + 1 :]
        if row[name] and isinstance(row[figure], int | float)
    }


def received_page(prefecture: Installation) -> dict[str, Decimal]:
    """The prefecture's page of the county's May: 指标 → 累计完成, as the office reads it."""
    response = prefecture.login("zhuanban").get(
        f"{prefecture.url}/exchange/received/430524/2023/5/", timeout=30
    )
    assert response.status_code == 200
    lines = re.findall(r'<tr data-indicator="[^"]*">(.*?)</tr>', response.text, flags=re.S)
    shown = {}
    for line in lines:
        cells = [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", line, re.S)
        ]
        shown[cells[3]] = Decimal(cells[5])
    return shown


def test_it_pushes_the_forwarded_month(installations):
    _county, prefecture, first = installations

    assert first.returncode == 0, first.stderr
    assert "成功，4条数据" in first.stdout
    assert received(prefecture)["figures"] == 4


def test_the_prefecture_shows_the_countys_figures_equal_to_its_monthly_report(installations):
    county, prefecture, _first = installations

    shown = received_page(prefecture)

    assert shown == {
        "城镇新增就业": Decimal(155),
        "补贴性职业技能培训": Decimal(60),
        "其中创业培训": Decimal(12),
    }
    report = monthly_report(county)
    assert {name: report[name] for name in shown} == shown


def test_the_prefecture_compares_the_countys_monthly_report_and_finds_it_equal(installations):
    county, prefecture, _first = installations
    session = prefecture.login("zhuanban")
    page = f"{prefecture.url}/exchange/received/430524/2023/5/"
    session.get(page, timeout=30)

    response = session.post(
        page,
        data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
        files={"report": ("月度调度表.xlsx", monthly_report_file(county))},
        headers={"Referer": page},
        timeout=60,
    )

    assert response.status_code == 200
    assert '<p id="compare-summary">全部一致。</p>' in response.text
    assert response.text.count('class="agrees"') == 3


def test_a_second_push_of_the_same_month_changes_nothing(installations):
    county, prefecture, _first = installations
    before = received(prefecture)

    again = county.manage(*PUSH_MAY, check=False)

    assert again.returncode == 0, again.stderr
    assert received(prefecture) == before
    assert before["batches"] == 1


def test_a_push_of_a_month_not_forwarded_is_refused(installations):
    county, prefecture, _first = installations
    before = received(prefecture)

    refused = county.manage(
        "exchange", "push", "--to", "邵阳市平台", "--year", "2023", "--month", "6", check=False
    )

    assert refused.returncode != 0
    assert "2023年6月尚未整月上报，不能推送" in refused.stderr
    assert received(prefecture) == before
