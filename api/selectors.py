"""What the API reads, by code: the plan with its targets month by month, units, data values, timeliness.

Data values are each unit's figure for one indicator and month (as DHIS2's data value sets). Only
counted figures (reporting.counting.COUNTED) unless the client may read the working view; then every
value says its status. Pages are cut by a cursor on the figure's id, so a long read neither skips
nor repeats a value however the data changes meanwhile.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.errors import BadRequest
from projects.models import Indicator, PlanYear, Project, TaskRow, TaskRowParty, Tier, Unit
from projects.targets import target_at, target_history
from reporting.calendar.deadlines import year_schedule
from reporting.counting import COUNTED, basis_sentence
from reporting.dashboards.timeliness import timeliness_matrix
from reporting.models import Figure, ReviewEvent, Submission

DEFAULT_PAGE_SIZE = 1000
MAX_PAGE_SIZE = 50_000
# A change committed while a read ran may carry a time just before the read began: the next read
# starts this much earlier, so a client that keys values by unit, indicator and month misses none.
CHANGE_OVERLAP = timedelta(minutes=2)

STAGE_LABELS = {stage.value: str(stage.label) for stage in Indicator.Stage}


class BadQuery(BadRequest):
    """A filter that names nothing, or is not a valid value."""


def plan_year(code: str) -> PlanYear:
    found = PlanYear.objects.filter(Q(code=code) | Q(year=int(code) if code.isdigit() else -1)).first()
    if found is None:
        raise BadQuery(_("没有编码为“%(code)s”的方案年度。") % {"code": code[:40]})
    return found


def _one(model, code: str, what: str):
    found = model.objects.filter(code=code).first()
    if found is None:
        raise BadQuery(_("没有编码为“%(code)s”的%(what)s。") % {"code": code[:40], "what": what})
    return found


def unit_by_code(code: str) -> Unit:
    return _one(Unit, code, _("单位"))


def indicator_by_code(code: str) -> Indicator:
    return _one(Indicator, code, _("指标"))


def task_row_by_code(code: str) -> TaskRow:
    return _one(TaskRow, code, _("分解行"))


# --- the plan ------------------------------------------------------------------------------------


def years() -> list[dict]:
    return [
        {"code": item.code, "year": item.year, "title": item.title}
        for item in PlanYear.objects.order_by("year")
    ]


def tiers(year: PlanYear | None) -> list[dict]:
    items = Tier.objects.select_related("plan_year").order_by("plan_year__year", "position")
    if year is not None:
        items = items.filter(plan_year=year)
    return [
        {
            "code": tier.code,
            "year": tier.plan_year.year,
            "kind": tier.kind,
            "name": str(tier.get_kind_display()),
            "short_name": tier.short_name,
            "position": tier.position,
        }
        for tier in items
    ]


def projects(year: PlanYear | None) -> list[dict]:
    items = Project.objects.select_related("tier__plan_year").order_by(
        "tier__plan_year__year", "tier__position", "number"
    )
    if year is not None:
        items = items.filter(tier__plan_year=year)
    return [
        {
            "code": project.code,
            "year": project.tier.plan_year.year,
            "tier": project.tier.code,
            "number": project.number,
            "title": project.title,
        }
        for project in items
    ]


def task_rows(year: PlanYear | None) -> list[dict]:
    items = (
        TaskRow.objects.select_related("project__tier__plan_year", "lead_unit", "leader")
        .prefetch_related(Prefetch("parties", queryset=TaskRowParty.objects.select_related("unit", "group")))
        .order_by("project__tier__plan_year__year", "project__tier__position", "project__number", "position")
    )
    if year is not None:
        items = items.filter(project__tier__plan_year=year)
    result = []
    for row in items:
        parties = list(row.parties.all())
        result.append(
            {
                "code": row.code,
                "year": row.project.tier.plan_year.year,
                "project": row.project.code,
                "position": row.position,
                "title": row.title,
                "label": row.label(),
                "lead_unit": row.lead_unit.code,
                "co_lead_units": [p.unit.code for p in parties if p.role == p.Role.CO_LEAD and p.unit],
                "responsible_units": [
                    p.unit.code for p in parties if p.role == p.Role.RESPONSIBLE and p.unit
                ],
                "responsible_groups": [p.group.name for p in parties if p.group],
                "leader": row.leader.name if row.leader else None,
            }
        )
    return result


def _pending(indicator: Indicator, target) -> bool:
    return (
        indicator.is_numeric
        and target is None
        and indicator.operator != Indicator.Operator.IMPROVE_ON_BASELINE
    )


def _number(indicator: Indicator, value) -> str | None:
    return indicator.format_number(value) if value is not None else None


def indicators(year: PlanYear, *, task_row: TaskRow | None = None) -> list[dict]:
    """Every indicator of the year with its plan target and the target in force in each month.

    待下达 (a numeric target the plan left blank) is null with `target_pending: true`, never 0.
    """
    steps = {indicator.pk: history for indicator, history in target_history(plan_year=year).items()}
    items = (
        Indicator.objects.filter(task_row__project__tier__plan_year=year)
        .select_related("task_row", "parent")
        .order_by(
            "task_row__project__tier__position", "task_row__project__number", "task_row__position", "position"
        )
    )
    if task_row is not None:
        items = items.filter(task_row=task_row)
    result = []
    for indicator in items:
        history = steps.get(indicator.pk, [])
        monthly = []
        for month in range(1, 13):
            target = target_at(history, planned=indicator.target_value, month=month)
            monthly.append(
                {
                    "month": month,
                    "target": _number(indicator, target),
                    "target_pending": _pending(indicator, target),
                }
            )
        result.append(
            {
                "code": indicator.code,
                "year": year.year,
                "task_row": indicator.task_row.code,
                "position": indicator.position,
                "name": indicator.name,
                "kind": indicator.kind,
                "parent": indicator.parent.code if indicator.parent else None,
                "measure": indicator.measure,
                "decimal_places": indicator.decimal_places,
                "operator": indicator.operator,
                "target": _number(indicator, indicator.target_value),
                "target_pending": indicator.is_target_pending,
                "target_stage": indicator.target_stage,
                "baseline": _number(indicator, indicator.baseline_value),
                "target_text": indicator.target_display,
                "targets_by_month": monthly,
            }
        )
    return result


def units() -> list[dict]:
    return [
        {
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "credit_code": unit.credit_code or None,
            "division_code": unit.division_code or None,
            "is_active": unit.is_active,
        }
        for unit in Unit.objects.order_by("code")
    ]


# --- data values -----------------------------------------------------------------------------------


@dataclass
class ValueQuery:
    year: PlanYear | None = None
    month: int | None = None
    unit: Unit | None = None
    indicator: Indicator | None = None
    statuses: tuple[str, ...] = tuple(COUNTED)
    updated_since: datetime | None = None
    after: int = 0  # the cursor: the last figure id already read
    page_size: int = DEFAULT_PAGE_SIZE
    working_view: bool = False


def encode_cursor(figure_id: int) -> str:
    return base64.urlsafe_b64encode(f"f{figure_id}".encode()).decode().rstrip("=")


def decode_cursor(raw: str) -> int:
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode("ascii")
        if not text.startswith("f") or not text[1:].isdigit():
            raise ValueError(text)
        return int(text[1:])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadQuery(_("cursor 无效：请使用上一页答复中的 next_cursor。")) from None


def parse_since(raw: str) -> datetime:
    moment = None
    try:
        moment = parse_datetime(raw)
    except ValueError:
        pass
    if moment is None:
        raise BadQuery(_("updated_since 应为 ISO 8601 时间，如 2023-06-21T09:00:00+08:00。"))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def value_page(query: ValueQuery) -> dict:
    """One page of data values and the cursor of the next (None at the end)."""
    started = timezone.now()
    figures = Figure.objects.filter(
        contribution__submission__status__in=query.statuses, pk__gt=query.after
    ).order_by("pk")
    if query.year is not None:
        figures = figures.filter(contribution__submission__reporting_month__plan_year=query.year)
    if query.month is not None:
        figures = figures.filter(contribution__submission__reporting_month__month=query.month)
    if query.unit is not None:
        figures = figures.filter(contribution__unit=query.unit)
    if query.indicator is not None:
        figures = figures.filter(indicator=query.indicator)
    if query.updated_since is not None:
        changed = ReviewEvent.objects.filter(at__gte=query.updated_since).values("submission_id")
        figures = figures.filter(
            Q(contribution__updated_at__gte=query.updated_since) | Q(contribution__submission_id__in=changed)
        )
    rows = list(
        figures.values_list(
            "pk",
            "value",
            "stage",
            "explanation",
            "indicator__code",
            "indicator__decimal_places",
            "indicator__kind",
            "indicator__task_row__code",
            "contribution__unit__code",
            "contribution__updated_at",
            "contribution__submission_id",
            "contribution__submission__status",
            "contribution__submission__late_report",
            "contribution__submission__reporting_month__month",
            "contribution__submission__reporting_month__plan_year__year",
        )[: query.page_size + 1]
    )
    more = len(rows) > query.page_size
    rows = rows[: query.page_size]
    status_times = dict(
        ReviewEvent.objects.filter(submission_id__in={row[10] for row in rows})
        .values("submission_id")
        .annotate(last=Max("at"))
        .values_list("submission_id", "last")
        .order_by()
    )
    results = [_value(row, status_times, working_view=query.working_view) for row in rows]
    return {
        "basis": basis_sentence(_("本接口")) if not query.working_view else _working_basis(),
        "as_of": started.isoformat(),
        "next_updated_since": (started - CHANGE_OVERLAP).isoformat(),
        "next_cursor": encode_cursor(rows[-1][0]) if more else None,
        "count": len(results),
        "results": results,
    }


def _working_basis() -> str:
    return _(
        "工作视图：含尚未核验的数据，每个数据标明状态；"
        "只有状态为“已核验”“已报送”（counted 为 true）的数据计入统计。"
    )


STATUS_LABELS = {status.value: str(status.label) for status in Submission.Status}


def _value(row, status_times: dict, *, working_view: bool) -> dict:
    (
        _pk,
        value,
        stage,
        explanation,
        indicator_code,
        places,
        kind,
        row_code,
        unit_code,
        updated_at,
        submission_id,
        status,
        late,
        month,
        year,
    ) = row
    status_at = status_times.get(submission_id)
    changed = max(updated_at, status_at) if status_at else updated_at
    item = {
        "year": year,
        "month": month,
        "period": f"{year}-{month:02d}",
        "unit": unit_code,
        "task_row": row_code,
        "indicator": indicator_code,
        "value": None if value is None else f"{value:.{places}f}",
        "stage": stage,
        "stage_label": STAGE_LABELS.get(stage) if stage is not None else None,
        "explanation": explanation,
        "counted": status in COUNTED,
        "late_report": late,
        "updated_at": changed.isoformat() if changed else None,
    }
    if working_view:
        item["status"] = status
        item["status_label"] = STATUS_LABELS[status]
    return item


# --- completeness and timeliness --------------------------------------------------------------------


def completeness(year: PlanYear, *, month: int | None = None) -> list[dict]:
    """Per month: the rows due, submitted (on time, late), returned, missing and counted, from the real
    submission times, and each lead unit's state (reporting.dashboards.timeliness)."""
    matrix = timeliness_matrix(plan_year=year)
    schedules = year_schedule(year)
    counted = {
        item["reporting_month__month"]: item["n"]
        for item in Submission.objects.filter(reporting_month__plan_year=year, status__in=COUNTED)
        .values("reporting_month__month")
        .annotate(n=Count("pk"))
        .order_by()
    }
    forwarded = {item.month: item.forwarded_at for item in year.reporting_months.all()}
    result = []
    for number in matrix.months:
        if month is not None and number != month:
            continue
        cells = [(record, record.cell(number)) for record in matrix.units]
        rows = sum(cell.rows for _record, cell in cells)
        submitted = sum(cell.submitted for _record, cell in cells)
        late = sum(cell.late for _record, cell in cells)
        schedule = schedules[number - 1]
        result.append(
            {
                "year": year.year,
                "month": number,
                "period": f"{year.year}-{number:02d}",
                "submit_deadline": schedule.submit_deadline.isoformat(),
                "forward_deadline": schedule.forward_deadline.isoformat(),
                "forwarded_at": forwarded[number].isoformat() if forwarded.get(number) else None,
                "rows": rows,
                "submitted": submitted,
                "on_time": submitted - late,
                "late": late,
                "returned": sum(cell.returned for _record, cell in cells),
                "missing": rows - submitted,
                "counted": counted.get(number, 0),
                "completeness": round(submitted / rows, 4) if rows else None,
                "timeliness": round((submitted - late) / rows, 4) if rows else None,
                "units": [
                    {
                        "unit": record.unit.code,
                        "state": str(cell.state),
                        "state_label": str(cell.label),
                        "rows": cell.rows,
                        "submitted": cell.submitted,
                        "late": cell.late,
                        "returned": cell.returned,
                    }
                    for record, cell in cells
                ],
            }
        )
    return result
