"""Reads of the monthly figures, shared by pages, admin and exports."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from projects.models import Indicator, TaskRow, Unit
from projects.participation import rows_of_unit, unit_leads
from reporting.increments import increment, previous_counted_values
from reporting.models import Contribution, Figure, ReportingMonth, ReviewEvent, Submission
from reporting.workflow.completeness import Part, row_parts


def submission_snapshot(submission: Submission) -> dict:
    """The figures of a submission as plain text, for the review record and for diffs."""
    contributions = submission.contributions.select_related("unit").prefetch_related(
        Prefetch("figures", queryset=Figure.objects.select_related("indicator"))
    )
    figures, funds, units = {}, {}, {}
    for contribution in contributions:
        units[str(contribution.unit_id)] = contribution.unit.name
        funds[str(contribution.unit_id)] = (
            "" if contribution.funds_invested is None else str(contribution.funds_invested)
        )
        for figure in contribution.figures.all():
            figures[f"{contribution.unit_id}:{figure.indicator_id}"] = figure.indicator.figure_text(
                figure.value, figure.stage
            )
    return {"figures": figures, "funds": funds, "units": units}


@dataclass
class Change:
    label: str
    old: str
    new: str


def changes_since_last_review(submission: Submission) -> list[Change]:
    """What changed since the last approved version, or else since the last submitted one."""
    events = list(
        submission.events.filter(action__in=[ReviewEvent.Action.APPROVE, ReviewEvent.Action.SUBMIT])
    )
    current = submission_snapshot(submission)
    approved = [event for event in events if event.action == ReviewEvent.Action.APPROVE]
    if approved:
        baseline = approved[-1].snapshot
    else:
        submitted = [event for event in events if event.action == ReviewEvent.Action.SUBMIT]
        if len(submitted) < 2:
            return []
        baseline = submitted[-2].snapshot
    names = {str(item.pk): item.name for item in submission.task_row.indicators.all()}
    unit_names = {**baseline.get("units", {}), **current["units"]}
    changes = []
    keys = sorted(set(baseline.get("figures", {})) | set(current["figures"]))
    for key in keys:
        old, new = baseline.get("figures", {}).get(key, ""), current["figures"].get(key, "")
        if old != new:
            unit_id, indicator_id = key.split(":")
            changes.append(Change(f"{unit_names.get(unit_id, '')} · {names.get(indicator_id, '')}", old, new))
    for unit_id in sorted(set(baseline.get("funds", {})) | set(current["funds"])):
        old, new = baseline.get("funds", {}).get(unit_id, ""), current["funds"].get(unit_id, "")
        if old != new:
            changes.append(Change(f"{unit_names.get(unit_id, '')} · 投入资金（万元）", old, new))
    return changes


@dataclass
class IndicatorTotal:
    indicator: Indicator
    total: Decimal | None = None
    stage: int | None = None
    breakdown: list[tuple[Unit, Figure]] = field(default_factory=list)
    # unit id → (its previous counted cumulative, 本月新增 against it), for additive indicators
    increments: dict[int, tuple[Decimal | None, Decimal | None]] = field(default_factory=dict)

    def unit_lines(self) -> list[tuple[Unit, Figure, Decimal | None, Decimal | None]]:
        """Each unit's figure with its 上月累计 and 本月新增, for the reviewer to judge plausibility."""
        return [
            (unit, figure, *self.increments.get(unit.pk, (None, None))) for unit, figure in self.breakdown
        ]

    @property
    def stage_display(self) -> str:
        return Indicator.Stage(self.stage).label if self.stage is not None else ""


def submission_totals(submission: Submission) -> list[IndicatorTotal]:
    """Per indicator: the row's total (summed where additive, the lead unit's figure otherwise)."""
    totals = {item.pk: IndicatorTotal(item) for item in submission.task_row.indicators.all()}
    figures = Figure.objects.filter(contribution__submission=submission).select_related(
        "contribution__unit", "indicator"
    )
    lead_id = submission.task_row.lead_unit_id
    for figure in figures:
        entry = totals.get(figure.indicator_id)
        if entry is None:
            continue
        entry.breakdown.append((figure.contribution.unit, figure))
        if figure.indicator.is_additive:
            if figure.value is not None:
                entry.total = (entry.total or Decimal(0)) + figure.value
        elif figure.contribution.unit_id == lead_id or entry.total is None and entry.stage is None:
            entry.total, entry.stage = figure.value, figure.stage
    previous = previous_counted_values(
        reporting_month=submission.reporting_month,
        indicator_ids=[pk for pk, entry in totals.items() if entry.indicator.is_additive],
    )
    for entry in totals.values():
        for unit, figure in entry.breakdown:
            before = previous.get((unit.pk, entry.indicator.pk))
            entry.increments[unit.pk] = (before, increment(entry.indicator, figure.value, before))
    return list(totals.values())


def returned_count(submission: Submission) -> int:
    return submission.events.filter(ReviewEvent.returns()).count()


