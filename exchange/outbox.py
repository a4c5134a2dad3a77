"""What a push sends: a forwarded month's counted figures, with their timestamps and review trail.

The payload is built from the counting rule (`reporting.counting.COUNTED`): each unit's figure of
each counted submission of the month, its codes mapped through the receiving installation's
table. Its content hash, with the sender and the month, makes the Idempotency-Key: the same
month with the same content is the same push, however often it is sent.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import Refused
from exchange import codes
from exchange.models import CodeMapping, ReceivingInstallation
from projects.models import PlanYear
from reporting.counting import COUNTED
from reporting.models import Figure, ReportingMonth, ReviewEvent

# The review steps summarised in the trail sent with each value.
TRAIL_ACTIONS = (
    ReviewEvent.Action.SUBMIT,
    ReviewEvent.Action.RETURN,
    ReviewEvent.Action.APPROVE,
    ReviewEvent.Action.VERIFY,
    ReviewEvent.Action.FORWARD,
    ReviewEvent.Action.REOPEN,
    ReviewEvent.Action.LATE_OPEN,
)


class PushRefused(Refused):
    """A push that must not be sent (month not forwarded, codes not mapped…); the message says why."""


@dataclass(frozen=True)
class OutgoingMonth:
    payload: dict
    content_hash: str
    idempotency_key: str

    @property
    def value_count(self) -> int:
        return len(self.payload["values"])


def forwarded_month(*, year: int, month: int) -> ReportingMonth:
    """The month to push; refused unless the office has forwarded it (整月上报)."""
    if not 1 <= month <= 12:
        raise PushRefused(_("月份须为1到12。"))
    found = (
        ReportingMonth.objects.select_related("plan_year").filter(plan_year__year=year, month=month).first()
    )
    if found is None and not PlanYear.objects.filter(year=year).exists():
        raise PushRefused(_("没有%(year)s年度的方案。") % {"year": year})
    if found is None or found.forwarded_at is None:
        raise PushRefused(
            _("%(year)s年%(month)s月尚未整月上报，不能推送；专班办公室整月上报后才能推送该月数据。")
            % {"year": year, "month": month}
        )
    return found


def _stamp(moment) -> str | None:
    return moment.isoformat() if moment else None


def _trails(submission_ids) -> dict[int, list[dict]]:
    events = (
        ReviewEvent.objects.filter(submission_id__in=submission_ids, action__in=TRAIL_ACTIONS)
        .select_related("actor")
        .order_by("submission_id", "at", "pk")
    )
    trails: dict[int, list[dict]] = defaultdict(list)
    for event in events:
        trails[event.submission_id].append(
            {
                "action": event.action,
                "action_display": str(event.get_action_display()),
                "by": event.actor.get_full_name() or event.actor.get_username(),
                "at": _stamp(event.at),
            }
        )
    return trails


def _last(trail: list[dict], action: str) -> str | None:
    moments = [step["at"] for step in trail if step["action"] == action]
    return moments[-1] if moments else None


class _Mapper:
    """Our codes → the installation's; collects every code with no mapping, to name them all at once."""

    def __init__(self, installation: ReceivingInstallation):
        self.installation = installation
        self.table = {
            (kind, ours): theirs
            for kind, ours, theirs in installation.mappings.values_list("kind", "our_code", "their_code")
        }
        self.missing: dict[str, dict[str, str]] = defaultdict(dict)

    def __call__(self, kind: str, code: str, name: str) -> str:
        found = self.table.get((kind, code))
        if found is not None:
            return found
        if self.installation.same_codes:
            return code
        self.missing[kind][code] = name
        return code

    def refuse_if_missing(self) -> None:
        if not self.missing:
            return
        lines = [
            _("以下代码在“%(installation)s”的代码对照表中没有对应代码，未推送：")
            % {"installation": self.installation.name}
        ]
        for kind in (CodeMapping.Kind.INDICATOR, CodeMapping.Kind.UNIT):
            if self.missing.get(kind):
                lines.append(
                    _("%(kind)s：%(codes)s")
                    % {
                        "kind": CodeMapping.Kind(kind).label,
                        "codes": "、".join(
                            f"{code}（{name}）" for code, name in sorted(self.missing[kind].items())
                        ),
                    }
                )
        raise PushRefused("\n".join(lines))


def _figures(reporting_month: ReportingMonth):
    return (
        Figure.objects.filter(
            contribution__submission__reporting_month=reporting_month,
            contribution__submission__status__in=COUNTED,
        )
        .exclude(value__isnull=True, stage__isnull=True)
        .select_related(
            "indicator__task_row__project__tier",
            "contribution__unit",
            "contribution__submission__task_row",
        )
        .order_by("indicator__task_row_id", "indicator__position", "indicator_id", "contribution__unit__name")
    )


def content_hash(values: list[dict], forwarded_at: str | None) -> str:
    canonical = json.dumps(
        {"values": values, "forwarded_at": forwarded_at}, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_key(*, year: int, month: int, digest: str) -> str:
    """(sender, year, month, content hash): the same content of the same month is the same push."""
    return f"{settings.EXCHANGE_SENDER_CODE}-{year}-{month:02d}-{digest[:40]}"


def outgoing_month(*, installation: ReceivingInstallation, year: int, month: int) -> OutgoingMonth:
    """The month's payload for the installation; refused if not forwarded or a code is not mapped."""
    reporting_month = forwarded_month(year=year, month=month)
    figures = list(_figures(reporting_month))
    trails = _trails({figure.contribution.submission_id for figure in figures})
    mapped = _Mapper(installation)
    forwarded_at = _stamp(reporting_month.forwarded_at)
    values = []
    for figure in figures:
        indicator, contribution = figure.indicator, figure.contribution
        submission, row = contribution.submission, indicator.task_row
        trail = trails.get(submission.pk, [])
        values.append(
            {
                "indicator": mapped(
                    CodeMapping.Kind.INDICATOR, codes.indicator_code(indicator), indicator.name
                ),
                "unit": mapped(
                    CodeMapping.Kind.UNIT, codes.unit_code(contribution.unit), contribution.unit.name
                ),
                "indicator_name": indicator.name,
                "unit_name": contribution.unit.name,
                "task_row": codes.task_row_code(row),
                # As the monthly report's 项目 and 任务内容 columns write them, to compare line by line.
                "project": f"{row.project.number}.{row.project.title}",
                "task_row_title": row.title,
                "measure": indicator.measure,
                "value": None if figure.value is None else str(figure.value),
                "stage": figure.stage,
                "text": figure.explanation,
                "additive": indicator.is_additive,
                "lead_unit": contribution.unit_id == submission.task_row.lead_unit_id,
                "status": submission.status,
                "submitted_at": _stamp(submission.submitted_at),
                "verified_at": _last(trail, ReviewEvent.Action.VERIFY),
                "forwarded_at": _last(trail, ReviewEvent.Action.FORWARD) or forwarded_at,
                "trail": trail,
            }
        )
    mapped.refuse_if_missing()
    digest = content_hash(values, forwarded_at)
    payload = {
        "sender": {"code": settings.EXCHANGE_SENDER_CODE, "name": settings.EXCHANGE_SENDER_NAME},
        "year": year,
        "month": month,
        "forwarded_at": forwarded_at,
        "content_hash": digest,
        "values": values,
    }
    return OutgoingMonth(
        payload=payload,
        content_hash=digest,
        idempotency_key=idempotency_key(year=year, month=month, digest=digest),
    )
