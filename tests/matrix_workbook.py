"""Reading the responsibility matrix back: the sheet, and which sheet row holds which task row."""

import io

from openpyxl import load_workbook

from projects.matrix import FIRST_DATA_ROW, ResponsibilityMatrixExporter
from projects.models import PlanYear, TaskRow, Tier

TITLE = "隆回县打好“重点民生保障仗”重点工作任务责任分解表"


def matrix_bytes(plan_year: PlanYear) -> bytes:
    return ResponsibilityMatrixExporter(plan_year=plan_year).render().content


def matrix_sheet(plan_year: PlanYear):
    return load_workbook(io.BytesIO(matrix_bytes(plan_year))).active


def plan_rows(plan_year: PlanYear) -> list[TaskRow]:
    """The year's task rows in the order the matrix lists them."""
    return list(
        TaskRow.objects.filter(project__tier__plan_year=plan_year)
        .select_related("project__tier", "leader")
        .order_by("project__tier__position", "project__number", "position")
    )


def sheet_row(plan_year: PlanYear, kind: str, number: int, position: int = 1) -> int:
    """The sheet row of a task row, e.g. (Tier.Kind.PROVINCIAL, 7, 2) for item 7's second row."""
    for offset, row in enumerate(plan_rows(plan_year)):
        if (row.project.tier.kind, row.project.number, row.position) == (kind, number, position):
            return FIRST_DATA_ROW + offset
    raise AssertionError(f"no task row {kind} {number}.{position}")


def task_text(sheet, row: int) -> str:
    """What the 重点工作任务 columns say for a sheet row: the project's cell, then the row's own."""
    return "".join(str(sheet.cell(row=row, column=column).value or "") for column in (3, 4))


def project_text(sheet, row: int) -> str:
    """The project cell above a row (a project merged down its rows holds its text in its first row)."""
    for current in range(row, FIRST_DATA_ROW - 1, -1):
        value = sheet.cell(row=current, column=3).value
        if value:
            return value
    raise AssertionError(f"no project cell above row {row}")


def note_rows(sheet, plan_year: PlanYear) -> list[str]:
    """The lines under the table."""
    first = FIRST_DATA_ROW + len(plan_rows(plan_year))
    return [sheet.cell(row=row, column=1).value for row in range(first, sheet.max_row + 1)]


PROVINCIAL, MUNICIPAL, COUNTY, MONITORED = (
    Tier.Kind.PROVINCIAL,
    Tier.Kind.MUNICIPAL,
    Tier.Kind.COUNTY,
    Tier.Kind.MONITORED,
)
