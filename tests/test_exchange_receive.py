"""The receiving end: POST /api/v1/exchange/receive/ by a registered sender, and the office's pages."""

import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from api import services as api_services
from audit.models import AuditEvent
from exchange import selectors
from exchange.models import PushAttempt, ReceivedBatch, ReceivedFigure, ReceivingInstallation, Sender
from tests.roles import ROLE_FIXTURES, client_for

URL = "/api/v1/exchange/receive/"
FORWARDED = "2023-05-22T16:00:00+08:00"


def value(indicator="I-1", unit="U-1", number="100", *, lead=True, additive=True, **extra) -> dict:
    return {
        "project": "3.促进高质量充分就业",
        "indicator": indicator,
        "unit": unit,
        "indicator_name": f"指标{indicator}",
        "unit_name": f"单位{unit}",
        "task_row": "R-1",
        "task_row_title": "促进就业",
        "measure": "人",
        "value": number,
        "stage": None,
        "text": "",
        "additive": additive,
        "lead_unit": lead,
        "status": "forwarded",
        "submitted_at": "2023-05-21T10:00:00+08:00",
        "verified_at": "2023-05-22T09:00:00+08:00",
        "forwarded_at": FORWARDED,
        "trail": [
            {"action": "verify", "action_display": "核验通过", "by": "tongji", "at": "2023-05-22T09:00:00"}
        ],
        **extra,
    }


def body(*values, code="430524", month=5) -> dict:
    return {
        "sender": {"code": code, "name": "隆回县"},
        "year": 2023,
        "month": month,
        "forwarded_at": FORWARDED,
        "values": list(values) or [value()],
    }


@pytest.fixture(name="token")
def token_fixture(security_user):
    client, token = api_services.create_client(
        created_by=security_user,
        name="隆回县平台",
        expires_at=timezone.now() + timedelta(days=30),
        allowed_networks="127.0.0.1/32",
    )
    Sender.objects.create(client=client, code="430524", name="隆回县")
    return token


def post(client, payload, *, token, key="key-1"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(URL, data=json.dumps(payload), content_type="application/json", **headers)


def test_it_stores_the_figures_as_coming_from_the_registered_sender(client, token):
    response = post(client, body(value(), value("I-2", number="7.5")), token=token)

    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2
    figure = ReceivedFigure.objects.get(indicator_code="I-2")
    assert (figure.sender_code, figure.sender_name, figure.year, figure.month) == (
        "430524",
        "隆回县",
        2023,
        5,
    )
    assert figure.value == Decimal("7.5")
    assert figure.verified_at.isoformat() == "2023-05-22T01:00:00+00:00"
    assert figure.trail[0]["by"] == "tongji"


def test_it_answers_a_repeated_key_with_the_first_answer_and_writes_nothing(client, token):
    first = post(client, body(), token=token).json()
    history = ReceivedFigure.history.count()

    again = post(client, body(value(number="999")), token=token)

    assert again.status_code == 200
    assert again.json() == {**first, "replayed": True}
    assert ReceivedFigure.history.count() == history
    assert ReceivedFigure.objects.get().value == Decimal("100")
    assert ReceivedBatch.objects.count() == 1


def test_it_leaves_an_unchanged_month_unchanged_under_a_new_key(client, token):
    post(client, body(), token=token)
    history = ReceivedFigure.history.count()

    answer = post(client, body(), token=token, key="key-2").json()

    assert (answer["unchanged"], answer["created"], answer["updated"]) == (1, 0, 0)
    assert ReceivedFigure.history.count() == history


def test_it_updates_a_changed_figure_keeping_its_history(client, token):
    post(client, body(), token=token)

    answer = post(client, body(value(number="120")), token=token, key="key-2").json()

    assert answer["updated"] == 1
    figure = ReceivedFigure.objects.get()
    assert figure.value == Decimal("120")
    assert [row.value for row in figure.history.order_by("history_date")] == [Decimal("100"), Decimal("120")]
    assert "接收隆回县推送的2023年5月数据" in figure.history.latest().history_change_reason


def test_it_removes_a_figure_the_sender_no_longer_counts(client, token):
    post(client, body(value(), value("I-2")), token=token)

    answer = post(client, body(value()), token=token, key="key-2").json()

    assert answer["removed"] == 1
    assert list(ReceivedFigure.objects.values_list("indicator_code", flat=True)) == ["I-1"]


def test_it_refuses_bad_values_naming_each_and_writes_nothing(client, token):
    response = post(client, body(value(), value("I-2", number="abc"), value("", unit="U-2")), token=token)

    assert response.status_code == 400
    problem = response.json()
    assert response["Content-Type"] == "application/problem+json"
    messages = [error["message"] for error in problem["errors"]]
    assert "第2条：数值“abc”无效。" in messages
    assert "第3条：缺少 indicator。" in messages
    assert not ReceivedFigure.objects.exists() and not ReceivedBatch.objects.exists()


def test_it_refuses_a_push_claiming_another_county(client, token):
    response = post(client, body(code="430500"), token=token)

    assert response.status_code == 403
    assert "不能代其他地区推送" in response.json()["detail"]
    assert not ReceivedFigure.objects.exists()


def test_it_refuses_a_client_not_registered_as_a_sender(client, security_user):
    _other, token = api_services.create_client(
        created_by=security_user,
        name="只读客户端",
        expires_at=timezone.now() + timedelta(days=30),
        allowed_networks="127.0.0.1/32",
    )

    response = post(client, body(), token=token)

    assert response.status_code == 403
    assert "未登记为推送来源" in response.json()["detail"]
    assert not ReceivedFigure.objects.exists()


def test_it_refuses_a_push_without_a_token(client, token):
    assert post(client, body(), token=None).status_code == 401
    assert not ReceivedFigure.objects.exists()


def test_it_refuses_a_push_without_an_idempotency_key(client, token):
    response = post(client, body(), token=token, key=None)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]


