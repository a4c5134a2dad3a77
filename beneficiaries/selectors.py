"""Reads of the grassroots tables and beneficiary lists, shared by pages and exports.

Every function answers in a fixed number of queries, whatever the number of people.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from beneficiaries.access import RowAccess, counted_entries
from beneficiaries.models import TOWNSHIP_KINDS, Beneficiary, DoubleCountingPair
from projects.models import ADDITIVE_KINDS, Indicator, TaskRow, Unit
from projects.participation import leads_row
from reporting.access import visible_submissions
from reporting.counting import COUNTED, is_counted
from reporting.models import ReportingMonth, Submission
from reporting.progress import month_totals
from reporting.selectors import submission_totals

# Measures in which a figure counts people or households, so it can be set against the list.
COUNTABLE_MEASURES = {"人", "人次", "户", "名", "家"}


def list_indicators(task_row: TaskRow) -> list[Indicator]:
    """The indicators people can be counted toward: the additive ones (uses the prefetched indicators)."""
    return [item for item in task_row.indicators.all() if item.is_additive]


def townships() -> list[Unit]:
    return list(Unit.objects.filter(kind__in=TOWNSHIP_KINDS, is_active=True).order_by("kind", "name"))


# --- the index ------------------------------------------------------------------------------------


def _count_of_row(**filters) -> Coalesce:
    counts = (
        Beneficiary.objects.active()
        .filter(indicator__task_row=OuterRef("pk"), **filters)
        .order_by()
        .values("indicator__task_row")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


@dataclass
class IndexRow:
    task_row: TaskRow
    count: int
    whole_list: bool


def index_rows(*, rows: QuerySet, plan_year, unit: Unit | None) -> list[IndexRow]:
    """The rows with additive indicators, each with the number of entries the user's unit may count."""
    additive = Indicator.objects.filter(task_row=OuterRef("pk"), kind__in=ADDITIVE_KINDS)
    queryset = (
        rows.filter(project__tier__plan_year=plan_year)
        .filter(Exists(additive))
        .select_related("project__tier", "lead_unit")
        .prefetch_related("parties")
        .annotate(all_count=_count_of_row())
        .order_by("project__tier__position", "project__number", "position")
    )
    if unit is not None:
        queryset = queryset.annotate(own_count=_count_of_row(entered_by_unit=unit))
    result = []
    for row in queryset:
        whole = unit is None or leads_row(unit, row)
        result.append(IndexRow(row, row.all_count if whole else row.own_count, whole))
    return result


# --- a row's counts and the gap to the reported figure -----------------------------------------------


@dataclass
class IndicatorCount:
    indicator: Indicator
    people: int = 0  # distinct ID numbers, all dates
    people_by_cutoff: int = 0  # distinct ID numbers with a benefit date on or before the month's cutoff
    entries: int = 0
    reported: Decimal | None = None
    by_township: list[tuple[str, int]] = field(default_factory=list)

    @property
    def comparable(self) -> bool:
        return self.indicator.measure in COUNTABLE_MEASURES

    @property
    def gap(self) -> Decimal | None:
        """Reported figure minus people listed by the cutoff; positive means people missing from the list."""
        if self.reported is None or not self.comparable:
            return None
        return self.reported - self.people_by_cutoff

    @property
    def gap_abs(self) -> Decimal | None:
        return abs(self.gap) if self.gap is not None else None


