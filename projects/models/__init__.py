"""The plan: years, tiers, projects, task rows (责任分解), indicators, units and people.

The shape follows the county's plan document: a project of a tier splits into
task rows, each with its own lead unit(s), responsible parties and supervising
leader; indicators hang under task rows and carry a kind that decides how
progress is judged.

The models live in modules by domain and are all imported here, so that callers
write `from projects.models import Indicator`:

- plan: plan years, tiers, projects, task rows and their parties, indicators;
- organisation: units, unit aliases and groups, people, each year's 责任人 and 工作专班;
- adjustments: indicator target adjustments (指标调整) and their lines.
"""

from .adjustments import TargetAdjustment, TargetAdjustmentLine
from .organisation import Person, ResponsiblePerson, TaskForce, Unit, UnitAlias, UnitGroup
from .plan import ADDITIVE_KINDS, Indicator, PlanYear, Project, TaskRow, TaskRowParty, Tier

__all__ = [
    "ADDITIVE_KINDS",
    "Indicator",
    "Person",
    "PlanYear",
    "Project",
    "ResponsiblePerson",
    "TargetAdjustment",
    "TargetAdjustmentLine",
    "TaskForce",
    "TaskRow",
    "TaskRowParty",
    "Tier",
    "Unit",
    "UnitAlias",
    "UnitGroup",
]