def test_it_refuses_a_revoked_senders_push(client, token, security_user):
    api_services.revoke_client(client=Sender.objects.get().client, by=security_user)

    assert post(client, body(), token=token).status_code == 401
    assert not ReceivedFigure.objects.exists()


def test_it_audits_each_push(client, token):
    post(client, body(), token=token)

    row = AuditEvent.objects.filter(event="api.call").latest("pk")
    assert row.detail["client"] == "隆回县平台"
    assert (row.detail["sender"], row.detail["month"], row.detail["values"]) == ("430524", 5, 1)


def test_it_totals_additive_indicators_over_units_and_takes_the_lead_units_figure_otherwise(client, token):
    post(
        client,
        body(
            value("I-1", "U-1", "100"),
            value("I-1", "U-2", "20", lead=False),
            value("I-2", "U-1", "95", additive=False),
            value("I-2", "U-2", "80", lead=False, additive=False),
        ),
        token=token,
    )

    totals = {
        line.indicator_code: line.total
        for line in selectors.month_totals(sender_code="430524", year=2023, month=5)
    }

    assert totals == {"I-1": Decimal("120"), "I-2": Decimal("95")}


# --- the pages, role by role ----------------------------------------------------------------------

RECEIVED_READERS = {"office", "statistics", "leader"}
PUSH_READERS = {"office"}


@pytest.fixture(name="received_month")
def received_month_fixture(client, token):
    post(client, body(), token=token)
    return reverse("exchange:received_month", args=["430524", 2023, 5])


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_received_months_are_shown_to_the_readers_of_all_figures(role, user_in_role, received_month):
    response = client_for(user_in_role(role)).get(reverse("exchange:received"))

    if role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if role in RECEIVED_READERS else 403)


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_a_received_month_is_shown_to_the_readers_of_all_figures(role, user_in_role, received_month):
    response = client_for(user_in_role(role)).get(received_month)

    if role == "anonymous":
        assert response.status_code == 302
    elif role in RECEIVED_READERS:
        assert response.status_code == 200
        assert "指标I-1" in response.content.decode()
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_the_push_record_is_shown_to_the_office_only(role, user_in_role, plan_2023):
    installation = ReceivingInstallation.objects.create(
        name="邵阳市平台", base_url="http://127.0.0.1:9", token_env="X"
    )
    PushAttempt.objects.create(
        installation=installation,
        year=2023,
        month=5,
        started_at=timezone.now(),
        result="failed",
        error="超时",
    )

    response = client_for(user_in_role(role)).get(reverse("exchange:pushes"))

    if role == "anonymous":
        assert response.status_code == 302
    elif role in PUSH_READERS:
        assert response.status_code == 200
        assert "邵阳市平台" in response.content.decode() and "超时" in response.content.decode()
    else:
        assert response.status_code == 403


def test_it_says_when_a_month_was_not_received(office_user):
    response = client_for(office_user).get(reverse("exchange:received_month", args=["430524", 2023, 6]))

    assert response.status_code == 404


