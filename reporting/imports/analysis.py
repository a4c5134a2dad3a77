"""Checking and saving an upload: each row against the unit's sheet, the changes it would make, then the save.

Nothing is written until the liaison confirms the preview; the write goes through
`reporting.workflow.data_entry.save_month_sheet`, so the validation, locks, permission and
version checks and the history are those of the web form, and a month is saved whole or not at
all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import roles
from audit.services import record
from core.numbers import NotANumber, read_decimal
from core.permissions import require
from core.uploads import UploadRefused
from projects.models import Indicator, TaskRow, Unit
from reporting.imports.reader import Issue, Upload, UploadRow, read_upload
from reporting.imports.template import (
    EXPLANATION,
    FUNDS,
    INDICATOR_ID,
    PROBLEMS,
    PROGRESS,
    ROW_ID,
    STAGE,
    STAGE_LABELS,
    VALUE,
)
from reporting.models import ReportingMonth
from reporting.selectors import EntryRow, entry_sheet
from reporting.workflow import data_entry, errors
from reporting.workflow.validation import EXPLANATION_LIMIT, TEXT_LIMIT, FigureInput, parse_number, text_error

# --- checking and saving -------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportChange:
    row: int
    label: str
    old: str
    new: str


@dataclass
class ImportPlan:
    """What an upload would change, and what stands in its way."""

    reporting_month: ReportingMonth
    unit: Unit
    changes: list[ImportChange] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    entries: list[data_entry.SheetEntry] = field(default_factory=list)
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def task_rows_changed(self) -> int:
        return len(self.entries)


def _funds_differ(text: str, old: Decimal | None) -> bool:
    try:
        return read_decimal(text) != old
    except NotANumber:
        return True  # the services refuse it, with the message


class _RowCheck:
    """One task row of the upload against the unit's sheet: inputs for the service, and the diff."""

    def __init__(self, entry: EntryRow, lines: list[UploadRow]):
        self.entry, self.lines = entry, lines
        self.task_line = next((line for line in lines if line.is_task_line), None)
        self.line_of: dict[int, UploadRow] = {}
        self.changes: list[ImportChange] = []
        self.issues: list[Issue] = []

    def run(self) -> data_entry.SheetEntry | None:
        entry = self.entry
        indicators = {item.pk: item for item in entry.indicators}
        of_row = {item.pk for item in entry.row_indicators}
        inputs = []
        for line in self.lines:
            self.issues += line.issues
            if line.is_task_line or line.issues:
                continue
            indicator = indicators.get(line.indicator_id)
            if indicator is None:
                message = (
                    _("该指标由牵头单位汇总填报，本单位无需填写。")
                    if line.indicator_id in of_row
                    else _("未知的指标（该任务下没有这个指标）。")
                )
                self.issues.append(Issue(message, line.row, INDICATOR_ID))
            elif line.indicator_id in self.line_of:
                self.issues.append(
                    Issue(
                        _("该指标在第%(row)s行已出现，不能重复填写。")
                        % {"row": self.line_of[line.indicator_id].row},
                        line.row,
                        INDICATOR_ID,
                    )
                )
            else:
                self.line_of[indicator.pk] = line
                inputs.append(self._input(indicator, line))
        funds, progress, problems = self._row_fields()
        # A row with bad lines still goes through the services' checks (in a dry run: the
        # plan is not ok, so nothing is committed), so that every problem is listed at once.
        if not self.changes:
            return None
        first_change = self.changes[0].row
        if not entry.is_open:
            self.issues.append(Issue(str(errors.LOCKED_MESSAGE), first_change))
            return None
        versions = {line.version for line in self.lines}
        if versions != {entry.version}:
            self.issues.append(
                Issue(
                    _("下载模板后，本任务的数据已被修改（可能是在网页上保存过）。请重新下载模板后再填写。"),
                    first_change,
                )
            )
            return None
        return data_entry.SheetEntry(
            task_row=entry.task_row,
            expected_version=entry.version,
            inputs=inputs,
            funds=funds,
            progress=progress,
            problems=problems,
        )

    def _label(self, what: str) -> str:
        return f"{self.entry.task_row.label(tier='bracket')} · {what}"

    def _changed(self, line: UploadRow, what: str, old: str, new: str) -> None:
        if old != new:
            self.changes.append(ImportChange(line.row, self._label(what), old, new))

    def _input(self, indicator: Indicator, line: UploadRow) -> FigureInput:
        figure = self.entry.figures.get(indicator.pk)
        old_value = figure.value if figure else None
        old_stage = figure.stage if figure else None
        explanation = line.text(EXPLANATION)
        if error := text_error(explanation, EXPLANATION_LIMIT, what=_("说明")):
            self.issues.append(Issue(error, line.row, EXPLANATION))
            explanation = explanation[:EXPLANATION_LIMIT]  # what the column holds, for the dry run
        if indicator.is_numeric:
            raw_value, raw_stage = line.text(VALUE), ""
            value, error = parse_number(raw_value, indicator)
            new = raw_value if error else indicator.format_number(value)
            if error or value != old_value:
                self.changes.append(
                    ImportChange(
                        line.row, self._label(indicator.name), indicator.figure_text(old_value, None), new
                    )
                )
        else:
            raw_value, label = "", line.text(STAGE)
            stage = STAGE_LABELS.get(label, int(label) if label in {"0", "1", "2", "3"} else None)
            if label and stage is None:
                self.issues.append(
                    Issue(
                        _("请从下拉列表中选择进展节点（%(labels)s）。") % {"labels": "、".join(STAGE_LABELS)},
                        line.row,
                        STAGE,
                    )
                )
            raw_stage = "" if stage is None else str(stage)
            self._changed(
                line,
                indicator.name,
                indicator.figure_text(None, old_stage),
                indicator.figure_text(None, stage),
            )
        old_explanation = figure.explanation if figure else ""
        self._changed(
            line, _("%(name)s（说明）") % {"name": indicator.name}, old_explanation, explanation.strip()
        )
        return FigureInput(
            indicator=indicator, raw_value=raw_value, raw_stage=raw_stage, explanation=explanation
        )

    def _row_fields(self) -> tuple[str, str, str]:
        contribution = self.entry.contribution
        old_funds = contribution.funds_invested if contribution else None
        old_progress = contribution.progress if contribution else ""
        old_problems = contribution.problems if contribution else ""
        old_funds_text = "" if old_funds is None else str(old_funds)
        line = self.task_line
        if line is None:
            # The task line was deleted: keep what is stored.
            return old_funds_text, old_progress, old_problems
        if any(issue.column == FUNDS for issue in line.issues):
            funds = old_funds_text  # already reported (e.g. a date); keep it out of the services' checks
        else:
            funds = line.text(FUNDS)
        if _funds_differ(funds, old_funds):
            self.changes.append(
                ImportChange(line.row, self._label(_("累计投入资金（万元）")), old_funds_text, funds)
            )
        progress, problems = line.text(PROGRESS).strip(), line.text(PROBLEMS).strip()
        for column, text in ((PROGRESS, progress), (PROBLEMS, problems)):
            if error := text_error(text, TEXT_LIMIT):
                self.issues.append(Issue(error, line.row, column))
        self._changed(line, _("进展情况"), old_progress, progress)
        self._changed(line, _("存在问题"), old_problems, problems)
        return funds, progress, problems


