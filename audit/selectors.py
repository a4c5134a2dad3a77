"""Reads of the audit log for the audit administrator's pages and export."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import registry
from audit.models import AuditEvent

# The audit log's own events; each app labels its own (audit.registry.label_events).
AUDIT_EVENT_LABELS = {
    "login": "登录",
    "logout": "退出登录",
    "login.locked": "账号锁定（连续登录失败）",
    "export": "导出",
    "admin.export": "后台导出",
    "admin.import": "后台导入",
    "admin.network_refused": "后台访问地址不在允许范围",
    "access.denied": "拒绝访问（无权限或超出本单位范围）",
    "audit.purged": "清理过期审计记录",
}
KIND_LABELS = {"created": "新增", "changed": "修改", "deleted": "删除"}


def event_label(event: str) -> str:
    """The event in words: “指标数据 修改” for figures.changed, the table above for the rest."""
    labels = registry.event_labels()
    if event in AUDIT_EVENT_LABELS or event in labels:
        return str(AUDIT_EVENT_LABELS.get(event) or labels[event])
    parts = event.split(".")
    if len(parts) == 3 and parts[2] in KIND_LABELS:
        try:
            model = apps.get_model(*registry.current_model(parts[0], parts[1]))
        except LookupError:
            return event
        return f"{model._meta.verbose_name} {KIND_LABELS[parts[2]]}"
    return event


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    unit: str = ""
    event: str = ""
    outcome: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def describe(self) -> list[str]:
        lines = []
        if self.username:
            lines.append(_("用户：%(value)s") % {"value": self.username})
        if self.unit:
            lines.append(_("单位：%(value)s") % {"value": self.unit})
        if self.event:
            lines.append(_("事件：%(value)s") % {"value": event_label(self.event)})
        if self.outcome:
            lines.append(_("结果：%(value)s") % {"value": AuditEvent.Outcome(self.outcome).label})
        if self.date_from or self.date_to:
            lines.append(
                _("日期：%(start)s 至 %(end)s") % {"start": self.date_from or "", "end": self.date_to or ""}
            )
        return lines


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(filters: AuditFilter) -> QuerySet:
    events = AuditEvent.objects.all()
    if filters.username:
        events = events.filter(username=filters.username)
    if filters.unit:
        events = events.filter(unit=filters.unit)
    if filters.event:
        events = events.filter(event=filters.event)
    if filters.outcome:
        events = events.filter(outcome=filters.outcome)
    if filters.date_from:
        events = events.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return events.order_by("-at", "-pk")


def known_events() -> list[str]:
    return list(AuditEvent.objects.order_by("event").values_list("event", flat=True).distinct())


def known_units() -> list[str]:
    return list(
        AuditEvent.objects.exclude(unit="").order_by("unit").values_list("unit", flat=True).distinct()
    )