def test_the_received_months_page_does_not_query_more_with_more_months(
    client, token, office_user, django_assert_max_num_queries
):
    post(client, body(), token=token)
    reader = client_for(office_user)
    reader.get(reverse("exchange:received"))
    for month in (6, 7, 8):
        post(client, body(month=month), token=token, key=f"key-{month}")

    with django_assert_max_num_queries(12) as captured:
        reader.get(reverse("exchange:received"))
    baseline = len(captured)
    post(client, body(month=9), token=token, key="key-9")
    with django_assert_max_num_queries(baseline):
        reader.get(reverse("exchange:received"))


@pytest.mark.parametrize(("role", "status"), [("security", 200), ("office", 403), ("sysadmin", 403)])
def test_only_the_security_administrator_registers_senders(role, status, user_in_role):
    response = client_for(user_in_role(role)).get(reverse("admin:exchange_sender_changelist"))

    assert response.status_code == status


# --- comparing with the sender's monthly report ----------------------------------------------------


def report_file(lines: list[tuple[str, str, str, object]]) -> SimpleUploadedFile:
    """A workbook laid out as the monthly report: a title, the header row, one line per indicator."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["隆回县重点民生实事月度调度表（2023年5月）"])
    sheet.append(
        ["序号", "层级", "项目", "任务内容", "牵头单位", "牵头领导", "指标", "计量单位", "目标", "累计完成"]
    )
    for number, (project, task, name, figure) in enumerate(lines, start=1):
        sheet.append([number, "省定", project, task, "县人社局", "", name, "人", 100, figure])
    content = io.BytesIO()
    workbook.save(content)
    return SimpleUploadedFile("月度调度表.xlsx", content.getvalue())


def test_it_compares_a_received_month_with_the_senders_monthly_report(received_month, office_user):
    upload = report_file(
        [
            ("3.促进高质量充分就业", "促进就业", "指标I-1", 100),
            ("3.促进高质量充分就业", "促进就业", "指标I-9", 7),
        ]
    )

    response = client_for(office_user).post(received_month, {"report": upload})

    assert response.status_code == 200
    lines = [
        (line.key[2], line.received, line.reported, line.agrees) for line in response.context["comparison"]
    ]
    assert lines == [("指标I-1", "100", "100", True)]
    assert "全部一致。" in response.content.decode()


def test_it_names_a_difference_from_the_senders_monthly_report(received_month, office_user):
    upload = report_file([("3.促进高质量充分就业", "促进就业", "指标I-1", 90)])

    response = client_for(office_user).post(received_month, {"report": upload})

    assert response.context["differences"] == 1
    assert "有1项不一致。" in response.content.decode()


def test_it_refuses_a_file_that_is_not_a_monthly_report(received_month, office_user):
    response = client_for(office_user).post(
        received_month, {"report": SimpleUploadedFile("x.xlsx", b"not a workbook")}
    )

    assert response.status_code == 400
    assert "不是有效的 Excel 工作簿" in response.content.decode()


def test_it_refuses_a_workbook_without_the_reports_columns(received_month, office_user):
    workbook, content = Workbook(), io.BytesIO()
    workbook.active.append(["序号", "名称"])
    workbook.save(content)

    response = client_for(office_user).post(
        received_month, {"report": SimpleUploadedFile("x.xlsx", content.getvalue())}
    )

    assert response.status_code == 400
    assert "这不是月度调度表" in response.content.decode()


def test_the_leader_may_compare_but_a_liaison_may_not(received_month, leader_user, renshe_liaison):
    upload = report_file([("3.促进高质量充分就业", "促进就业", "指标I-1", 100)])

    assert client_for(leader_user).post(received_month, {"report": upload}).status_code == 200
    assert client_for(renshe_liaison).post(received_month, {"report": upload}).status_code == 403


def test_it_refuses_control_characters_and_writes_nothing(client, token):
    response = post(client, body(value(text="说明\x00"), value("I-2", trail=[{"by": "a\x01"}])), token=token)

    assert response.status_code == 400
    messages = " ".join(error["message"] for error in response.json()["errors"])
    assert "第1条：text" in messages and "第2条：审核记录摘要" in messages and "控制字符" in messages
    assert not ReceivedFigure.objects.exists()


def test_it_refuses_a_lone_surrogate_and_writes_nothing(client, token):
    response = post(client, body(value(text="说明\ud800")), token=token)

    assert response.status_code == 400
    messages = " ".join(error["message"] for error in response.json()["errors"])
    assert "第1条：text" in messages and "控制字符" in messages
    assert not ReceivedFigure.objects.exists()
