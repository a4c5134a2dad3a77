"""Pushing a forwarded month upstream (exchange push|retry|push-due), against a real local HTTP server."""

import io

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from exchange import codes
from exchange.models import CodeMapping, PushAttempt, ReceivingInstallation
from reporting.counting import COUNTED
from reporting.models import Figure, Submission
from tests.exchange_stub import Scripted, StubReceiver
from tests.roles import reporting_month, submission_in

TOKEN_ENV = "EXCHANGE_TOKEN_TEST"


@pytest.fixture(autouse=True)
def _fast_tries(settings, monkeypatch):
    settings.EXCHANGE_RETRY_BACKOFF_SECONDS = 0
    settings.EXCHANGE_PUSH_TRIES = 3
    settings.EXCHANGE_READ_TIMEOUT_SECONDS = 0.5
    monkeypatch.setenv(TOKEN_ENV, "msk_test-token")


@pytest.fixture(name="stub")
def stub_fixture():
    with StubReceiver() as stub:
        yield stub


@pytest.fixture(name="installation")
def installation_fixture(stub):
    return ReceivingInstallation.objects.create(
        name="邵阳市平台", base_url=stub.url, token_env=TOKEN_ENV, same_codes=True
    )


@pytest.fixture(name="may")
def may_fixture(plan_2023, employment_row, renshe_liaison, office_user, statistics_user):
    """May 2023 forwarded, the employment row verified through the real workflow."""
    month = reporting_month(plan_2023, 5)
    submission_in(
        Submission.Status.FORWARDED,
        row=employment_row,
        month=month,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )
    month.refresh_from_db()
    return month


def push(*extra, month=5):
    out = io.StringIO()
    call_command(
        "exchange", "push", "--to", "邵阳市平台", "--year", "2023", "--month", str(month), *extra, stdout=out
    )
    return out.getvalue()


def test_it_refuses_a_month_not_forwarded(may, installation, stub):
    with pytest.raises(CommandError, match="2023年6月尚未整月上报，不能推送"):
        push(month=6)

    attempt = PushAttempt.objects.get()
    assert (attempt.result, attempt.month, attempt.tries) == (PushAttempt.Result.REFUSED, 6, 0)
    assert stub.received == []


def test_it_audits_a_refused_push(may, installation, stub):
    with pytest.raises(CommandError):
        push(month=6)

    row = AuditEvent.objects.get(event="exchange.push")
    assert row.outcome == AuditEvent.Outcome.DENIED
    assert row.detail["month"] == 6 and row.detail["result"] == "refused"


def test_it_refuses_unmapped_codes_naming_them(may, installation, stub, employment_row):
    installation.same_codes = False
    installation.save()
    mapped = employment_row.indicators.order_by("position").first()
    CodeMapping.objects.create(
        installation=installation, kind="indicator", our_code=codes.indicator_code(mapped), their_code="SY-1"
    )

    with pytest.raises(CommandError) as refused:
        push()

    message = str(refused.value)
    assert "代码对照表中没有对应代码" in message
    assert codes.indicator_code(mapped) not in message
    for other in employment_row.indicators.exclude(pk=mapped.pk):
        if Figure.objects.filter(indicator=other).exists():
            assert codes.indicator_code(other) in message
    assert f"单位：{codes.unit_code(employment_row.lead_unit)}（县人社局）" in message
    assert stub.received == []


def test_it_sends_the_receivers_codes_from_the_table(may, installation, stub, employment_row):
    for item in employment_row.indicators.all():
        CodeMapping.objects.create(
            installation=installation,
            kind="indicator",
            our_code=codes.indicator_code(item),
            their_code=f"SY-{item.pk}",
        )
    CodeMapping.objects.create(
        installation=installation,
        kind="unit",
        our_code=codes.unit_code(employment_row.lead_unit),
        their_code="SY-RS",
    )
    installation.same_codes = False
    installation.save()

    push()

    values = stub.received[0]["body"]["values"]
    assert {value["unit"] for value in values} == {"SY-RS"}
    assert all(value["indicator"].startswith("SY-") for value in values)


def test_it_sends_nothing_on_a_dry_run(may, installation, stub):
    output = push("--dry-run")

    assert stub.received == []
    attempt = PushAttempt.objects.get()
    assert attempt.result == PushAttempt.Result.DRY_RUN and attempt.dry_run
    assert attempt.value_count == 3
    assert "试运行（未发送），3条数据" in output


def test_it_sends_the_months_counted_figures_only(may, installation, stub):
    push()

    counted = Figure.objects.filter(
        contribution__submission__reporting_month=may, contribution__submission__status__in=COUNTED
    )
    values = stub.received[0]["body"]["values"]
    assert len(values) == counted.count() == 3
    assert {value["value"] for value in values} == {"100.0000", "50.0000", "10.0000"}


