"""The codes the exchange sends for indicators, units and task rows: the plan's stable codes.

One home for "which code names this object on the wire", so the payload and the code mapping ask
the same thing; the API speaks the same codes (projects.codes gives them, survives renames).
"""

from projects.models import Indicator, TaskRow, Unit


def task_row_code(row: TaskRow) -> str:
    return row.code


def indicator_code(indicator: Indicator) -> str:
    return indicator.code


def unit_code(unit: Unit) -> str:
    return unit.code
