"""Reminding lead units that have not submitted the open month."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from projects.models import TaskRow, Unit
from reporting.calendar.deadlines import month_schedule
from reporting.models import ReportingMonth
from reporting.selectors import units_missing_submission


@dataclass
class Reminder:
    unit: Unit
    rows: list[TaskRow]
    recipients: list[str]


def pending_reminders(*, reporting_month: ReportingMonth) -> list[Reminder]:
    missing = units_missing_submission(reporting_month=reporting_month)
    emails: dict[int, list[str]] = {}
    liaisons = Membership.objects.filter(role=Role.LIAISON, unit__in=list(missing), user__is_active=True)
    for membership in liaisons.select_related("user"):
        if membership.user.email:
            emails.setdefault(membership.unit_id, []).append(membership.user.email)
    return [
        Reminder(unit=unit, rows=rows, recipients=emails.get(unit.pk, []))
        for unit, rows in sorted(missing.items(), key=lambda item: item[0].name)
    ]


def send_reminders(*, reporting_month: ReportingMonth, reminders: list[Reminder]) -> int:
    schedule = month_schedule(reporting_month)
    subject = _("【民生实事】%(month)s数据尚未报送") % {"month": reporting_month}
    messages = []
    for reminder in reminders:
        if not reminder.recipients:
            continue
        body = _(
            "%(unit)s：\n\n以下重点民生实事项目%(month)s的数据尚未提交，报送截止日为%(deadline)s：\n%(rows)s\n\n"
            "请登录民生实事调度平台“本月填报”完成填报并提交。\n专班办公室（县人社局）"
        ) % {
            "unit": reminder.unit,
            "month": reporting_month,
            "deadline": f"{schedule.submit_deadline:%Y-%m-%d}",
            "rows": "\n".join(f"- {row}" for row in reminder.rows),
        }
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, reminder.recipients))
    return send_mass_mail(messages, fail_silently=False) if messages else 0