def row_counts(
    row_access: RowAccess, *, reporting_month: ReportingMonth | None, cutoff: date | None
) -> list[IndicatorCount]:
    """Per additive indicator: people listed, and (for those who see the gap) the month's counted figure.

    The reported figure follows the counting rule (`reporting.counting`): only verified figures,
    as on the boards and in the monthly report; None where the month has none.
    """
    counts = {item.pk: IndicatorCount(item) for item in list_indicators(row_access.task_row)}
    entries = counted_entries(row_access).active().order_by()
    by_cutoff = Q(benefit_date__lte=cutoff) if cutoff else Q(pk__isnull=False)
    for row in entries.values("indicator_id").annotate(
        people=Count("id_hash", distinct=True),
        people_by_cutoff=Count("id_hash", distinct=True, filter=by_cutoff),
        entries=Count("pk"),
    ):
        entry = counts.get(row["indicator_id"])
        if entry:
            entry.people, entry.people_by_cutoff, entry.entries = (
                row["people"],
                row["people_by_cutoff"],
                row["entries"],
            )
    for row in (
        entries.values("indicator_id", "township__name")
        .annotate(people=Count("id_hash", distinct=True))
        .order_by("indicator_id", "township__name")
    ):
        if row["indicator_id"] in counts:
            counts[row["indicator_id"]].by_township.append((row["township__name"], row["people"]))
    if row_access.sees_gap and reporting_month is not None:
        totals = month_totals(reporting_month=reporting_month, statuses=COUNTED)
        for indicator_id, entry in counts.items():
            total = totals.get(indicator_id)
            entry.reported = total.value if total else None
    return list(counts.values())


# --- the list of people and its duplicate flags ------------------------------------------------------


def _paired_with(indicator_ref) -> Q:
    """Indicators marked as double counting with the referenced indicator."""
    as_b = DoubleCountingPair.objects.filter(indicator_a=indicator_ref).values("indicator_b")
    as_a = DoubleCountingPair.objects.filter(indicator_b=indicator_ref).values("indicator_a")
    return Q(indicator__in=as_b) | Q(indicator__in=as_a)


def with_duplicate_flag(entries: QuerySet) -> QuerySet:
    """Annotate `has_duplicate`: the same ID number elsewhere for the same indicator or a marked pair."""
    same_indicator = (
        Beneficiary.objects.active()
        .filter(id_hash=OuterRef("id_hash"), indicator=OuterRef("indicator"))
        .exclude(pk=OuterRef("pk"))
    )
    paired = (
        Beneficiary.objects.active()
        .filter(id_hash=OuterRef("id_hash"))
        .filter(_paired_with(OuterRef(OuterRef("indicator"))))
    )
    return entries.annotate(has_duplicate=Exists(same_indicator) | Exists(paired))


def people_list(entries: QuerySet, *, indicator_id=None, township_id=None, removed=False, duplicates=False):
    queryset = entries.filter(is_removed=removed)
    if indicator_id:
        queryset = queryset.filter(indicator_id=indicator_id)
    if township_id:
        queryset = queryset.filter(township_id=township_id)
    queryset = with_duplicate_flag(queryset)
    if duplicates:
        queryset = queryset.filter(has_duplicate=True)
    return queryset.select_related("indicator", "township", "entered_by_unit").order_by(
        "indicator__position", "township__name", "village", "name", "pk"
    )


@dataclass(frozen=True)
class Place:
    """Where else an ID number is counted: named by row, indicator and entering unit, never by the number."""

    entry_id: int
    indicator: Indicator
    unit_name: str
    township_name: str
    village: str
    across_indicators: bool

    def __str__(self) -> str:
        return f"{self.indicator.task_row} · {self.indicator.name} · {self.unit_name}（#{self.entry_id}）"