def read_for(path: Path | BinaryIO, *, user, size: int) -> tuple[Upload, ReportingMonth]:
    """Read an upload once, for the user's own unit, with its month; UploadRefused for a file
    refused as a whole (not a template, another unit's, a month that does not exist)."""
    unit = _unit_of(user)
    upload = read_upload(path, size=size)
    return upload, _month_of(upload, unit)


def _unit_of(user) -> Unit:
    unit = roles.unit_of(user)
    require(unit is not None, _("数据导入仅供单位联络员使用。"))
    return unit


def _month_of(upload: Upload, unit: Unit) -> ReportingMonth:
    if upload.unit_id != unit.pk:
        raise UploadRefused(_("该模板不是为本单位生成的，请下载本单位的模板后再填写。"))
    reporting_month = (
        ReportingMonth.objects.select_related("plan_year")
        .filter(plan_year__year=upload.year, month=upload.month)
        .first()
    )
    if reporting_month is None:
        raise UploadRefused(_("模板中的月份（%(year)s年%(month)s月）不存在。") % vars(upload))
    return reporting_month


def analyse(upload: Upload, *, user, commit: bool = False) -> ImportPlan:
    """Check a read upload against the unit's sheet as it is now and run it through the services.

    Without `commit` the save is rolled back: the plan lists what would change
    and every problem, and nothing is written. With `commit` the same checks run
    again and, if nothing stands in the way, the month is saved, all or nothing.
    Raises UploadRefused for an upload refused as a whole.
    """
    unit = _unit_of(user)
    reporting_month = _month_of(upload, unit)
    plan = ImportPlan(reporting_month=reporting_month, unit=unit)
    sheet = {entry.task_row.pk: entry for entry in entry_sheet(unit=unit, reporting_month=reporting_month)}
    groups: dict[int, list[UploadRow]] = {}
    unknown: list[UploadRow] = []
    for line in upload.lines:
        if line.task_row_id is None:
            plan.issues += line.issues
        elif line.task_row_id in sheet:
            groups.setdefault(line.task_row_id, []).append(line)
        else:
            unknown.append(line)
    existing = set(
        TaskRow.objects.filter(pk__in={line.task_row_id for line in unknown}).values_list("pk", flat=True)
    )
    for line in unknown:
        message = (
            _("该任务不属于本单位，不能导入其他单位的数据。")
            if line.task_row_id in existing
            else _("未知的任务编号。")
        )
        plan.issues.append(Issue(message, line.row, ROW_ID))
    checks = []
    for task_row_id, lines in groups.items():
        check = _RowCheck(sheet[task_row_id], lines)
        entry = check.run()
        plan.issues += check.issues
        plan.changes += check.changes
        if entry is not None:
            plan.entries.append(entry)
            checks.append(check)
    if plan.entries:
        _run_services(plan, checks, user=user, commit=commit and plan.ok)
    plan.issues.sort(key=lambda issue: (issue.row or 0, issue.column.index if issue.column else 0))
    return plan


