"""A lead unit submits complete rows: each responsible unit's part is filled, or closed as 本月无数据.

A part is the figures a unit other than the lead unit gives for the row's additive indicators
(`projects.participation` says who takes part). The lead's entry page shows every part inline;
`review.submit` refuses a row with a part missing unless the lead marks that unit 本月无数据 with
a reason (`mark_no_data`), recorded on the unit's contribution, shown to the reviewer and told to
the unit on its page and in the reminder mail. The unit's own later save clears the mark.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Indicator, TaskRow, Unit
from projects.participation import units_taking_part_in
from reporting.models import Contribution, Figure, ReportingMonth, Submission
from reporting.workflow.errors import WorkflowError
from reporting.workflow.validation import too_long

NO_DATA_REASON_LIMIT = 300  # Contribution.no_data_reason


@dataclass
class Part:
    """One responsible unit's part of a row for the month."""

    unit: Unit
    indicators: list[Indicator]  # the row's additive indicators, which the unit fills
    contribution: Contribution | None = None
    figures: dict[int, Figure] = field(default_factory=dict)

    @property
    def missing(self) -> list[Indicator]:
        return [
            indicator
            for indicator in self.indicators
            if indicator.pk not in self.figures or self.figures[indicator.pk].value is None
        ]

    @property
    def no_data_reason(self) -> str:
        return self.contribution.no_data_reason if self.contribution else ""

    @property
    def is_complete(self) -> bool:
        return not self.missing

    @property
    def needs_mark(self) -> bool:
        """Missing figures and no 本月无数据 mark: the row cannot be submitted yet."""
        return bool(self.missing) and not self.no_data_reason

    @property
    def state_label(self) -> str:
        if self.no_data_reason and self.missing:
            return _("本月无数据")
        if self.is_complete:
            return _("已填报")
        if len(self.missing) < len(self.indicators):
            return _("部分填报")
        return _("未填报")

    def value_of(self, indicator: Indicator):
        figure = self.figures.get(indicator.pk)
        return figure.value if figure else None


def row_parts(
    *, reporting_month: ReportingMonth, task_rows: list[TaskRow], indicators_of_row: dict | None = None
) -> dict[int, list[Part]]:
    """row id → the parts of its responsible units (the lead's excluded); four queries in all.

    Pass `indicators_of_row` (row id → its indicators in plan order) when already read: one query fewer.
    """
    if not task_rows:
        return {}
    units_of_row = units_taking_part_in(task_rows)
    if indicators_of_row is None:
        indicators_of_row = defaultdict(list)
        for indicator in Indicator.objects.filter(task_row__in=task_rows).order_by("position"):
            indicators_of_row[indicator.task_row_id].append(indicator)
    additive = {
        row.pk: [item for item in indicators_of_row.get(row.pk, []) if item.is_additive] for row in task_rows
    }
    contributions = {
        (item.submission.task_row_id, item.unit_id): item
        for item in Contribution.objects.filter(
            submission__reporting_month=reporting_month, submission__task_row__in=task_rows
        )
        .select_related("submission")
        .order_by()
    }
    figures = defaultdict(dict)
    for figure in Figure.objects.filter(contribution__in=[item.pk for item in contributions.values()]):
        figures[figure.contribution_id][figure.indicator_id] = figure
    parts = {}
    for row in task_rows:
        indicators = additive.get(row.pk, [])
        row_parts_list = []
        if indicators:
            for unit in sorted(units_of_row[row.pk], key=lambda item: item.name):
                if unit.pk == row.lead_unit_id:
                    continue
                contribution = contributions.get((row.pk, unit.pk))
                row_parts_list.append(
                    Part(unit, indicators, contribution, figures[contribution.pk] if contribution else {})
                )
        parts[row.pk] = row_parts_list
    return parts


def parts_of(submission: Submission) -> list[Part]:
    return row_parts(reporting_month=submission.reporting_month, task_rows=[submission.task_row])[
        submission.task_row_id
    ]


def mark_no_data(*, user, submission: Submission, parts: list[Part], reasons: dict[int, str]) -> list[Part]:
    """Close each part missing figures as 本月无数据 with its reason, inside the caller's transaction.

    Returns the parts still missing without a reason, and then writes nothing: the caller refuses.
    """
    wanted = [part for part in parts if part.needs_mark]
    unmarked = [part for part in wanted if not (reasons.get(part.unit.pk) or "").strip()]
    if unmarked:
        return unmarked
    for part in wanted:
        if error := too_long(reasons[part.unit.pk].strip(), NO_DATA_REASON_LIMIT, what=_("本月无数据原因")):
            raise WorkflowError(error)
    now = timezone.now()
    for part in wanted:
        reason = reasons[part.unit.pk].strip()
        contribution = part.contribution or Contribution(submission=submission, unit=part.unit)
        contribution.no_data_reason, contribution.no_data_at, contribution.no_data_by = reason, now, user
        contribution._history_user = user
        contribution._change_reason = _("牵头单位标记本月无数据：%(reason)s") % {"reason": reason}
        contribution.save()
        part.contribution = contribution
    return []
