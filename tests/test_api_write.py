"""POST /api/v1/data-values/: scope, dry run, all or nothing, the form's rules and locks, idempotency."""

import pytest

from audit.models import AuditEvent
from reporting.models import Figure, Submission
from reporting.workflow.errors import CLOSED_MONTH_MESSAGE, LOCKED_MESSAGE
from tests.api_clients import Caller, make_api_client
from tests.roles import (
    EMPLOYMENT,
    STARTUP_TRAINING,
    TRAINING,
    database_state,
    indicator,
    provincial_row,
    submission_in,
)

DATA = "/api/v1/data-values/"


def value(row, name, figure, *, period="2023-03", unit="县人社局", **extra) -> dict:
    from projects.models import Unit

    return {
        "period": period,
        "unit": Unit.objects.get(name=unit).code,
        "indicator": indicator(row, name).code,
        "value": figure,
        **extra,
    }


def figures_of(row, month_number: int = 3) -> dict:
    return {
        (figure.contribution.unit.name, figure.indicator.name): figure.value
        for figure in Figure.objects.filter(
            contribution__submission__task_row=row,
            contribution__submission__reporting_month__month=month_number,
        ).select_related("contribution__unit", "indicator")
    }


def test_it_writes_a_value_with_its_history_named_for_the_client(renshe_writer, employment_row, march):
    response = renshe_writer.post(DATA, {"values": [value(employment_row, EMPLOYMENT, "120")]})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["written"], body["dry_run"], body["values"]) == (True, False, 1)
    assert body["groups"][0]["state"] == "saved"
    assert figures_of(employment_row) == {("县人社局", EMPLOYMENT): 120}
    figure = Figure.objects.get(indicator__name=EMPLOYMENT)
    assert figure.history.get().history_user.first_name == "接口：人社系统"
    assert Submission.objects.get(task_row=employment_row, reporting_month=march).status == "draft"


def test_it_keeps_the_units_other_figures_and_texts_of_the_row(
    renshe_writer, renshe_liaison, employment_row, march
):
    from tests.roles import save_figures

    save_figures(
        renshe_liaison, employment_row, march, {EMPLOYMENT: "100", TRAINING: "50"}, progress="进展顺利"
    )
    response = renshe_writer.post(DATA, {"values": [value(employment_row, EMPLOYMENT, "130")]})
    assert response.status_code == 200, response.json()
    assert figures_of(employment_row) == {("县人社局", EMPLOYMENT): 130, ("县人社局", TRAINING): 50}
    assert Figure.objects.get(indicator__name=TRAINING).contribution.progress == "进展顺利"


def test_a_write_token_for_one_unit_cannot_write_another(renshe_writer, plan_2023, employment_row):
    other = provincial_row(plan_2023, 6, 2)  # led by 县民政局
    before = database_state()
    response = renshe_writer.post(
        DATA,
        {
            "values": [
                value(employment_row, EMPLOYMENT, "120"),
                value(other, other.indicators.first().name, "5", unit="县民政局"),
            ]
        },
    )
    assert response.status_code == 403
    assert response.json()["code"] == "out_of_scope"
    assert database_state() == before


def test_a_read_only_client_cannot_write(reader, employment_row, march):
    response = reader.post(DATA, {"values": [value(employment_row, EMPLOYMENT, "120")]})
    assert response.status_code == 403
    assert not Figure.objects.exists()


def test_a_unit_writes_only_the_rows_it_takes_part_in(renshe_writer, plan_2023, march):
    other = provincial_row(plan_2023, 6, 2)
    response = renshe_writer.post(DATA, {"values": [value(other, other.indicators.first().name, "5")]})
    assert response.status_code == 403
    assert response.json()["detail"] == "本单位不承担该项任务，不能填报。"
    assert not Figure.objects.exists()


def test_a_dry_run_checks_and_writes_nothing(renshe_writer, employment_row, march):
    before = database_state()
    response = renshe_writer.post(
        DATA, {"values": [value(employment_row, EMPLOYMENT, "120")], "dry_run": True}
    )
    assert response.status_code == 200
    assert (response.json()["written"], response.json()["groups"][0]["rows_changed"]) == (False, 1)
    assert database_state() == before


