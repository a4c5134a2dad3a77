"""Sending a forwarded month to a receiving installation: tries, backoff, the push record and the audit row.

`push_month` never drops a failure: every push ends as a `PushAttempt` row (succeeded, dry run,
refused or failed, with the receiver's answer) and an audit row; the command turns a refusal or
a failure into a Chinese message and a non-zero exit. Connection errors, timeouts, 5xx, 408 and
429 answers are tried again, a bounded number of times with a growing pause; any other 4xx is
the receiver's refusal and is not.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from urllib.parse import urljoin

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import record
from exchange.models import PushAttempt, ReceivingInstallation
from exchange.outbox import OutgoingMonth, PushRefused, outgoing_month
from reporting.models import ReportingMonth

logger = logging.getLogger(__name__)

RECEIVE_PATH = "/api/v1/exchange/receive/"
EXCERPT_LIMIT = 2000
RETRIED_STATUSES = frozenset({408, 429})


@dataclass(frozen=True)
class Answer:
    status: int | None
    body: str
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def worth_retrying(self) -> bool:
        return self.status is None or self.status >= 500 or self.status in RETRIED_STATUSES


def receive_url(installation: ReceivingInstallation) -> str:
    return urljoin(installation.base_url.rstrip("/") + "/", RECEIVE_PATH.lstrip("/"))


def token_of(installation: ReceivingInstallation) -> str:
    token = os.environ.get(installation.token_env, "")
    if not token:
        raise PushRefused(
            _("环境变量 %(name)s 中没有“%(installation)s”的接口令牌，未推送。")
            % {"name": installation.token_env, "installation": installation.name}
        )
    return token


def _send_once(*, url: str, token: str, outgoing: OutgoingMonth) -> Answer:
    try:
        response = requests.post(
            url,
            json=outgoing.payload,
            headers={
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": outgoing.idempotency_key,
                "Accept": "application/json, application/problem+json",
            },
            timeout=(settings.EXCHANGE_CONNECT_TIMEOUT_SECONDS, settings.EXCHANGE_READ_TIMEOUT_SECONDS),
            allow_redirects=False,
        )
    except requests.Timeout:
        return Answer(None, "", _("对方平台在规定时间内没有应答（超时）。"))
    except requests.RequestException as exc:
        return Answer(None, "", _("无法连接对方平台：%(error)s") % {"error": type(exc).__name__})
    body = response.text[:EXCERPT_LIMIT]
    if 200 <= response.status_code < 300:
        return Answer(response.status_code, body)
    return Answer(
        response.status_code,
        body,
        _("对方平台拒绝或未能处理（HTTP %(status)s）。") % {"status": response.status_code},
    )


def _pause(after_try: int) -> None:
    pause = settings.EXCHANGE_RETRY_BACKOFF_SECONDS * 2 ** (after_try - 1)
    if pause > 0:
        time.sleep(pause)


def _finish(
    attempt: PushAttempt, *, result: str, error: str = "", answer: Answer | None = None
) -> PushAttempt:
    attempt.result = result
    attempt.error = error
    attempt.finished_at = timezone.now()
    if answer is not None:
        attempt.response_status = answer.status
        attempt.response_excerpt = answer.body
    outcome = {
        PushAttempt.Result.SUCCEEDED: AuditEvent.Outcome.SUCCESS,
        PushAttempt.Result.DRY_RUN: AuditEvent.Outcome.SUCCESS,
        PushAttempt.Result.REFUSED: AuditEvent.Outcome.DENIED,
    }.get(result, AuditEvent.Outcome.FAILURE)
    with transaction.atomic():
        attempt.save()
        record(
            event="exchange.push",
            obj=attempt,
            outcome=outcome,
            detail={
                "installation": attempt.installation.name,
                "year": attempt.year,
                "month": attempt.month,
                "dry_run": attempt.dry_run,
                "result": result,
                "values": attempt.value_count,
                "tries": attempt.tries,
                "status": attempt.response_status,
                "error": error[:200],
            },
        )
    return attempt


def push_month(
    *,
    installation: ReceivingInstallation,
    year: int,
    month: int,
    dry_run: bool = False,
    trigger: str = PushAttempt.Trigger.COMMAND,
) -> PushAttempt:
    """Push the month to the installation, recorded whatever happens; returns the record."""
    attempt = PushAttempt.objects.create(
        installation=installation,
        year=year,
        month=month,
        dry_run=dry_run,
        trigger=trigger,
        started_at=timezone.now(),
    )
    try:
        outgoing = outgoing_month(installation=installation, year=year, month=month)
        attempt.value_count = outgoing.value_count
        attempt.content_hash = outgoing.content_hash
        attempt.idempotency_key = outgoing.idempotency_key
        if dry_run:
            return _finish(attempt, result=PushAttempt.Result.DRY_RUN)
        token = token_of(installation)
    except PushRefused as exc:
        return _finish(attempt, result=PushAttempt.Result.REFUSED, error=str(exc))
    url = receive_url(installation)
    tries = max(1, settings.EXCHANGE_PUSH_TRIES)
    answer = Answer(None, "", _("未发送。"))
    for number in range(1, tries + 1):
        attempt.tries = number
        answer = _send_once(url=url, token=token, outgoing=outgoing)
        if answer.ok or not answer.worth_retrying:
            break
        logger.warning("Push to %s failed (try %s of %s): %s", installation.name, number, tries, answer.error)
        if number < tries:
            _pause(number)
    if answer.ok:
        return _finish(attempt, result=PushAttempt.Result.SUCCEEDED, answer=answer)
    return _finish(attempt, result=PushAttempt.Result.FAILED, error=answer.error, answer=answer)


def last_success_hash(installation: ReceivingInstallation, year: int, month: int) -> str | None:
    found = (
        PushAttempt.objects.filter(
            installation=installation, year=year, month=month, result=PushAttempt.Result.SUCCEEDED
        )
        .order_by("-started_at", "-pk")
        .values_list("content_hash", flat=True)
        .first()
    )
    return found


def due_pushes() -> list[tuple[ReceivingInstallation, int, int]]:
    """Every forwarded month not yet pushed with its current content to every active installation."""
    months = (
        ReportingMonth.objects.filter(forwarded_at__isnull=False)
        .select_related("plan_year")
        .order_by("plan_year__year", "month")
    )
    due = []
    for installation in ReceivingInstallation.objects.filter(is_active=True).order_by("name"):
        for reporting_month in months:
            year, month = reporting_month.plan_year.year, reporting_month.month
            pushed = last_success_hash(installation, year, month)
            if pushed is not None:
                try:
                    current = outgoing_month(installation=installation, year=year, month=month).content_hash
                except PushRefused:
                    current = None
                if current == pushed:
                    continue
            due.append((installation, year, month))
    return due


def failed_pushes() -> list[tuple[ReceivingInstallation, int, int]]:
    """(installation, year, month) whose latest real push failed: the ones `exchange retry` sends again."""
    latest: dict[tuple[int, int, int], PushAttempt] = {}
    attempts = (
        PushAttempt.objects.filter(dry_run=False)
        .exclude(result=PushAttempt.Result.RUNNING)
        .select_related("installation")
        .order_by("started_at", "pk")
    )
    for attempt in attempts:
        latest[(attempt.installation_id, attempt.year, attempt.month)] = attempt
    return [
        (attempt.installation, attempt.year, attempt.month)
        for attempt in latest.values()
        if attempt.result == PushAttempt.Result.FAILED and attempt.installation.is_active
    ]
