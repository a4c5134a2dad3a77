"""The stable codes the exchange sends for indicators, units and task rows.

One home for "which code names this object on the wire", so the payload and the code mapping ask
the same thing. The codes are the plan's stable codes (the API speaks them too).
"""

from projects.models import Indicator, TaskRow, Unit


def task_row_code(row: TaskRow) -> str:
    return f"{row.project.tier.kind}-{row.project.number}-{row.position}"


def indicator_code(indicator: Indicator) -> str:
    return f"{task_row_code(indicator.task_row)}-{indicator.position}"


def unit_code(unit: Unit) -> str:
    return unit.name
