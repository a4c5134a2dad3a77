"""Reads behind the exchange's pages: received months per sender, a month's totals, the push record."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, QuerySet

from exchange.models import PushAttempt, ReceivedBatch, ReceivedFigure


def received_months() -> QuerySet:
    """One line per sender and month: how many values, indicators and units, when last received."""
    return (
        ReceivedFigure.objects.values("sender_code", "sender_name", "year", "month")
        .annotate(
            values=Count("pk"),
            indicators=Count("indicator_code", distinct=True),
            units=Count("unit_code", distinct=True),
            received_at=Max("received_at"),
            forwarded_at=Max("forwarded_at"),
        )
        .order_by("sender_code", "-year", "-month")
    )


@dataclass
class IndicatorTotal:
    """An indicator of a received month: its figure as the sender's monthly report counts it."""

    task_row_code: str
    project_title: str
    task_row_title: str
    indicator_code: str
    indicator_name: str
    measure: str
    additive: bool
    figures: list[ReceivedFigure] = field(default_factory=list)

    @property
    def report_key(self) -> tuple[str, str, str]:
        """How the sender's monthly report names the line: 项目, 任务内容, 指标."""
        return (self.project_title, self.task_row_title, self.indicator_name)

    @property
    def lead(self) -> ReceivedFigure | None:
        return next((figure for figure in self.figures if figure.is_lead_unit), None)

    @property
    def total(self) -> Decimal | None:
        """Additive indicators sum every unit's figure; others take the lead unit's (as the report does)."""
        if self.additive:
            values = [figure.value for figure in self.figures if figure.value is not None]
            return sum(values, Decimal(0)) if values else None
        return self.lead.value if self.lead else None

    @property
    def stage(self) -> int | None:
        return None if self.additive or self.lead is None else self.lead.stage


def month_totals(*, sender_code: str, year: int, month: int) -> list[IndicatorTotal]:
    """Every indicator the sender pushed for the month, in its plan order, with its units' figures."""
    totals: dict[str, IndicatorTotal] = {}
    figures = ReceivedFigure.objects.filter(sender_code=sender_code, year=year, month=month).order_by(
        "task_row_code", "indicator_code", "-is_lead_unit", "unit_name", "pk"
    )
    for figure in figures:
        line = totals.get(figure.indicator_code)
        if line is None:
            line = totals[figure.indicator_code] = IndicatorTotal(
                task_row_code=figure.task_row_code,
                project_title=figure.project_title,
                task_row_title=figure.task_row_title,
                indicator_code=figure.indicator_code,
                indicator_name=figure.indicator_name,
                measure=figure.measure,
                additive=figure.additive,
            )
        line.figures.append(figure)
    return list(totals.values())


def batches_of(*, sender_code: str, year: int, month: int) -> QuerySet:
    return ReceivedBatch.objects.filter(sender_code=sender_code, year=year, month=month).order_by(
        "-received_at"
    )


def push_records() -> QuerySet:
    return PushAttempt.objects.select_related("installation").order_by("-started_at", "-pk")
