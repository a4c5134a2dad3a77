"""Comparing a received month with the sender's own monthly report (月度调度表), uploaded by the office.

The report is checked as every upload is (`core.uploads`) and read with openpyxl: each line's
项目, 任务内容, 指标 and 累计完成. A received indicator is matched to the report's line of the
same three names; the lines that differ, and counted lines that were not received, are listed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core.uploads import UploadRefused
from exchange.selectors import IndicatorTotal
from projects.models import Indicator

HEADER_SEARCH_ROWS = 10
COLUMNS = ("项目", "任务内容", "指标", "累计完成")


@dataclass(frozen=True)
class Line:
    key: tuple[str, str, str]
    received: str
    reported: str

    @property
    def agrees(self) -> bool:
        return self.received == self.reported


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        try:
            return format(Decimal(str(value)).normalize(), "f")
        except InvalidOperation:
            return str(value)
    return str(value).strip()


DATA_SHEET = "调度明细"


def report_lines(content: bytes) -> dict[tuple[str, str, str], str]:
    """The report's lines: (项目, 任务内容, 指标) → 累计完成 as text; UploadRefused if not the report."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise UploadRefused(_("无法读取该文件，请上传对方平台导出的月度调度表（.xlsx）。")) from exc
    try:
        # The full detail is on the data sheet (调度明细); a report of an older version has one sheet.
        sheet = workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = None
        for _number, row in zip(range(HEADER_SEARCH_ROWS), rows, strict=False):
            if row and row[0] == "序号":
                header = [_text(cell) for cell in row]
                break
        if header is None or not all(name in header for name in COLUMNS):
            raise UploadRefused(
                _("这不是月度调度表：“调度明细”工作表中没有“%(columns)s”列。")
                % {"columns": "”“".join(COLUMNS)}
            )
        at = [header.index(name) for name in COLUMNS]
        lines = {}
        for row in rows:
            project, task, name, figure = (_text(row[index]) if index < len(row) else "" for index in at)
            if name:
                lines[(project, task, name)] = figure
        return lines
    finally:
        workbook.close()


def _received_text(line: IndicatorTotal) -> str:
    if line.total is not None:
        return _text(line.total)
    if line.stage is not None:
        return str(Indicator.Stage(line.stage).label)
    return ""


def compare(totals: list[IndicatorTotal], content: bytes) -> list[Line]:
    """Each received indicator beside the report's 累计完成 for it ("" when the report has no such line)."""
    reported = report_lines(content)
    return [
        Line(key=line.report_key, received=_received_text(line), reported=reported.get(line.report_key, ""))
        for line in totals
    ]
