"""Who downloads the 通报 and 督办单, from where, with which audit row; a month not forwarded is refused."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import NO_REQUEST_USERNAME
from bulletins.facts import month_facts
from bulletins.notice import NoticeExporter
from bulletins.supervision import SupervisionExporter
from bulletins.word import DOCX_CONTENT_TYPE
from projects.models import Unit
from tests.bulletins import document_text, opened
from tests.roles import MORE_ROLE_FIXTURES, ROLE_FIXTURES, client_for, downloaded

pytestmark = pytest.mark.django_db

READERS = {"office", "statistics", "leader"}  # the roles that read the boards (reporting.access)
NOT_FORWARDED = "2023年6月的数据尚未上报，不能起草通报和督办单"


def notice_url(month: int = 4, year: int = 2023) -> str:
    return f"{reverse('bulletins:notice')}?year={year}&month={month}"


def supervision_url(month: int = 4, *, unit: int | None = None) -> str:
    url = f"{reverse('bulletins:supervision')}?year=2023&month={month}"
    return f"{url}&unit={unit}" if unit is not None else url


# --- who ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*ROLE_FIXTURES, *MORE_ROLE_FIXTURES])
@pytest.mark.parametrize("url", [notice_url, supervision_url], ids=["notice", "supervision"])
def test_it_lets_only_the_readers_of_the_boards_download(forwarded_april, user_in_role, role, url):
    response = client_for(user_in_role(role)).get(url())

    if role in READERS:
        assert response.status_code == 200
        assert response["Content-Type"] == DOCX_CONTENT_TYPE
    elif role == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"]
    else:
        assert response.status_code == 403


# --- the audit row ------------------------------------------------------------------------------------


def test_it_audits_a_notice_download(forwarded_april, leader_user):
    response = client_for(leader_user).get(notice_url())
    downloaded(response)

    event = AuditEvent.objects.get(event="export", detail__export="monthly_notice")
    assert (event.username, event.detail["year"], event.detail["month"]) == ("zhangyin", 2023, 4)
    assert event.detail["file"] == "关于2023年4月重点民生实事推进情况的通报（草稿）.docx"


def test_it_audits_the_all_in_one_supervision_download(forwarded_april, statistics_user):
    downloaded(client_for(statistics_user).get(supervision_url()))

    event = AuditEvent.objects.get(event="export", detail__export="supervision_notice")
    assert (event.username, event.detail["file"]) == ("tongji", "2023年4月督办单（草稿）.docx")
    assert "unit" not in event.detail


def test_it_audits_one_units_supervision_download(forwarded_may, office_user):
    unit = Unit.objects.get(name="县人社局")

    response = client_for(office_user).get(supervision_url(5, unit=unit.pk))

    assert "县人社局：" in document_text(opened(downloaded(response)))
    event = AuditEvent.objects.get(event="export", detail__export="supervision_notice")
    assert (event.username, event.detail["unit"]) == ("zhuanban", unit.pk)
    assert event.detail["file"] == "2023年5月督办单-县人社局（草稿）.docx"


def test_it_refuses_a_unit_with_nothing_to_answer(forwarded_april, office_user):
    unit = Unit.objects.get(name="县民政局")

    response = client_for(office_user).get(supervision_url(unit=unit.pk))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(event="export").exists()


# --- a month not forwarded ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [notice_url, supervision_url], ids=["notice", "supervision"])
def test_it_refuses_a_month_not_forwarded_with_the_reason(forwarded_april, office_user, url):
    response = client_for(office_user).get(url(6))

    assert response.status_code == 409
    assert NOT_FORWARDED in response.content.decode()
    assert not AuditEvent.objects.filter(event="export").exists()


def test_it_refuses_a_month_that_is_none(plan_2023, office_user):
    response = client_for(office_user).get(notice_url(13))

    assert response.status_code == 400
    assert "月份应为1到12之间的整数。" in response.content.decode()


def test_its_command_refuses_a_month_not_forwarded(forwarded_april, tmp_path):
    with pytest.raises(CommandError, match=NOT_FORWARDED):
        call_command("draft_notice", year=2023, month=6, out=str(tmp_path / "notice.docx"))
    assert not (tmp_path / "notice.docx").exists()


@pytest.mark.parametrize(
    ("year", "month", "message"),
    [(2023, 13, "月份应为1至12，收到：13。"), (1999, 5, "1999年度不存在。")],
)
def test_its_command_refuses_a_bad_year_or_month(plan_2023, tmp_path, year, month, message):
    with pytest.raises(CommandError, match=message):
        call_command("draft_notice", year=year, month=month, out=str(tmp_path / "notice.docx"))


def test_its_command_writes_the_notice_and_the_supervision_notices_with_audit_rows(forwarded_may, tmp_path):
    target = tmp_path / "notice.docx"
    output = StringIO()

    call_command("draft_notice", year=2023, month=5, out=str(target), supervision=True, stdout=output)

    supervision = tmp_path / "2023年5月督办单（草稿）.docx"
    title = opened(target.read_bytes()).paragraphs[0].text
    assert title == "关于2023年5月重点民生实事\n推进情况的通报"
    assert "县人社局：" in document_text(opened(supervision.read_bytes()))
    events = AuditEvent.objects.filter(event="export").order_by("pk")
    assert [(event.username, event.detail["export"], event.detail["path"]) for event in events] == [
        (NO_REQUEST_USERNAME, "monthly_notice", str(target)),
        (NO_REQUEST_USERNAME, "supervision_notice", str(supervision)),
    ]


# --- where the links are --------------------------------------------------------------------------------


def test_the_review_page_of_a_forwarded_month_links_both_documents(forwarded_april, statistics_user):
    page = client_for(statistics_user).get(f"{reverse('reporting:review_list')}?year=2023&month=4")

    html = page.content.decode()
    assert notice_url().replace("&", "&amp;") in html
    assert supervision_url().replace("&", "&amp;") in html


def test_the_review_page_of_a_month_not_forwarded_links_neither(forwarded_april, office_user):
    html = client_for(office_user).get(f"{reverse('reporting:review_list')}?year=2023&month=6").content

    assert reverse("bulletins:notice") not in html.decode()


def test_the_escalation_board_links_the_notice_and_each_units_supervision(forwarded_may, leader_user):
    unit = Unit.objects.get(name="县人社局")

    page = client_for(leader_user).get(f"{reverse('reporting:dashboard_escalations')}?year=2023&month=5")

    html = page.content.decode()
    assert notice_url(5).replace("&", "&amp;") in html
    assert supervision_url(5).replace("&", "&amp;") in html
    assert supervision_url(5, unit=unit.pk).replace("&", "&amp;") in html


# --- cost ---------------------------------------------------------------------------------------------


def _drafting_queries(month: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        facts = month_facts(year=2023, month=month)
        NoticeExporter(facts=facts).render()
        SupervisionExporter(facts=facts).render()
    return len(queries)


def test_its_queries_do_not_grow_with_the_figures_or_the_units_supervised(forwarded_may):
    # April: two rows forwarded, nobody supervised; May: four rows, two units supervised, returns, late.
    assert _drafting_queries(5) == _drafting_queries(4)
