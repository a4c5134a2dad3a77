"""Receiving a county's pushed month: checked whole, stored whole, each figure kept with its history.

The sender is the one the authenticated client is registered for (`Sender`), never what the
body claims. A push is all or nothing: every value is checked first and the message names each
bad one; the month's figures are then locked (select_for_update) and each is updated, inserted
if missing, or removed if the county no longer counts it, with no ON CONFLICT, so the code runs
on any database. A repeated Idempotency-Key gets the first answer back and writes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.errors import Refused
from core.text import control_characters_message
from exchange.models import ReceivedBatch, ReceivedFigure

MAX_VALUES = 50000
MAX_CODE = 100
VALUE_LIMIT = Decimal("1e12")
# The fields of a received figure compared to tell an update from a repeat.
COMPARED = (
    "indicator_name",
    "unit_name",
    "task_row_code",
    "project_title",
    "task_row_title",
    "measure",
    "value",
    "stage",
    "text_value",
    "additive",
    "is_lead_unit",
    "status",
    "submitted_at",
    "verified_at",
    "forwarded_at",
    "trail",
)


class ReceiveRefused(Refused):
    """A push refused whole; `errors` lists each problem (value number and field)."""

    def __init__(self, message: str, errors: list[str] | None = None, status_code: int = 400):
        super().__init__(message)
        self.errors = errors or []
        self.status_code = status_code


@dataclass(frozen=True)
class SenderIdentity:
    code: str
    name: str


def _text(item: dict, key: str, limit: int, problems: list, where: str, *, required=False) -> str:
    value = item.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        problems.append(_("%(where)s：%(key)s 应为文字。") % {"where": where, "key": key})
        return ""
    value = value.strip()
    if control_characters_message(value, multiline=False):
        problems.append(control_characters_message(value, multiline=False, what=f"{where}：{key} "))
        return ""
    if required and not value:
        problems.append(_("%(where)s：缺少 %(key)s。") % {"where": where, "key": key})
    if len(value) > limit:
        problems.append(
            _("%(where)s：%(key)s 超过%(limit)s个字符。") % {"where": where, "key": key, "limit": limit}
        )
    return value[:limit]


def _moment(item: dict, key: str, problems: list, where: str) -> datetime | None:
    value = item.get(key)
    if value in (None, ""):
        return None
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None or timezone.is_naive(moment):
        problems.append(_("%(where)s：%(key)s 不是带时区的时间。") % {"where": where, "key": key})
        return None
    return moment


def _decimal(item: dict, problems: list, where: str) -> Decimal | None:
    value = item.get("value")
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) >= VALUE_LIMIT:
        problems.append(_("%(where)s：数值“%(value)s”无效。") % {"where": where, "value": str(value)[:30]})
        return None
    return number.quantize(Decimal("0.0001"))


def _trail(item: dict, problems: list, where: str) -> list:
    trail = item.get("trail") or []
    if not isinstance(trail, list) or len(trail) > 100 or not all(isinstance(step, dict) for step in trail):
        problems.append(_("%(where)s：审核记录摘要格式不正确。") % {"where": where})
        return []
    steps = [
        {key: str(step.get(key) or "")[:100] for key in ("action", "action_display", "by", "at")}
        for step in trail
    ]
    if any(control_characters_message(text, multiline=False) for step in steps for text in step.values()):
        problems.append(control_characters_message("\x00", multiline=False, what=f"{where}：审核记录摘要"))
        return []
    return steps


def _period(payload: dict) -> tuple[int, int]:
    year, month = payload.get("year"), payload.get("month")
    if (
        not isinstance(year, int)
        or not isinstance(month, int)
        or not (2000 <= year <= 2100 and 1 <= month <= 12)
    ):
        raise ReceiveRefused(_("年度或月份无效。"))
    return year, month


def parse_values(payload: dict) -> list[dict]:
    """The payload's values as ReceivedFigure fields; ReceiveRefused naming every problem."""
    values = payload.get("values")
    if not isinstance(values, list):
        raise ReceiveRefused(_("缺少数据列表 values。"))
    if len(values) > MAX_VALUES:
        raise ReceiveRefused(
            _("一次推送的数据不得超过%(limit)s条。") % {"limit": MAX_VALUES}, status_code=413
        )
    problems: list[str] = []
    parsed, seen = [], set()
    for number, item in enumerate(values, start=1):
        where = _("第%(number)s条") % {"number": number}
        if not isinstance(item, dict):
            problems.append(_("%(where)s：格式不正确。") % {"where": where})
            continue
        stage = item.get("stage")
        if stage is not None and (not isinstance(stage, int) or not 0 <= stage <= 10):
            problems.append(_("%(where)s：进展节点无效。") % {"where": where})
            stage = None
        figure = {
            "indicator_code": _text(item, "indicator", MAX_CODE, problems, where, required=True),
            "unit_code": _text(item, "unit", MAX_CODE, problems, where, required=True),
            "indicator_name": _text(item, "indicator_name", 200, problems, where),
            "unit_name": _text(item, "unit_name", 100, problems, where),
            "task_row_code": _text(item, "task_row", MAX_CODE, problems, where),
            "project_title": _text(item, "project", 300, problems, where),
            "task_row_title": _text(item, "task_row_title", 300, problems, where),
            "measure": _text(item, "measure", 20, problems, where),
            "value": _decimal(item, problems, where),
            "stage": stage,
            "text_value": _text(item, "text", 300, problems, where),
            "additive": bool(item.get("additive", True)),
            "is_lead_unit": bool(item.get("lead_unit", False)),
            "status": _text(item, "status", 20, problems, where),
            "submitted_at": _moment(item, "submitted_at", problems, where),
            "verified_at": _moment(item, "verified_at", problems, where),
            "forwarded_at": _moment(item, "forwarded_at", problems, where),
            "trail": _trail(item, problems, where),
        }
        key = (figure["indicator_code"], figure["unit_code"])
        if key in seen:
            problems.append(
                _("%(where)s：指标 %(indicator)s、单位 %(unit)s 重复。")
                % {"where": where, "indicator": key[0], "unit": key[1]}
            )
        seen.add(key)
        parsed.append(figure)
    if problems:
        raise ReceiveRefused(_("推送的数据有误，全部未接收。"), errors=problems[:200])
    return parsed


