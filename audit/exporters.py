"""The audit log as an Excel file for the audit administrator, through core.xlsx."""

import json
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.selectors import AuditFilter, audit_events, event_label
from core.xlsx import DATETIME, Column, SheetSpec, StreamingExporter


class AuditLogExporter(StreamingExporter):
    identifier = "audit_log"
    verbose_name = gettext_lazy("审计日志")

    COLUMNS = (
        Column(gettext_lazy("时间"), 18, DATETIME),
        Column(gettext_lazy("用户"), 14),
        Column(gettext_lazy("单位"), 18, wrap=True),
        Column(gettext_lazy("客户端地址"), 16),
        Column(gettext_lazy("事件"), 22, wrap=True),
        Column(gettext_lazy("事件代码"), 22),
        Column(gettext_lazy("对象类型"), 18),
        Column(gettext_lazy("对象编号"), 9),
        Column(gettext_lazy("对象"), 30, wrap=True),
        Column(gettext_lazy("结果"), 8),
        Column(gettext_lazy("详情"), 50, wrap=True),
    )

    def __init__(self, *, filters: AuditFilter):
        self.filters = filters

    def get_filename(self) -> str:
        return f"{self.verbose_name}-{timezone.localdate():%Y%m%d}.{self.extension}"

    def rows(self) -> Iterator[tuple]:
        for event in audit_events(self.filters).iterator(chunk_size=2000):
            yield (
                event.at,
                event.username,
                event.unit,
                event.client_address or "",
                event_label(event.event),
                event.event,
                event.object_type,
                event.object_id,
                event.object_repr,
                event.get_outcome_display(),
                json.dumps(event.detail, ensure_ascii=False) if event.detail else "",
            )

    def sheets(self) -> Iterator[SheetSpec]:
        heading = [
            str(self.verbose_name),
            _("导出时间：%(at)s") % {"at": f"{timezone.localtime():%Y-%m-%d %H:%M}"},
            *self.filters.describe(),
        ]
        yield SheetSpec(title=str(self.verbose_name), columns=self.COLUMNS, rows=self.rows(), heading=heading)
