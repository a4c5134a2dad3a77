"""The target lock: once a year has locked figures, its targets change only through 指标调整.

A completion rate is a figure over a target. Once a month's figures are locked, changing the
plan target in place would silently rewrite that month's completion rate (城镇新增就业 4650 →
9999 turned the forwarded March report's 8.9 % into 4.1 %). So the fields that decide how a
figure is judged are locked for an indicator when

  * any submission of its task row is locked (已审核, 已核验, 已报送 or 截止未报), or
  * any reporting month of its plan year has been forwarded (上报) as a whole;

from then on a new target is filed as a target adjustment (`projects.targets`,
`evaluation.adjustments`), in force from its effective month, so earlier months keep theirs.

One rule, asked here by the admin (read-only fields), its history revert and the plan loader.
`projects` sits below `reporting`, which alone knows when figures are locked: it states that
condition at start-up (`lock_targets_when`, from `ReportingConfig.ready`), so this module names
no app above it. With no condition stated, no target is locked.
"""

from collections.abc import Callable

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.errors import Refused
from projects.models import Indicator, TaskRow

# The fields a figure is judged by: changed in place, they would change a locked month's report.
TARGET_FIELDS = ("kind", "operator", "baseline_value", "target_value", "target_stage", "target_text")

LOCKED_MESSAGE = _("本年度已有锁定的月度数据，目标须通过“指标调整”修改")


class TargetLocked(Refused):
    """A locked target was about to change in place."""


_lock_conditions: list[Callable[[str], Q]] = []
# The page where a locked target is changed, as a route name (the app that files adjustments says).
_adjustment_route: list[str] = []


def adjust_targets_at(route_name: str) -> None:
    """Name the route of the form that files a target adjustment (指标调整), for the lock's notices."""
    _adjustment_route[:] = [route_name]


def adjustment_route() -> str | None:
    return _adjustment_route[0] if _adjustment_route else None


def lock_targets_when(condition: Callable[[str], Q]) -> None:
    """State when a task row's targets are locked: `condition(prefix)` is a Q on task rows (under
    `prefix`, e.g. "task_row__") that holds for a row whose figures are locked."""
    if condition not in _lock_conditions:
        _lock_conditions.append(condition)


def locked_rows_q(prefix: str = "") -> Q:
    """Task rows (or rows under `prefix`) whose indicators' targets are locked.

    It may join through reverse relations: ask it with `.exists()`, or add DISTINCT to list rows.
    """
    if not _lock_conditions:
        return Q(pk__in=[])
    locked = Q()
    for condition in _lock_conditions:
        locked |= condition(prefix)
    return locked


def row_targets_locked(task_row_id: int | None) -> bool:
    """Whether the targets of the row's indicators change only through 指标调整. One query."""
    if task_row_id is None:
        return False
    return TaskRow.objects.filter(locked_rows_q(), pk=task_row_id).exists()


def targets_locked(indicator: Indicator) -> bool:
    """Whether the indicator's target fields (TARGET_FIELDS) are locked; False for a new indicator."""
    if indicator.pk is None:
        return False
    return row_targets_locked(indicator.task_row_id)


def changed_target_fields(indicator: Indicator, *, stored: dict | None = None) -> list[str]:
    """The target fields in which the unsaved `indicator` differs from its stored row (or `stored`)."""
    if indicator.pk is None:
        return []
    if stored is None:
        stored = Indicator.objects.filter(pk=indicator.pk).values(*TARGET_FIELDS).first()
        if stored is None:
            return []
    return [name for name in TARGET_FIELDS if getattr(indicator, name) != stored[name]]


def locked_change_message(indicator: Indicator, fields: list[str]) -> str:
    labels = "、".join(str(Indicator._meta.get_field(name).verbose_name) for name in fields)
    return _("“%(indicator)s”的%(fields)s未修改：%(reason)s。") % {
        "indicator": indicator.name,
        "fields": labels,
        "reason": LOCKED_MESSAGE,
    }


def refuse_new_indicator(task_row_id: int | None) -> None:
    """A row with locked figures takes no new indicator: a locked month would show it unreported."""
    if row_targets_locked(task_row_id):
        raise TargetLocked(_("本行已有锁定的月度数据，不能再新增指标；如需调整目标，请通过“指标调整”。"))


def refuse_locked_target_change(indicator: Indicator, *, stored: dict | None = None) -> None:
    """Raise TargetLocked if saving `indicator` would change a locked target field in place.

    A new indicator on a row with locked figures is refused too: a locked month would show it
    as not reported, and the plan's targets change only through 指标调整.
    """
    if indicator.pk is None:
        refuse_new_indicator(indicator.task_row_id)
    fields = changed_target_fields(indicator, stored=stored)
    if fields and targets_locked(indicator):
        raise TargetLocked(locked_change_message(indicator, fields))