def body_hash(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _replayed(key: str) -> dict | None:
    found = ReceivedBatch.objects.filter(idempotency_key=key).values_list("answer", flat=True).first()
    return None if found is None else {**found, "replayed": True}


def receive(*, sender: SenderIdentity, client_name: str, idempotency_key: str, payload: dict) -> dict:
    """Store a pushed month as coming from `sender`; the answer (counts) to give, now and on a repeat."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > 200:
        raise ReceiveRefused(_("推送须带 Idempotency-Key 请求头（不超过200个字符）。"))
    if not isinstance(payload, dict):
        raise ReceiveRefused(_("请求内容应为 JSON 对象。"))
    claimed = payload.get("sender") or {}
    if isinstance(claimed, dict) and claimed.get("code") not in (None, sender.code):
        raise ReceiveRefused(
            _("该令牌登记为“%(name)s”（%(code)s）的推送令牌，不能代其他地区推送。")
            % {"name": sender.name, "code": sender.code},
            status_code=403,
        )
    replay = _replayed(key)
    if replay is not None:
        return replay
    year, month = _period(payload)
    figures = parse_values(payload)
    try:
        with transaction.atomic():
            answer = _store(sender=sender, year=year, month=month, figures=figures)
            ReceivedBatch.objects.create(
                idempotency_key=key,
                client_name=client_name[:100],
                sender_code=sender.code,
                sender_name=sender.name,
                year=year,
                month=month,
                content_hash=body_hash(payload),
                sender_forwarded_at=_moment(payload, "forwarded_at", [], ""),
                answer=answer,
            )
    except IntegrityError:
        # The same key, or the same month's figures, written by a concurrent push: its answer stands.
        replay = _replayed(key)
        if replay is not None:
            return replay
        raise ReceiveRefused(_("同一月份的数据正在被另一次推送写入，请稍后重试。"), status_code=409) from None
    return {**answer, "replayed": False}


def _store(*, sender: SenderIdentity, year: int, month: int, figures: list[dict]) -> dict:
    now = timezone.now()
    reason = _("接收%(name)s推送的%(year)s年%(month)s月数据") % {
        "name": sender.name,
        "year": year,
        "month": month,
    }
    existing = {
        (figure.indicator_code, figure.unit_code): figure
        for figure in ReceivedFigure.objects.select_for_update().filter(
            sender_code=sender.code, year=year, month=month
        )
    }
    created = updated = unchanged = 0
    for fields in figures:
        current = existing.pop((fields["indicator_code"], fields["unit_code"]), None)
        if current is None:
            figure = ReceivedFigure(
                sender_code=sender.code,
                sender_name=sender.name,
                year=year,
                month=month,
                received_at=now,
                **fields,
            )
            figure._change_reason = reason
            figure.save(force_insert=True)
            created += 1
            continue
        if (
            all(getattr(current, name) == fields[name] for name in COMPARED)
            and current.sender_name == sender.name
        ):
            unchanged += 1
            continue
        for name, value in fields.items():
            setattr(current, name, value)
        current.sender_name, current.received_at = sender.name, now
        current._change_reason = reason
        current.save()
        updated += 1
    for gone in existing.values():
        gone._change_reason = _("%(reason)s：对方已不再计入该数据") % {"reason": reason}
        gone.delete()
    return {
        "sender": {"code": sender.code, "name": sender.name},
        "year": year,
        "month": month,
        "values": len(figures),
        "created": created,
        "updated": updated,
        "unchanged": unchanged,
        "removed": len(existing),
    }