def duplicate_places(entries: list[Beneficiary]) -> dict[int, list[Place]]:
    """For each given entry, the other places its ID number is counted; two queries for the whole page."""
    if not entries:
        return {}
    indicator_ids = {entry.indicator_id for entry in entries}
    partners: dict[int, set[int]] = defaultdict(set)
    for a_id, b_id in DoubleCountingPair.objects.filter(
        Q(indicator_a__in=indicator_ids) | Q(indicator_b__in=indicator_ids)
    ).values_list("indicator_a", "indicator_b"):
        partners[a_id].add(b_id)
        partners[b_id].add(a_id)
    relevant = indicator_ids | {other for ids in partners.values() for other in ids}
    others = (
        Beneficiary.objects.active()
        .filter(id_hash__in={entry.id_hash for entry in entries}, indicator_id__in=relevant)
        .select_related("indicator__task_row__project", "entered_by_unit", "township")
        .order_by("pk")
    )
    by_hash = defaultdict(list)
    for other in others:
        by_hash[other.id_hash].append(other)
    result = {}
    for entry in entries:
        places = [
            Place(
                entry_id=other.pk,
                indicator=other.indicator,
                unit_name=other.entered_by_unit.name,
                township_name=other.township.name,
                village=other.village,
                across_indicators=other.indicator_id != entry.indicator_id,
            )
            for other in by_hash.get(entry.id_hash, [])
            if other.pk != entry.pk
            and (
                other.indicator_id == entry.indicator_id or other.indicator_id in partners[entry.indicator_id]
            )
        ]
        if places:
            result[entry.pk] = places
    return result


def pairs() -> QuerySet:
    return DoubleCountingPair.objects.select_related(
        "indicator_a__task_row__project", "indicator_b__task_row__project", "created_by"
    )


# --- the grassroots table (基层表) ----------------------------------------------------------------------


@dataclass
class GrassrootsLine:
    unit: Unit
    is_lead: bool
    values: list[Decimal | None]
    funds: Decimal | None


@dataclass
class GrassrootsTable:
    submission: Submission
    indicators: list[Indicator]  # the additive ones, which add up across units
    lines: list[GrassrootsLine]
    totals: list[Decimal | None]
    funds_total: Decimal | None
    other_indicators: list  # IndicatorTotal of the rest, reported by the lead unit alone

    @property
    def counted(self) -> bool:
        """The row's figures count (`reporting.counting`); otherwise the table is a working view."""
        return is_counted(self.submission.status)

    @property
    def total_label(self) -> str:
        if self.counted:
            return gettext("合计（已核验，计入统计）")
        return gettext("合计（待审核，不计入统计）")

    @property
    def basis_note(self) -> str:
        if self.counted:
            return gettext("本行本月数据已经县统计局核验，合计计入各项统计。")
        return gettext("本行本月数据尚未经县统计局核验：合计为待审核数，不计入任何统计、报表和评分。")


def grassroots_table(submission: Submission) -> GrassrootsTable:
    """What each unit did toward each indicator, adding up to the row's reported total.

    Built from the same Figure rows and `submission_totals` the review page uses: nothing stored twice.
    """
    totals = submission_totals(submission)
    additive = [total for total in totals if total.indicator.is_additive]
    contributions = list(submission.contributions.select_related("unit"))
    task_row = submission.task_row
    by_unit: dict[int, dict[int, Decimal | None]] = defaultdict(dict)
    for total in additive:
        for unit, figure in total.breakdown:
            by_unit[unit.pk][total.indicator.pk] = figure.value
    lines = [
        GrassrootsLine(
            unit=contribution.unit,
            is_lead=leads_row(contribution.unit, task_row),
            values=[by_unit[contribution.unit_id].get(total.indicator.pk) for total in additive],
            funds=contribution.funds_invested,
        )
        for contribution in contributions
    ]
    lines.sort(key=lambda line: (not line.is_lead, line.unit.kind != Unit.Kind.TOWNSHIP, line.unit.name))
    funds = [line.funds for line in lines if line.funds is not None]
    return GrassrootsTable(
        submission=submission,
        indicators=[total.indicator for total in additive],
        lines=lines,
        totals=[total.total for total in additive],
        funds_total=sum(funds, Decimal(0)) if funds else None,
        other_indicators=[total for total in totals if not total.indicator.is_additive],
    )


def grassroots_index(user, reporting_month: ReportingMonth) -> QuerySet:
    return (
        visible_submissions(user)
        .filter(reporting_month=reporting_month)
        .select_related("task_row__project__tier", "task_row__lead_unit", "reporting_month__plan_year")
        .annotate(unit_count=Count("contributions"))
        .order_by("task_row__project__tier__position", "task_row__project__number", "task_row__position")
    )