def test_a_dry_run_reports_the_forms_errors(renshe_writer, employment_row, march):
    response = renshe_writer.post(
        DATA, {"values": [value(employment_row, EMPLOYMENT, "abc")], "dry_run": True}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "“abc”不是有效的数字。"


def test_one_bad_value_writes_none_of_them(renshe_writer, employment_row, march):
    before = database_state()
    response = renshe_writer.post(
        DATA,
        {
            "values": [
                value(employment_row, EMPLOYMENT, "120"),
                value(employment_row, TRAINING, "60"),
                value(employment_row, STARTUP_TRAINING, "61"),
            ]
        },
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["index"] == 2 and error["indicator"] == indicator(employment_row, STARTUP_TRAINING).code
    assert error["message"] == "“其中”数61不能大于“补贴性职业技能培训”的60。"
    assert database_state() == before


def test_it_asks_for_a_reason_when_the_cumulative_figure_falls_like_the_form(
    renshe_writer, renshe_liaison, office_user, statistics_user, employment_row, february, march
):
    submission_in(
        "verified",
        row=employment_row,
        month=february,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )
    response = renshe_writer.post(DATA, {"values": [value(employment_row, EMPLOYMENT, "90")]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "累计数低于上月的100，请在“说明”中写明原因。"
    ok = renshe_writer.post(
        DATA, {"values": [value(employment_row, EMPLOYMENT, "90", explanation="核减重复统计")]}
    )
    assert ok.status_code == 200


@pytest.mark.parametrize("status", ["submitted", "approved", "verified", "forwarded"])
@pytest.mark.parametrize("how", ["plain", "dry_run", "idempotent"])
def test_a_locked_month_answers_409_on_every_write_path(
    renshe_writer, renshe_liaison, office_user, statistics_user, employment_row, march, status, how
):
    submission_in(
        status,
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )
    before = database_state()
    body = {"values": [value(employment_row, EMPLOYMENT, "999")], "dry_run": how == "dry_run"}
    headers = {"Idempotency-Key": f"lock-{status}"} if how == "idempotent" else {}
    response = renshe_writer.post(DATA, body, headers=headers)
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == LOCKED_MESSAGE
    assert response.json()["title"] == "数据已锁定"
    assert database_state() == before


def test_a_forwarded_month_refuses_its_other_rows_with_409(
    renshe_writer, renshe_liaison, office_user, statistics_user, employment_row, march
):
    from projects.participation import rows_of_unit

    submission_in(
        "forwarded",
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )
    other = (
        rows_of_unit(employment_row.lead_unit)
        .exclude(pk=employment_row.pk)
        .filter(indicators__kind="quantity")
    )
    row = other.first()
    response = renshe_writer.post(
        DATA, {"values": [value(row, row.indicators.filter(kind="quantity").first().name, "5")]}
    )
    assert response.status_code == 409
    assert response.json()["detail"] in (LOCKED_MESSAGE, CLOSED_MONTH_MESSAGE)


def test_without_all_or_nothing_each_unit_month_stands_alone(
    renshe_writer, renshe_liaison, office_user, statistics_user, employment_row, march
):
    submission_in(
        "approved",
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )
    response = renshe_writer.post(
        DATA,
        {
            "all_or_nothing": False,
            "values": [
                value(employment_row, EMPLOYMENT, "7"),
                value(employment_row, EMPLOYMENT, "8", period="2023-04"),
            ],
        },
    )
    assert response.status_code == 200
    states = {group["period"]: group["state"] for group in response.json()["groups"]}
    assert states == {"2023-03": "locked", "2023-04": "saved"}
    assert figures_of(employment_row, 4) == {("县人社局", EMPLOYMENT): 8}


def test_a_repeated_idempotency_key_returns_the_first_answer_and_writes_once(
    renshe_writer, employment_row, march
):
    body = {"values": [value(employment_row, EMPLOYMENT, "120")]}
    first = renshe_writer.post(DATA, body, headers={"Idempotency-Key": "k-1"})
    history = Figure.history.count()
    second = renshe_writer.post(DATA, body, headers={"Idempotency-Key": "k-1"})
    assert second.status_code == first.status_code == 200
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Figure.history.count() == history


def test_the_same_key_with_another_body_is_refused(renshe_writer, employment_row, march):
    renshe_writer.post(
        DATA, {"values": [value(employment_row, EMPLOYMENT, "120")]}, headers={"Idempotency-Key": "k"}
    )
    response = renshe_writer.post(
        DATA, {"values": [value(employment_row, EMPLOYMENT, "121")]}, headers={"Idempotency-Key": "k"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_mismatch"
    assert figures_of(employment_row) == {("县人社局", EMPLOYMENT): 120}


def test_keys_are_per_client(security_user, renshe_writer, employment_row, march):
    _client, token = make_api_client(security_user, name="另一客户端", can_write=True, units=["县人社局"])
    renshe_writer.post(
        DATA, {"values": [value(employment_row, EMPLOYMENT, "120")]}, headers={"Idempotency-Key": "k"}
    )
    response = Caller(token).post(
        DATA, {"values": [value(employment_row, EMPLOYMENT, "130")]}, headers={"Idempotency-Key": "k"}
    )
    assert response.status_code == 200 and "Idempotent-Replayed" not in response


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"values": "x"},
        {"values": []},
        {"values": [{"period": "2023-03"}]},
        {"values": [{"period": "2023-03", "unit": "U-001", "indicator": "x", "colour": "red"}]},
        {"values": [{"period": "2023-13", "unit": "U-001", "indicator": "x"}], "dry_run": "yes"},
    ],
)
def test_a_malformed_body_is_a_400_problem(renshe_writer, plan_2023, body):
    response = renshe_writer.post(DATA, body)
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_an_unknown_code_is_named(renshe_writer, plan_2023):
    response = renshe_writer.post(
        DATA, {"values": [{"period": "2023-03", "unit": "U-999", "indicator": "2023-S03-R1-I1"}]}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "没有编码为“U-999”的单位。"


def test_the_call_is_audited_with_its_count(renshe_writer, employment_row, march):
    renshe_writer.post(DATA, {"values": [value(employment_row, EMPLOYMENT, "120")]})
    row = AuditEvent.objects.get(event="api.call")
    assert (row.detail["endpoint"], row.detail["status"], row.detail["values"]) == (
        "POST /api/v1/data-values/",
        200,
        1,
    )
