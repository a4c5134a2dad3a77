"""本月新增: one meaning everywhere.

The month's increase of a cumulative figure is this month's cumulative minus the previous
counted cumulative (`reporting.counting`) of the same unit and indicator, or of the same
indicator where a page shows the row's total. Months may be skipped: the previous counted
figure is the latest one before the month. With none before it, the year's cumulative so far
is the increase. Only additive indicators (quantities and "of which" figures) have one.

The entry page, the review page, the boards and the exports ask `increment`; the previous
figures come from `previous_counted_values` (per unit) or from the counted totals a board holds.
"""

from __future__ import annotations

from decimal import Decimal

from projects.models import Indicator
from reporting.counting import COUNTED
from reporting.models import Figure, ReportingMonth


def increment(indicator: Indicator, current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """The month's increase, or None where the indicator has none or the month has no figure."""
    if current is None or not indicator.is_additive:
        return None
    return current - (previous if previous is not None else Decimal(0))


def previous_counted_values(
    *, reporting_month: ReportingMonth, indicator_ids, unit_ids=None
) -> dict[tuple[int, int], Decimal]:
    """(unit id, indicator id) → the unit's latest counted figure before the month; one query."""
    figures = Figure.objects.filter(
        contribution__submission__reporting_month__plan_year_id=reporting_month.plan_year_id,
        contribution__submission__reporting_month__month__lt=reporting_month.month,
        contribution__submission__status__in=COUNTED,
        indicator_id__in=indicator_ids,
        value__isnull=False,
    )
    if unit_ids is not None:
        figures = figures.filter(contribution__unit_id__in=unit_ids)
    rows = figures.order_by(
        "contribution__unit_id", "indicator_id", "-contribution__submission__reporting_month__month"
    ).values_list("contribution__unit_id", "indicator_id", "value")
    latest: dict[tuple[int, int], Decimal] = {}
    for unit_id, indicator_id, value in rows:
        latest.setdefault((unit_id, indicator_id), value)
    return latest