def _run_services(plan: ImportPlan, checks: list[_RowCheck], *, user, commit: bool) -> None:
    try:
        with transaction.atomic():
            results = data_entry.save_month_sheet(
                user=user, unit=plan.unit, reporting_month=plan.reporting_month, entries=plan.entries
            )
            if not commit:
                transaction.set_rollback(True)
            elif all(result.ok for result in results.values()):
                record(
                    event="reporting.import",
                    user=user,
                    obj=plan.reporting_month,
                    detail={"unit": plan.unit.name, "rows": len(plan.entries), "changes": len(plan.changes)},
                )
    except (errors.WorkflowError, PermissionDenied) as exc:
        plan.issues.append(Issue(str(exc)))
        return
    for check in checks:
        result = results.get(check.entry.task_row.pk)
        if result is None:
            continue
        for indicator_id, message in result.errors.items():
            plan.issues.append(_result_issue(check, indicator_id, message))
        for indicator_id, message in result.warnings.items():
            plan.warnings.append(_result_issue(check, indicator_id, message))
    plan.saved = commit and plan.ok


def _result_issue(check: _RowCheck, indicator_id: int, message: str) -> Issue:
    if indicator_id == 0:  # the funds
        return Issue(message, check.task_line.row if check.task_line else None, FUNDS)
    line = check.line_of.get(indicator_id)
    indicator = next((item for item in check.entry.indicators if item.pk == indicator_id), None)
    column = STAGE if indicator is not None and not indicator.is_numeric else VALUE
    return Issue(message, line.row if line else None, column)
