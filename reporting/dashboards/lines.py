"""One indicator as the dashboards show it (`IndicatorLine`), and the tallies and groups made of lines."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from projects.models import Indicator, Person
from projects.targets import target_display
from reporting.progress import (
    BEHIND_STATUSES,
    COLOUR,
    SEVERITY,
    Judgement,
    Status,
    Total,
)

ESCALATION_RUN = 2  # consecutive forwarded months behind before the leader is alerted
NOTICE_FROM_MONTH = 7  # from the third quarter a flagged indicator goes on the notice list
NO_LEADER = "none"

# The order the tallies are shown in.
TALLY_ORDER = [
    Status.DONE,
    Status.ON_TRACK,
    Status.BEHIND,
    Status.SERIOUSLY_BEHIND,
    Status.NOT_STARTED,
    Status.NOT_REPORTED,
    Status.PENDING,
]

# --- one indicator, judged ---------------------------------------------------------------------


@dataclass
class IndicatorLine:
    """One indicator as the dashboards show it for the basis month."""

    indicator: Indicator
    order: int  # plan order
    total: Total | None  # None: no figure on the basis for the month
    judgement: Judgement
    submission_id: int | None = None  # the submission behind the figure
    submission_status: str = ""
    increment: Decimal | None = None  # the month's increase of a cumulative figure
    behind_run: int = 0  # consecutive forwarded months behind, ending at the escalation month
    escalation_month: int | None = None
    target: Decimal | None = None  # in force for the month, after any approved adjustment
    late_report: bool = False  # the month's figures came in through a 补报, after the month closed
    # No counted figure this month: the latest counted one before it, and its month ("截至3月").
    latest: Total | None = None
    latest_month: int | None = None

    @property
    def target_adjusted(self) -> bool:
        return self.target != self.indicator.target_value

    @property
    def target_display(self) -> str:
        return target_display(self.indicator, self.target)

    @property
    def task_row(self):
        return self.indicator.task_row

    @property
    def counted(self) -> bool:
        """An "of which" figure is judged but not counted again in the tallies."""
        return self.indicator.kind != Indicator.Kind.SUBSET

    @property
    def reported(self) -> bool:
        return self.total is not None

    @property
    def status(self) -> Status:
        return self.judgement.status

    @property
    def colour(self) -> str:
        return COLOUR[self.status]

    @property
    def severity(self) -> int:
        return SEVERITY.index(self.status)

    @property
    def is_behind(self) -> bool:
        return self.status in BEHIND_STATUSES

    @property
    def flagged(self) -> bool:
        return self.behind_run >= ESCALATION_RUN

    @property
    def notice(self) -> bool:
        return self.flagged and (self.escalation_month or 0) >= NOTICE_FROM_MONTH

    @property
    def behind_since(self) -> int | None:
        if not self.behind_run or self.escalation_month is None:
            return None
        return self.escalation_month - self.behind_run + 1

    @property
    def value_display(self) -> str:
        """The month's counted figure; else the latest counted one, e.g. "1257人（截至3月）"."""
        if self.latest is not None and not has_figure(self.total):
            return self.latest_display
        return total_text(self.indicator, self.total)

    @property
    def latest_display(self) -> str:
        if self.latest is None:
            return ""
        return gettext("%(figure)s（截至%(month)s月）") % {
            "figure": total_text(self.indicator, self.latest),
            "month": self.latest_month,
        }

    @property
    def increment_display(self) -> str:
        return signed_text(self.indicator, self.increment)

    @property
    def bar(self) -> Decimal:
        """The completion rate drawn on a 0–100 bar."""
        completion = self.judgement.completion
        return max(Decimal(0), min(Decimal(100), completion)) if completion is not None else Decimal(0)

    def sort_key(self):
        gap = self.judgement.gap if self.judgement.gap is not None else Decimal(-1000)
        return (self.severity, -gap, self.order)


def has_figure(total: Total | None) -> bool:
    """A counted figure with a number or a stage in it (a blank "no data" figure is none)."""
    return total is not None and (total.value is not None or total.stage is not None)


def total_text(indicator: Indicator, total: Total | None) -> str:
    """A figure as the pages show it: a stage's name, or the number with its measure."""
    return indicator.figure_text(total.value, total.stage, measure=True) if total is not None else ""


def signed_text(indicator: Indicator, value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{'+' if value >= 0 else ''}{indicator.format_number(value)}"


def worst_first(lines: list[IndicatorLine]) -> list[IndicatorLine]:
    return sorted(lines, key=IndicatorLine.sort_key)


# --- tallies -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TallyCell:
    status: Status
    count: int
    x: Decimal  # left edge on a 0–100 bar
    width: Decimal

    @property
    def label(self) -> str:
        return self.status.label

    @property
    def colour(self) -> str:
        return COLOUR[self.status]


@dataclass
class Tally:
    """How many indicators are in each status; "of which" indicators are left out."""

    key: str
    label: str
    counts: dict[Status, int]
    others: int = 0  # "of which" indicators, judged but not counted

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def behind(self) -> int:
        return sum(self.counts[status] for status in BEHIND_STATUSES)

    def count(self, status: Status) -> int:
        return self.counts[status]

    @property
    def cells(self) -> list[TallyCell]:
        cells, x = [], Decimal(0)
        for status in TALLY_ORDER:
            count = self.counts[status]
            width = (
                (Decimal(count) * 100 / self.total).quantize(Decimal("0.01")) if self.total else Decimal(0)
            )
            cells.append(TallyCell(status, count, x, width))
            x += width
        return cells


def tally(lines: list[IndicatorLine], *, key: str = "", label: str = "") -> Tally:
    counts = dict.fromkeys(TALLY_ORDER, 0)
    others = 0
    for line in lines:
        if line.counted:
            counts[line.status] += 1
        else:
            others += 1
    return Tally(key, label, counts, others)


# --- groups ------------------------------------------------------------------------------------


@dataclass
class RowGroup:
    """A task row and its indicators, judged by its worst indicator."""

    task_row: object
    lines: list[IndicatorLine]

    @property
    def worst(self) -> IndicatorLine:
        return min(self.lines, key=IndicatorLine.sort_key)

    @property
    def status(self) -> Status:
        return self.worst.status

    @property
    def colour(self) -> str:
        return COLOUR[self.status]

    @property
    def flagged(self) -> int:
        return sum(1 for line in self.lines if line.flagged)


def rows_worst_first(lines: list[IndicatorLine]) -> list[RowGroup]:
    """Group indicators by task row; the row with the worst indicator first."""
    by_row: dict[int, list[IndicatorLine]] = defaultdict(list)
    for line in lines:
        by_row[line.indicator.task_row_id].append(line)
    groups = [RowGroup(items[0].task_row, items) for items in by_row.values()]
    return sorted(groups, key=lambda group: group.worst.sort_key())


@dataclass
class LeaderGroup:
    key: str  # the person's id, or NO_LEADER
    person: Person | None
    lines: list[IndicatorLine]

    @property
    def name(self) -> str:
        return self.person.name if self.person else gettext("未明确牵头领导")

    @property
    def tally(self) -> Tally:
        return tally(self.lines, key=self.key, label=self.name)

    @property
    def rows(self) -> list[RowGroup]:
        return rows_worst_first(self.lines)

    @property
    def row_count(self) -> int:
        return len({line.indicator.task_row_id for line in self.lines})

    @property
    def flagged(self) -> int:
        return sum(1 for line in self.lines if line.flagged)

    @property
    def notices(self) -> int:
        return sum(1 for line in self.lines if line.notice)