def test_it_sends_the_senders_timestamps_and_review_trail(may, installation, stub):
    push()

    value = stub.received[0]["body"]["values"][0]
    submission = Submission.objects.get(reporting_month=may, status=Submission.Status.FORWARDED)
    assert value["submitted_at"] == submission.submitted_at.isoformat()
    assert value["forwarded_at"] is not None and value["verified_at"] is not None
    assert [step["action"] for step in value["trail"]] == ["submit", "approve", "verify", "forward"]
    assert [step["by"] for step in value["trail"][:3]] == ["renshe", "zhuanban", "tongji"]


def test_it_authenticates_and_keys_the_push(may, installation, stub):
    push()

    request = stub.received[0]
    assert request["path"] == "/api/v1/exchange/receive/"
    assert request["headers"]["Authorization"] == "Bearer msk_test-token"
    assert request["headers"]["Idempotency-Key"].startswith("430524-2023-05-")
    assert request["body"]["sender"] == {"code": "430524", "name": "隆回县"}


def test_it_keys_the_same_content_the_same_way(may, installation, stub):
    push()
    push()

    first, second = (request["headers"]["Idempotency-Key"] for request in stub.received)
    assert first == second


def test_it_records_a_successful_push(may, installation, stub):
    stub.script = [Scripted(200, {"created": 3, "replayed": False})]

    push()

    attempt = PushAttempt.objects.get()
    assert attempt.result == PushAttempt.Result.SUCCEEDED
    assert (attempt.value_count, attempt.tries, attempt.response_status) == (3, 1, 200)
    assert '"created": 3' in attempt.response_excerpt
    assert attempt.idempotency_key == stub.received[0]["headers"]["Idempotency-Key"]
    assert attempt.finished_at >= attempt.started_at
    assert AuditEvent.objects.get(event="exchange.push").outcome == AuditEvent.Outcome.SUCCESS


def test_it_tries_again_after_a_5xx(may, installation, stub):
    stub.script = [Scripted(500), Scripted(503), Scripted(200)]

    push()

    attempt = PushAttempt.objects.get()
    assert (attempt.result, attempt.tries) == (PushAttempt.Result.SUCCEEDED, 3)
    assert len(stub.received) == 3


def test_it_tries_again_after_a_timeout(may, installation, stub):
    stub.script = [Scripted(200, delay=1.5), Scripted(200)]

    push()

    attempt = PushAttempt.objects.get()
    assert (attempt.result, attempt.tries) == (PushAttempt.Result.SUCCEEDED, 2)


def test_it_reports_a_push_that_keeps_failing(may, installation, stub):
    stub.script = [Scripted(502)] * 3

    with pytest.raises(CommandError, match="失败.*共发送3次.*HTTP 502"):
        push()

    attempt = PushAttempt.objects.get()
    assert (attempt.result, attempt.tries, attempt.response_status) == (PushAttempt.Result.FAILED, 3, 502)
    assert AuditEvent.objects.get(event="exchange.push").outcome == AuditEvent.Outcome.FAILURE


def test_it_does_not_try_again_after_a_refusal(may, installation, stub):
    stub.script = [Scripted(403, {"detail": "令牌无效。"})]

    with pytest.raises(CommandError, match="HTTP 403"):
        push()

    assert PushAttempt.objects.get().tries == 1
    assert len(stub.received) == 1


def test_it_reports_an_unreachable_installation(may, installation, stub):
    installation.base_url = "http://127.0.0.1:9"
    installation.save()

    with pytest.raises(CommandError, match="无法连接对方平台"):
        push()

    assert PushAttempt.objects.get().result == PushAttempt.Result.FAILED


def test_it_refuses_without_a_token(may, installation, stub, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV)

    with pytest.raises(CommandError, match=f"环境变量 {TOKEN_ENV} 中没有"):
        push()

    assert stub.received == []


def test_retry_sends_a_failed_push_again(may, installation, stub):
    stub.script = [Scripted(500)] * 3
    with pytest.raises(CommandError):
        push()

    call_command("exchange", "retry", stdout=io.StringIO())

    latest = PushAttempt.objects.order_by("-pk").first()
    assert (latest.result, latest.trigger) == (PushAttempt.Result.SUCCEEDED, PushAttempt.Trigger.RETRY)
    out = io.StringIO()
    call_command("exchange", "retry", stdout=out)
    assert "没有需要推送的月份" in out.getvalue()


def test_push_due_pushes_each_forwarded_month_once(may, installation, stub):
    call_command("exchange", "push-due", stdout=io.StringIO())
    out = io.StringIO()
    call_command("exchange", "push-due", stdout=out)

    attempt = PushAttempt.objects.get()
    assert (attempt.month, attempt.trigger, attempt.result) == (5, "schedule", "succeeded")
    assert "没有需要推送的月份" in out.getvalue()


def test_push_due_fails_loudly(may, installation, stub):
    stub.script = [Scripted(500)] * 3

    with pytest.raises(CommandError, match="2023年5月：失败"):
        call_command("exchange", "push-due", stdout=io.StringIO())
