"""The leaders' dashboards (驾驶舱): read-only pages over reporting.dashboards, and the notice export.

Every page is a GET, answers in a fixed number of queries, and is open to the roles
`reporting.access.can_view_dashboards` allows; the charts are SVG drawn by the templates
from the geometry computed here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.delivery import deliver
from core.periods import requested_month
from core.permissions import require
from projects import participation
from projects.models import Indicator, Person, PlanYear, Tier, Unit
from projects.periods import chosen_plan_year
from reporting import access
from reporting.calendar.deadlines import MONTHS
from reporting.calendar.timeliness import UNIT_MONTH_STATES, Timeliness
from reporting.dashboards import page_cache
from reporting.dashboards.basis import counting_sentence, current_month, month_label
from reporting.dashboards.board import Board, board
from reporting.dashboards.chart import line_chart
from reporting.dashboards.indicator import corrections, indicator_months
from reporting.dashboards.lines import (
    NO_LEADER,
    NOTICE_FROM_MONTH,
    IndicatorLine,
    LeaderGroup,
    rows_worst_first,
    tally,
)
from reporting.dashboards.notice import NoticeListExporter
from reporting.dashboards.timeliness import timeliness_matrix, unit_submissions
from reporting.models import StatusRule
from reporting.progress import Status, rule_sentences, stage_rule_table

LIST_PAGE_SIZE = 200  # a county plan has about 70 indicators: one page, unless the year is huge
OVERVIEW_BEHIND = 15  # the overview lists the worst ones; the full list is one click away
TABS = [
    ("overview", "reporting:dashboard", gettext_lazy("总览")),
    ("indicators", "reporting:dashboard_indicators", gettext_lazy("全部指标")),
    ("leaders", "reporting:dashboard_leaders", gettext_lazy("按牵头领导")),
    ("units", "reporting:dashboard_units", gettext_lazy("按牵头单位")),
    ("timeliness", "reporting:dashboard_timeliness", gettext_lazy("按时报送")),
    ("escalations", "reporting:dashboard_escalations", gettext_lazy("督办与通报")),
]


def dashboard_page(view):
    """Logged in, and a role that reads everything; GET only."""

    @require_GET
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        require(access.can_view_dashboards(request.user), _("驾驶舱仅供专班办公室、县统计局和领导查看。"))
        return view(request, *args, **kwargs)

    return wrapper


def _board(request, plan_year: PlanYear | None = None) -> Board:
    return board(plan_year=plan_year or chosen_plan_year(request), month=requested_month(request))


def _month_options(the_board: Board) -> list[tuple[int, str]]:
    by_month = {item.month: item for item in the_board.basis.months}
    options = []
    for month in MONTHS:
        item = by_month.get(month)
        if item is None:
            state = _("无数据")
        elif item.forwarded:
            state = _("已报送")
        elif item.verified:
            state = _("已核验")
        else:
            state = _("报送中")
        options.append((month, _("%(month)s月（%(state)s）") % {"month": month, "state": state}))
    return options


def _rule_admin_url(plan_year: PlanYear) -> str:
    rule = StatusRule.objects.filter(plan_year=plan_year).only("pk").first()
    if rule:
        return reverse("admin:reporting_statusrule_change", args=[rule.pk])
    return f"{reverse('admin:reporting_statusrule_add')}?plan_year={plan_year.pk}"


def _current_month_link(request, basis) -> tuple[str, str] | None:
    """The same page for the month being reported today, unless that is the month shown."""
    current = current_month(plan_year=basis.plan_year, today=timezone.localdate())
    if current is None or current == basis.month:
        return None
    query = urlencode({"year": basis.plan_year.year, "month": current})
    return f"{request.path}?{query}", month_label(basis.plan_year.year, current)


def _render(request, template: str, tab: str, build: Callable[[], tuple[Board, dict]], *, title: str = ""):
    """The page; its dashboard fragment comes from the cache while the data has not changed.

    `build` computes the board and the fragment's context. On a cache hit it is not called at
    all: the page costs the session, the user and one cache read (reporting.dashboards.page_cache).
    """
    can_change_rule = access.can_change_status_rule(request.user)
    can_export_notice = access.can_export_notice_list(request.user)
    vary = page_cache.dashboard_vary(request, can_change_rule, can_export_notice)
    context = {
        "page_title": title,
        "page_cache_vary": vary,
        "page_cache_seconds": settings.PAGE_CACHE_SECONDS,
        "cached_dashboard": page_cache.cached_dashboard(vary),
    }
    if context["cached_dashboard"] is None:
        the_board, extra = build()
        basis = the_board.basis
        context |= {
            "board": the_board,
            "basis": basis,
            "query": basis.query,
            "tab": tab,
            "tabs": [(key, reverse(name), label) for key, name, label in TABS],
            "years": list(PlanYear.objects.order_by("-year").values_list("year", flat=True)),
            "month_options": _month_options(the_board),
            "rules": rule_sentences(basis.limits),
            "counting": counting_sentence(),
            "current_month": _current_month_link(request, basis),
            "rule_admin_url": _rule_admin_url(basis.plan_year) if can_change_rule else "",
            "can_export_notice": can_export_notice,
            "exports_url": f"{reverse('reporting:exports')}?year={basis.plan_year.year}",
            "report_query": f"year={basis.plan_year.year}&month={basis.month}" if basis.month else "",
            "notice_from_month": NOTICE_FROM_MONTH,
            "statuses": [(status.value, status.label) for status in Status],
            **extra,
        }
    return render(request, template, context)


# --- pages -------------------------------------------------------------------------------------


@dashboard_page
def overview(request):
    def build():
        the_board = _board(request)
        basis = the_board.basis
        record = timeliness_matrix(plan_year=basis.plan_year)
        overall = the_board.overall()
        behind = the_board.behind()
        return the_board, {
            "overall": overall,
            "tiers": [*the_board.tier_tallies(), overall],
            "behind": behind,
            "behind_shown": behind[:OVERVIEW_BEHIND],
            "flagged": the_board.flagged(),
            "notices": the_board.notices(),
            "leaders": the_board.leaders(),
            "late": record.month_problems(basis.month) if basis.month else {},
            "punctuality": Timeliness,
        }

    return _render(request, "reporting/dashboard_overview.html", "overview", build)


@dashboard_page
def indicators(request):
    def build():
        the_board = _board(request)
        query = page_cache.dashboard_query(request)
        tier, status, leader, flag = (query.get(name, "") for name in ("tier", "status", "leader", "flag"))
        unit = int(query["unit"]) if "unit" in query else None
        lines = the_board.filtered(tier=tier, status=status, leader=leader, unit=unit, flag=flag)
        words = []
        if tier:
            words.append(Tier.Kind(tier).label)
        if status:
            words.append(_("落后序时进度（黄色与红色）") if status == "behind_all" else Status(status).label)
        if leader:
            words.append(
                _("未明确牵头领导")
                if leader == NO_LEADER
                else next((line.task_row.leader.name for line in lines), _("牵头领导"))
            )
        if unit is not None:
            words.append(next((line.task_row.lead_unit.name for line in lines), _("牵头单位")))
        if flag:
            words.append(_("连续两个月滞后") if flag == "flagged" else _("列入通报"))
        page = Paginator(lines, LIST_PAGE_SIZE).get_page(query.get("page"))
        return the_board, {
            "lines": page.object_list,
            "page": page,
            "all_lines": len(lines),
            "page_query": urlencode({key: value for key, value in query.items() if key != "page"}),
            "counted": sum(1 for line in lines if line.counted),
            "filter_words": words,
            "filters": {"tier": tier, "status": status, "leader": leader, "unit": unit or "", "flag": flag},
            "tier_choices": Tier.Kind.choices,
        }

    return _render(request, "reporting/dashboard_indicators.html", "indicators", build, title=_("全部指标"))


@dashboard_page
def indicator_detail(request, pk: int):
    # The name only, for the title: the rest is read on a cache miss.
    name = get_object_or_404(Indicator.objects.values_list("name", flat=True), pk=pk)

    def build():
        indicator = get_object_or_404(
            Indicator.objects.select_related(
                "task_row__project__tier__plan_year", "task_row__lead_unit", "task_row__leader", "parent"
            ),
            pk=pk,
        )
        plan_year = indicator.task_row.project.tier.plan_year
        # This indicator's line only: judging the whole year for one line grew with the plan's size.
        the_board = board(plan_year=plan_year, month=requested_month(request), indicators=[indicator])
        (line,) = the_board.lines
        # The month by month figures reuse what the board loaded for this indicator.
        points = indicator_months(indicator=line.indicator, basis=the_board.basis, year=the_board.year)
        return the_board, {
            "line": line,
            "points": points,
            "chart": line_chart(line.indicator, points),
            "corrections": corrections(indicator=line.indicator, plan_year=plan_year),
            # Beside the light: the milestone table for a milestone (the thresholds are `rules`).
            "stage_rules": stage_rule_table() if indicator.kind == Indicator.Kind.MILESTONE else [],
        }

    return _render(request, "reporting/dashboard_indicator.html", "indicators", build, title=name)


@dashboard_page
def leaders(request):
    def build():
        the_board = _board(request)
        return the_board, {"leaders": the_board.leaders()}

    return _render(request, "reporting/dashboard_leaders.html", "leaders", build, title=_("按牵头领导"))


@dashboard_page
def leader(request, key: str):
    if key == NO_LEADER:
        person = None
    elif key.isdigit():
        person = get_object_or_404(Person, pk=int(key))
    else:
        raise Http404(_("找不到该牵头领导。"))

    def build():
        the_board = _board(request)
        group = the_board.leader(key) or LeaderGroup(key, person, [])
        report = f"&leader={group.person.pk}" if group.person else ""
        return the_board, {"group": group, "report_filter": report}

    title = person.name if person else _("未明确牵头领导")
    return _render(request, "reporting/dashboard_leader.html", "leaders", build, title=title)


@dataclass
class UnitLine:
    record: object
    tally: object

    @property
    def unit(self):
        return self.record.unit


@dashboard_page
def units(request):
    def build():
        the_board = _board(request)
        record = timeliness_matrix(plan_year=the_board.basis.plan_year)
        by_unit: dict[int, list[IndicatorLine]] = {}
        for line in the_board.lines:
            by_unit.setdefault(line.task_row.lead_unit_id, []).append(line)
        rows = [UnitLine(item, tally(by_unit.get(item.unit.pk, []))) for item in record.units]
        rows.sort(
            key=lambda row: (
                -row.tally.count(Status.SERIOUSLY_BEHIND),
                -row.tally.count(Status.BEHIND),
                -row.record.problems,
                row.unit.name,
            )
        )
        return the_board, {"rows": rows}

    return _render(request, "reporting/dashboard_units.html", "units", build, title=_("按牵头单位"))


@dashboard_page
def unit(request, pk: int):
    the_unit = get_object_or_404(Unit, pk=pk)

    def build():
        the_board = _board(request)
        plan_year = the_board.basis.plan_year
        takes_part = set(
            participation.rows_of_unit(the_unit)
            .filter(project__tier__plan_year=plan_year)
            .values_list("pk", flat=True)
        )
        lines = [line for line in the_board.lines if line.indicator.task_row_id in takes_part]
        record = timeliness_matrix(plan_year=plan_year)
        return the_board, {
            "unit": the_unit,
            "tally": tally([line for line in lines if line.task_row.lead_unit_id == the_unit.pk]),
            "rows": rows_worst_first(lines),
            "record": record.unit(the_unit.pk),
            "months": record.months,
            "submissions": unit_submissions(unit=the_unit, plan_year=plan_year),
            "report_filter": f"&lead_unit={the_unit.pk}" if record else "",
        }

    return _render(request, "reporting/dashboard_unit.html", "units", build, title=the_unit.name)


@dashboard_page
def timeliness(request):
    def build():
        the_board = _board(request)
        record = timeliness_matrix(plan_year=the_board.basis.plan_year)
        return the_board, {
            "matrix": record,
            "punctuality": [(state.value, state.label) for state in UNIT_MONTH_STATES],
        }

    return _render(request, "reporting/dashboard_timeliness.html", "timeliness", build, title=_("按时报送"))


@dashboard_page
def escalations(request):
    def build():
        the_board = _board(request)
        groups = []
        for group in the_board.leaders():
            flagged = [line for line in group.lines if line.flagged]
            if flagged:
                groups.append((group, sorted(flagged, key=IndicatorLine.sort_key)))
        basis = the_board.basis
        # The lead units a 督办单 goes to (bulletins), one download each.
        units = {line.task_row.lead_unit.pk: line.task_row.lead_unit for line in the_board.flagged()}
        return the_board, {
            "groups": groups,
            "flagged_units": sorted(units.values(), key=lambda unit: unit.name),
            "notices": the_board.notices(),
            "escalation_label": month_label(basis.plan_year.year, basis.escalation_month)
            if basis.escalation_month
            else "",
        }

    return _render(
        request, "reporting/dashboard_escalations.html", "escalations", build, title=_("督办与通报")
    )


@require_GET
@never_cache
@login_required
def notice_export(request):
    require(access.can_export_notice_list(request.user), _("通报名单仅由专班办公室导出。"))
    return deliver(NoticeListExporter(board=_board(request)), request=request, query=request.GET.urlencode())
