"""Reminding lead units that have not submitted the open month, and telling a unit whose part a
lead unit closed as 本月无数据 (`reporting.workflow.completeness`)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from projects.models import TaskRow, Unit
from reporting.calendar.deadlines import month_schedule
from reporting.models import Contribution, ReportingMonth
from reporting.selectors import units_missing_submission


@dataclass
class Reminder:
    unit: Unit
    rows: list[TaskRow]
    recipients: list[str]
    # Rows where the lead unit submitted this unit's part as 本月无数据: (row, reason).
    closed_parts: list[tuple[TaskRow, str]] = field(default_factory=list)


def _closed_parts(reporting_month: ReportingMonth) -> dict[Unit, list[tuple[TaskRow, str]]]:
    marked = (
        Contribution.objects.filter(submission__reporting_month=reporting_month)
        .exclude(no_data_reason="")
        .select_related("unit", "submission__task_row__project__tier")
        .order_by("unit__name", "submission__task_row__project__number", "submission__task_row__position")
    )
    result: dict[Unit, list[tuple[TaskRow, str]]] = defaultdict(list)
    for contribution in marked:
        result[contribution.unit].append((contribution.submission.task_row, contribution.no_data_reason))
    return result


def pending_reminders(*, reporting_month: ReportingMonth) -> list[Reminder]:
    missing = units_missing_submission(reporting_month=reporting_month)
    closed = _closed_parts(reporting_month)
    units = {unit.pk: unit for unit in [*missing, *closed]}
    emails: dict[int, list[str]] = {}
    liaisons = Membership.objects.filter(role=Role.LIAISON, unit__in=list(units), user__is_active=True)
    for membership in liaisons.select_related("user"):
        if membership.user.email:
            emails.setdefault(membership.unit_id, []).append(membership.user.email)
    return [
        Reminder(
            unit=unit,
            rows=missing.get(unit, []),
            recipients=emails.get(unit.pk, []),
            closed_parts=closed.get(unit, []),
        )
        for unit in sorted(units.values(), key=lambda item: item.name)
    ]


def send_reminders(*, reporting_month: ReportingMonth, reminders: list[Reminder]) -> int:
    schedule = month_schedule(reporting_month)
    subject = _("【民生实事】%(month)s数据报送提醒") % {"month": reporting_month}
    messages = []
    for reminder in reminders:
        if not reminder.recipients:
            continue
        parts = []
        if reminder.rows:
            parts.append(
                _("以下重点民生实事项目%(month)s的数据尚未提交，报送截止日为%(deadline)s：\n%(rows)s")
                % {
                    "month": reporting_month,
                    "deadline": f"{schedule.submit_deadline:%Y-%m-%d}",
                    "rows": "\n".join(f"- {row}" for row in reminder.rows),
                }
            )
        if reminder.closed_parts:
            parts.append(
                _(
                    "以下项目的牵头单位已将贵单位%(month)s的部分标记为“本月无数据”后提交：\n%(rows)s\n"
                    "如贵单位确有数据，请联系牵头单位或专班办公室退回后补填。"
                )
                % {
                    "month": reporting_month,
                    "rows": "\n".join(f"- {row}（原因：{reason}）" for row, reason in reminder.closed_parts),
                }
            )
        body = _(
            "%(unit)s：\n\n%(parts)s\n\n请登录民生实事调度平台“本月填报”查看。\n专班办公室（县人社局）"
        ) % {
            "unit": reminder.unit,
            "parts": "\n\n".join(parts),
        }
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, reminder.recipients))
    return send_mass_mail(messages, fail_silently=False) if messages else 0