def review_queue(*, reporting_month: ReportingMonth, status: str | None = None) -> QuerySet:
    # The returns are counted in a subquery: a join would need a GROUP BY over every column read.
    returns = (
        ReviewEvent.objects.filter(ReviewEvent.returns(), submission=OuterRef("pk"))
        .order_by()
        .values("submission")
        .annotate(count=Count("pk"))
        .values("count")
    )
    queryset = (
        Submission.objects.filter(reporting_month=reporting_month)
        .select_related("task_row__project__tier", "task_row__lead_unit")
        .annotate(times_returned=Coalesce(Subquery(returns, output_field=IntegerField()), 0))
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


@dataclass
class EntryRow:
    """One task row on a unit's monthly sheet."""

    task_row: TaskRow
    is_lead: bool
    indicators: list[Indicator]  # those the unit fills
    row_indicators: list[Indicator]  # all of the row's, the lead unit's own included
    submission: Submission | None
    contribution: Contribution | None
    figures: dict[int, Figure]
    previous: dict[int, Decimal]
    # On a row the unit leads: every responsible unit's part, to submit complete rows.
    parts: list[Part] = field(default_factory=list)

    @property
    def parts_needing_mark(self) -> list[Part]:
        return [part for part in self.parts if part.needs_mark]

    @property
    def no_data_reason(self) -> str:
        """The lead unit closed this unit's part as 本月无数据."""
        return self.contribution.no_data_reason if self.contribution else ""

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else Submission.Status.DRAFT

    @property
    def status_display(self) -> str:
        return Submission.Status(self.status).label

    @property
    def is_open(self) -> bool:
        return self.status in Submission.OPEN_STATUSES

    @property
    def version(self) -> int:
        return self.contribution.version if self.contribution else 0

    @property
    def missing(self) -> list[Indicator]:
        return [
            item
            for item in self.indicators
            if item.pk not in self.figures
            or (self.figures[item.pk].value is None and self.figures[item.pk].stage is None)
        ]


def entry_sheet(*, unit: Unit, reporting_month: ReportingMonth) -> list[EntryRow]:
    """The rows a unit fills for a month, with its figures so far; a fixed number of queries.

    The indicators and figures are read in one query each and grouped here rather than with
    `prefetch_related`, which builds a queryset per row and per part: on the liaison's busiest
    page that machinery cost more than the queries themselves.
    """
    rows = list(
        rows_of_unit(unit)
        .filter(project__tier__plan_year_id=reporting_month.plan_year_id)
        .annotate(unit_leads=unit_leads(unit))
        .select_related("project__tier", "lead_unit", "leader")
        .order_by("project__tier__position", "project__number", "position")
    )
    row_ids = [row.pk for row in rows]
    indicators_of_row = defaultdict(list)
    # Within one row the plan order is the position; ordering by it alone spares the joins up
    # to the tier that the model's default ordering needs.
    for item in (
        Indicator.objects.filter(task_row_id__in=row_ids).select_related("parent").order_by("position")
    ):
        indicators_of_row[item.task_row_id].append(item)
    submissions = {
        item.task_row_id: item
        for item in Submission.objects.filter(
            reporting_month=reporting_month, task_row_id__in=row_ids
        ).order_by()  # keyed by row: the default ordering's joins would buy nothing
    }
    row_of_submission = {item.pk: row_id for row_id, item in submissions.items()}
    contributions = {
        row_of_submission[item.submission_id]: item
        for item in Contribution.objects.filter(submission_id__in=row_of_submission, unit=unit).order_by()
    }
    figures_of_contribution = defaultdict(dict)
    for figure in Figure.objects.filter(contribution_id__in=[item.pk for item in contributions.values()]):
        figures_of_contribution[figure.contribution_id][figure.indicator_id] = figure
    previous = {
        indicator_id: value
        for (_unit_id, indicator_id), value in previous_counted_values(
            reporting_month=reporting_month,
            indicator_ids=[item.pk for items in indicators_of_row.values() for item in items],
            unit_ids=[unit.pk],
        ).items()
    }
    parts = row_parts(
        reporting_month=reporting_month,
        task_rows=[row for row in rows if row.unit_leads],
        indicators_of_row=indicators_of_row,
    )
    sheet = []
    for row in rows:
        is_lead = row.unit_leads
        row_indicators = indicators_of_row[row.pk]
        indicators = [item for item in row_indicators if is_lead or item.is_additive]
        contribution = contributions.get(row.pk)
        if contribution is not None:
            contribution.submission = submissions[row.pk]
        sheet.append(
            EntryRow(
                task_row=row,
                is_lead=is_lead,
                indicators=indicators,
                row_indicators=row_indicators,
                submission=submissions.get(row.pk),
                contribution=contribution,
                figures=figures_of_contribution[contribution.pk] if contribution else {},
                previous={item.pk: previous[item.pk] for item in indicators if item.pk in previous},
                parts=parts.get(row.pk, []),
            )
        )
    return sheet


def late_and_missing(*, reporting_month: ReportingMonth) -> dict[str, list]:
    """Rows not submitted for the month, and those submitted after the working-day deadline.

    Only those rows are read: in a month well under way almost every row is in neither list.
    """
    submitted = Submission.objects.filter(reporting_month=reporting_month, first_submitted_at__isnull=False)
    missing = (
        TaskRow.objects.filter(project__tier__plan_year_id=reporting_month.plan_year_id)
        .exclude(pk__in=submitted.values("task_row_id"))
        .select_related("project__tier", "lead_unit")
    )
    late = (
        submitted.filter(on_time=False)
        .select_related("task_row__project__tier", "task_row__lead_unit")
        .order_by("task_row__project__tier__position", "task_row__project__number", "task_row__position")
    )
    return {"missing": list(missing), "late": [(item.task_row, item) for item in late]}


def units_missing_submission(*, reporting_month: ReportingMonth) -> dict[Unit, list[TaskRow]]:
    result = defaultdict(list)
    for row in late_and_missing(reporting_month=reporting_month)["missing"]:
        result[row.lead_unit].append(row)
    return dict(result)
