"""Reading an upload: the workbook checked and read into rows of raw text, each problem located.

An upload is untrusted until proven otherwise: its size, its zip structure (parts, uncompressed
size, compression ratio) and its number of rows are capped before and while openpyxl reads it in
read-only mode, so a bomb or a sheet of a million rows is refused quickly instead of exhausting a
worker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core.numbers import NotANumber, read_id
from core.uploads import NOT_XLSX, UploadRefused, check_archive, limit
from reporting.imports.template import (
    COLUMNS,
    EXPLANATION,
    FIRST_DATA_ROW,
    FUNDS,
    HEADER_ROWS,
    INDICATOR_ID,
    LAST_COLUMN,
    MARK,
    PROBLEMS,
    PROGRESS,
    ROW_ID,
    STAGE,
    VALUE,
    VERSION,
    TemplateColumn,
)
from reporting.workflow.validation import EXPLANATION_LIMIT, TEXT_LIMIT, too_long

logger = logging.getLogger(__name__)


# --- reading an upload ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """A problem with the upload: where (Excel row and column, when known) and what, in Chinese."""

    message: str
    row: int | None = None
    column: TemplateColumn | None = None

    @property
    def where(self) -> str:
        if self.row is None:
            return ""
        if self.column is None:
            return _("第%(row)s行") % {"row": self.row}
        return _("第%(row)s行 %(letter)s列（%(header)s）") % {
            "row": self.row,
            "letter": self.column.letter,
            "header": self.column.header,
        }

    def __str__(self) -> str:
        return f"{self.where}：{self.message}" if self.where else self.message


@dataclass
class UploadRow:
    """One data row of the upload, cells as raw text."""

    row: int
    task_row_id: int | None
    indicator_id: int | None
    version: int | None
    cells: dict[int, str]
    issues: list[Issue] = field(default_factory=list)

    def text(self, column: TemplateColumn) -> str:
        return self.cells.get(column.index, "")

    @property
    def is_task_line(self) -> bool:
        return self.indicator_id is None


@dataclass
class Upload:
    """What an upload holds, read once: kept as `as_data()` between the preview and the confirm."""

    year: int
    month: int
    unit_id: int | None
    lines: list[UploadRow]

    def as_data(self) -> dict:
        """Plain JSON data (reporting.imports.pending stores it), read back by `from_data`."""
        return {
            "year": self.year,
            "month": self.month,
            "unit_id": self.unit_id,
            "lines": [
                {
                    "row": line.row,
                    "task_row_id": line.task_row_id,
                    "indicator_id": line.indicator_id,
                    "version": line.version,
                    "cells": {str(index): text for index, text in line.cells.items() if text},
                    "issues": [
                        [str(issue.message), issue.row, issue.column and issue.column.index]
                        for issue in line.issues
                    ],
                }
                for line in self.lines
            ],
        }

    @classmethod
    def from_data(cls, data: dict) -> Upload:
        column_at = {column.index: column for column in COLUMNS}
        return cls(
            year=data["year"],
            month=data["month"],
            unit_id=data["unit_id"],
            lines=[
                UploadRow(
                    row=line["row"],
                    task_row_id=line["task_row_id"],
                    indicator_id=line["indicator_id"],
                    version=line["version"],
                    cells={
                        column.index: line["cells"].get(str(column.index), "")
                        for column in (*NUMERIC_COLUMNS, *TEXT_COLUMNS)
                    },
                    issues=[
                        Issue(message, row, column_at.get(index)) for message, row, index in line["issues"]
                    ],
                )
                for line in data["lines"]
            ],
        )


def _cell_text(value, *, numeric: bool) -> tuple[str, str | None]:
    """A cell as text for the services' parsers, or an error for what is not a value at all."""
    if value is None:
        return "", None
    if isinstance(value, bool):
        return str(value), _("应填写数字，不能是“是/否”。") if numeric else None
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float: 12.3, not 12.300000000000001.
        return (str(int(value)) if value.is_integer() else repr(value)), None
    if isinstance(value, Decimal):
        return str(value), None
    if isinstance(value, datetime | date):
        return str(value), _("应填写数字，不能是日期。") if numeric else None
    text = str(value).strip()
    if numeric and text.startswith("="):
        return text, _("请直接填写数值，不要使用公式。")
    return text, None


def _id(value) -> int | None | str:
    """A hidden id cell: an int, None when empty, or "bad" (also beyond the database's id range)."""
    if isinstance(value, str) and not value.strip():
        return None
    try:
        return read_id(value, minimum=0)  # a version may be 0
    except NotANumber:
        return "bad"


NUMERIC_COLUMNS = (VALUE, FUNDS)
TEXT_COLUMNS = (STAGE, EXPLANATION, PROGRESS, PROBLEMS)
# What a cell may hold once read: the field's own limit (checked, with its message, by the
# services), then cut. So what is kept between preview and confirm is bounded by the row cap,
# whatever the file held; a longer cell is refused with the limit named, never saved cut.
CELL_LIMITS = {
    VALUE.index: 100,
    FUNDS.index: 100,
    STAGE.index: 100,
    EXPLANATION.index: EXPLANATION_LIMIT,
    PROGRESS.index: TEXT_LIMIT,
    PROBLEMS.index: TEXT_LIMIT,
}


def read_upload(path: Path | BinaryIO, *, size: int) -> Upload:
    """The template's mark and data rows; stops at the row cap instead of reading on."""
    check_archive(path, size=size)
    if not isinstance(path, str | Path):
        path.seek(0)  # zipfile has read it through
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        logger.info("Unreadable upload: %s", exc)
        raise UploadRefused(str(NOT_XLSX)) from exc
    try:
        return _read_rows(workbook)
    except UploadRefused:
        raise
    except Exception as exc:  # malformed or forbidden XML (defusedxml) inside a valid zip
        logger.info("Unreadable upload content: %s", exc)
        raise UploadRefused(_("无法读取该文件的内容，文件可能已损坏。请重新下载模板填写。")) from exc
    finally:
        workbook.close()


def _first_cell(sheet):
    return next(sheet.iter_rows(min_row=1, max_row=1, max_col=1, values_only=True), (None,))[0]


def _refuse_moved_sheet(workbook) -> None:
    """The template's sheet is there but not first: say so, rather than "not our template"."""
    for position, sheet in enumerate(workbook.worksheets[1:], start=2):
        if _first_cell(sheet) == MARK:
            raise UploadRefused(
                _(
                    "填报数据须在第一个工作表。本文件的模板工作表“%(name)s”排在第%(position)s个，"
                    "请把它移回第一个位置（或删除排在前面的工作表）后再上传。"
                )
                % {"name": sheet.title, "position": position}
            )


def _check_headers(values: tuple) -> None:
    """The column headers as the template wrote them: a relabelled or moved column is named and refused.

    Typing under the wrong column (2300 under 累计投入资金) must not be read as the figure it looks like.
    """
    values = tuple(values) + (None,) * (LAST_COLUMN - len(values))
    wrong = [
        _("%(letter)s列应为“%(expected)s”，现为“%(found)s”")
        % {"letter": column.letter, "expected": column.header, "found": values[column.index - 1] or ""}
        for column in COLUMNS
        if str(values[column.index - 1] or "").strip() != str(column.header)
    ]
    if wrong:
        raise UploadRefused(
            _(
                "第%(row)s行的列标题与模板不符：%(columns)s。请使用本月下载的模板，不要移动、插入、删除或改名列。"
            )
            % {"row": HEADER_ROWS, "columns": "；".join(wrong)}
        )


def _read_rows(workbook) -> Upload:
    if not workbook.worksheets:
        raise UploadRefused(str(NOT_XLSX))
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(min_row=1, max_col=LAST_COLUMN, values_only=True)
    first = next(rows, ())
    second = next(rows, ())
    headers = next(rows, ())
    mark = first[0] if first else None
    year, month = (_id(first[1]), _id(first[2])) if len(first) >= 3 else (None, None)
    if mark != MARK:
        _refuse_moved_sheet(workbook)
    if mark != MARK or not isinstance(year, int) or not isinstance(month, int) or not 1 <= month <= 12:
        raise UploadRefused(
            _(
                "这不是本平台的填报模板（或模板首行已被改动）。请先在“数据导入”页面下载本月模板，填写后再上传。"
            )
        )
    _check_headers(headers)
    unit_id = _id(second[0]) if second else None
    max_rows = limit("IMPORT_MAX_ROWS")
    lines = []
    for offset, values in enumerate(rows):
        if offset >= max_rows:
            raise UploadRefused(
                _("文件行数超过上限（%(limit)s行），已停止读取。请只上传本平台下载的模板。")
                % {"limit": max_rows}
            )
        line = _line(FIRST_DATA_ROW + offset, values)
        if line is not None:
            lines.append(line)
    return Upload(year=year, month=month, unit_id=unit_id if isinstance(unit_id, int) else None, lines=lines)


def _line(row: int, values: tuple) -> UploadRow | None:
    values = tuple(values) + (None,) * (LAST_COLUMN - len(values))
    ids = [_id(values[column.index - 1]) for column in (ROW_ID, INDICATOR_ID, VERSION)]
    cells, issues = {}, []
    for column in (*NUMERIC_COLUMNS, *TEXT_COLUMNS):
        text, error = _cell_text(values[column.index - 1], numeric=column in NUMERIC_COLUMNS)
        cap = CELL_LIMITS[column.index]
        if len(text) > cap:
            text, error = text[:cap], too_long(text, cap, what=str(column.header))
        cells[column.index] = text
        if error:
            issues.append(Issue(error, row, column))
    if ids == [None, None, None] and not any(cells.values()):
        return None  # an empty row
    task_row_id, indicator_id, version = ids
    if task_row_id is None or task_row_id == "bad" or indicator_id == "bad" or not isinstance(version, int):
        return UploadRow(
            row,
            None,
            None,
            None,
            cells,
            [Issue(_("隐藏的编号列缺失或被改动，请使用下载的模板，不要增删行或修改隐藏列。"), row, ROW_ID)],
        )
    return UploadRow(row, task_row_id, indicator_id, version, cells, issues)
