"""What each person must do next: the to-do landing (reporting:home), the month list and the
navigation counts.

Every role's list is read across every open month (not forwarded, begun by today), not only the
month being collected: a row returned in May still waits in August. Each list costs a fixed
number of queries whatever the number of rows, units and months; the views only render it.

- liaison: the rows to fill in the month being collected, the returned rows with their reason,
  the working days left to the submit deadline; for a lead unit, the responsible units that
  have not reported per row (`reporting.workflow.completeness`) and the rows ready to submit;
- office: the submissions waiting review, the units overdue, whether the next month to forward
  is ready (`reporting.workflow.forwarding.forwarding_plan`);
- statistics bureau: the rows waiting verification;
- leader: their own rows behind schedule and the indicators flagged for them (督办), as the
  boards judge them (`reporting.dashboards.board`).

There is no request model for reopening or 补报 (the office opens them itself), so no such item.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts import roles
from accounts.models import Role
from projects.models import PlanYear, TaskRow
from projects.participation import leads_q, rows_of_unit
from reporting.calendar.deadlines import (
    current_reporting_month,
    ensure_reporting_months,
    month_schedules,
)
from reporting.calendar.workcalendar import WorkCalendar
from reporting.dashboards.board import board
from reporting.dashboards.lines import rows_worst_first
from reporting.models import ReportingMonth, Submission
from reporting.month_states import MonthLine, has_begun, month_list
from reporting.selectors import entry_sheet
from reporting.workflow.forwarding import forwarding_plan

Status = Submission.Status


# --- what a list is made of -------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One thing waiting, as a link; `detail` says more (a return reason, the units waited for)."""

    text: str
    url: str
    detail: str = ""
    urgent: bool = False


@dataclass
class Section:
    title: str
    items: list[Item] = field(default_factory=list)
    empty: str = ""  # said when nothing waits
    total: int | None = None  # what the items add up to, when an item stands for several

    @property
    def count(self) -> int:
        return len(self.items) if self.total is None else self.total


@dataclass(frozen=True)
class Countdown:
    """The working days left to a deadline, in words: "还有3个工作日（3月21日截止）"."""

    deadline: date
    workdays_left: int
    passed: bool

    @property
    def text(self) -> str:
        day = _("%(month)s月%(day)s日") % {"month": self.deadline.month, "day": self.deadline.day}
        if self.passed:
            return _("报送截止日%(day)s已过，请尽快提交。") % {"day": day}
        if self.workdays_left == 0:
            return _("今天（%(day)s）是报送截止日。") % {"day": day}
        return _("距报送截止还有%(count)s个工作日（%(day)s截止）。") % {
            "count": self.workdays_left,
            "day": day,
        }


def countdown(deadline: date, *, today: date, calendar: WorkCalendar | None = None) -> Countdown:
    """Working days (the work calendar's: holidays skipped, make-up days counted) left to `deadline`."""
    calendar = calendar or WorkCalendar(years=sorted({today.year, deadline.year}))
    return Countdown(deadline, calendar.workdays_between(today, deadline), today > deadline)


def month_words(reporting_month: ReportingMonth) -> str:
    return _("%(year)s年%(month)s月") % {
        "year": reporting_month.plan_year.year,
        "month": reporting_month.month,
    }


def _query(reporting_month: ReportingMonth, **more) -> str:
    return urlencode({"year": reporting_month.plan_year.year, "month": reporting_month.month, **more})


def entry_link(reporting_month: ReportingMonth, anchor: str = "") -> str:
    return f"{reverse('reporting:entry')}?{_query(reporting_month)}{anchor}"


def review_link(reporting_month: ReportingMonth, status: str = "", anchor: str = "") -> str:
    more = {"status": status} if status else {}
    return f"{reverse('reporting:review_list')}?{_query(reporting_month, **more)}{anchor}"


NAMES_SHOWN = 8  # a longer list of units ends in "等": the page behind the link lists them all


def names_text(names: list[str]) -> str:
    shown = "、".join(names[:NAMES_SHOWN])
    return shown + _("等") if len(names) > NAMES_SHOWN else shown


def open_months(*, today: date) -> list[ReportingMonth]:
    """Months begun by today and not forwarded yet, oldest first; one query."""
    months = ReportingMonth.objects.filter(forwarded_at__isnull=True).select_related("plan_year")
    return [item for item in months.order_by("plan_year__year", "month") if has_begun(item, today)]


# --- liaison ----------------------------------------------------------------------------------


@dataclass
class LiaisonTodo:
    reporting_month: ReportingMonth
    countdown: Countdown
    is_lead: bool
    to_fill: Section
    returned: Section
    waiting_for_units: Section
    ready_to_submit: Section
    other_months: Section

    @property
    def sections(self) -> list[Section]:
        sections = [self.returned, self.to_fill]
        if self.is_lead:
            sections += [self.waiting_for_units, self.ready_to_submit, self.other_months]
        return sections

    @property
    def count(self) -> int:
        return sum(len(section.items) for section in self.sections)


def _row_title(task_row: TaskRow) -> str:
    return task_row.label()


def liaison_todo(*, unit, plan_year: PlanYear, today: date) -> LiaisonTodo:
    """A unit's list: the month being collected, then whatever waits in other months."""
    schedule = current_reporting_month(plan_year=plan_year, today=today)
    reporting_month = (
        schedule.reporting_month or ensure_reporting_months(plan_year=plan_year)[schedule.month - 1]
    )
    reporting_month.plan_year = plan_year
    sheet = entry_sheet(unit=unit, reporting_month=reporting_month)
    to_fill = Section(_("本月待填报"), empty=_("本月需要本单位填报的行都已填写。"))
    waiting = Section(_("等待责任单位填报"), empty=_("各责任单位都已填报或已标记本月无数据。"))
    ready = Section(_("可以提交"), empty=_("暂无可以提交的行。"))
    for row in sheet:
        if not row.is_open:
            continue
        anchor = f"#row-{row.task_row.pk}"
        url = entry_link(reporting_month, anchor)
        title = _row_title(row.task_row)
        if row.missing:
            to_fill.items.append(
                Item(
                    title, url, _("未填：%(names)s") % {"names": "、".join(item.name for item in row.missing)}
                )
            )
        if not row.is_lead:
            continue
        pending = [part.unit.name for part in row.parts_needing_mark]
        if pending:
            waiting.items.append(Item(title, url, _("尚未填报：%(units)s") % {"units": "、".join(pending)}))
        elif not row.missing:
            ready.items.append(Item(title, url, _("本行已填齐，可以提交。")))
    is_lead = any(row.is_lead for row in sheet)
    return LiaisonTodo(
        reporting_month=reporting_month,
        countdown=countdown(schedule.submit_deadline, today=today),
        is_lead=is_lead,
        to_fill=to_fill,
        returned=_returned(unit),
        waiting_for_units=waiting,
        ready_to_submit=ready,
        other_months=_other_months(unit, current=reporting_month, today=today) if is_lead else Section(""),
    )


def _returned(unit) -> Section:
    """Every row returned to the unit's rows, in any month, with the reason; one query."""
    section = Section(_("被退回待修改"), empty=_("没有被退回的报送。"))
    returned = (
        Submission.objects.filter(status=Status.RETURNED, task_row__in=rows_of_unit(unit))
        .select_related("reporting_month__plan_year", "task_row__project__tier")
        .order_by(
            "reporting_month__plan_year__year", "reporting_month__month", "task_row__project__tier__position"
        )
    )
    for submission in returned:
        section.items.append(
            Item(
                f"{month_words(submission.reporting_month)} · {_row_title(submission.task_row)}",
                entry_link(submission.reporting_month, f"#row-{submission.task_row_id}"),
                _("退回原因：%(reason)s") % {"reason": submission.return_reason or _("未填写")},
                urgent=True,
            )
        )
    return section


def _other_months(unit, *, current: ReportingMonth, today: date) -> Section:
    """Open months besides this one with rows the unit leads unsubmitted; 补报 rows opened to it."""
    section = Section(_("其他月份未提交"), empty=_("其他月份没有未提交的行。"))
    led = TaskRow.objects.filter(leads_q(unit))
    months = [item for item in open_months(today=today) if item.pk != current.pk]
    led_by_year = defaultdict(int)
    for year_id in led.values_list("project__tier__plan_year_id", flat=True):
        led_by_year[year_id] += 1
    done = dict(
        # A returned row is listed with its reason (`_returned`): here only rows never submitted.
        Submission.objects.filter(reporting_month__in=months, task_row__in=led)
        .exclude(status=Status.DRAFT)
        .order_by()
        .values("reporting_month_id")
        .annotate(count=Count("pk"))
        .values_list("reporting_month_id", "count")
    )
    for month in months:
        missing = led_by_year[month.plan_year_id] - done.get(month.pk, 0)
        if missing > 0:
            section.items.append(
                Item(
                    month_words(month),
                    entry_link(month),
                    _("%(count)s行未提交") % {"count": missing},
                    urgent=True,
                )
            )
    late = (
        Submission.objects.filter(late_report=True, status=Status.DRAFT, task_row__in=led)
        .select_related("reporting_month__plan_year", "task_row__project__tier")
        .order_by("reporting_month__plan_year__year", "reporting_month__month")
    )
    for submission in late:
        section.items.append(
            Item(
                f"{month_words(submission.reporting_month)} · {_row_title(submission.task_row)}",
                entry_link(submission.reporting_month, f"#row-{submission.task_row_id}"),
                _("专班办公室已开放补报：%(reason)s") % {"reason": submission.return_reason},
                urgent=True,
            )
        )
    return section


# --- office and statistics bureau ------------------------------------------------------------


def _waiting_by_month(status: str) -> list[tuple[ReportingMonth, int]]:
    """(month, submissions in `status`) for every month that has any, oldest first; two queries."""
    counts = dict(
        Submission.objects.filter(status=status)
        .order_by()
        .values("reporting_month_id")
        .annotate(count=Count("pk"))
        .values_list("reporting_month_id", "count")
    )
    months = ReportingMonth.objects.filter(pk__in=counts).select_related("plan_year")
    return [(month, counts[month.pk]) for month in months.order_by("plan_year__year", "month")]


def waiting_section(status: str, *, title: str, words: str, empty: str) -> Section:
    section = Section(title, empty=empty, total=0)
    for month, count in _waiting_by_month(status):
        section.total += count
        section.items.append(
            Item(month_words(month), review_link(month, status), words % {"count": count}, urgent=True)
        )
    return section


def review_waiting_elsewhere(*, status: str, shown: ReportingMonth) -> list[Item]:
    """For the review list: other months with submissions waiting, so "本月暂无" never hides them."""
    wanted = status or Status.SUBMITTED
    return [
        Item(month_words(month), review_link(month, wanted), _("%(count)s条") % {"count": count})
        for month, count in _waiting_by_month(wanted)
        if month.pk != shown.pk
    ]


def _overdue_units(*, today: date) -> Section:
    """Per open month past its submit deadline: the lead units with rows never submitted. Four queries."""
    section = Section(_("逾期未报"), empty=_("没有逾期未报的单位。"))
    months = open_months(today=today)
    schedules = month_schedules(reporting_months=months)
    overdue = [schedule.reporting_month for schedule in schedules if today > schedule.submit_deadline]
    if not overdue:
        return section
    submitted = set(
        Submission.objects.filter(reporting_month__in=overdue, first_submitted_at__isnull=False)
        .order_by()
        .values_list("reporting_month_id", "task_row_id")
    )
    rows_by_year = defaultdict(list)
    for row_id, year_id, unit_name in (
        TaskRow.objects.filter(project__tier__plan_year__in={month.plan_year_id for month in overdue})
        .order_by("lead_unit__name")
        .values_list("pk", "project__tier__plan_year_id", "lead_unit__name")
    ):
        rows_by_year[year_id].append((row_id, unit_name))
    for month in overdue:
        units = sorted(
            {name for row_id, name in rows_by_year[month.plan_year_id] if (month.pk, row_id) not in submitted}
        )
        if units:
            section.items.append(
                Item(
                    month_words(month),
                    review_link(month, anchor="#missing"),
                    _("%(count)s个单位逾期未报：%(units)s")
                    % {"count": len(units), "units": names_text(units)},
                    urgent=True,
                )
            )
    return section


def _forwarding(*, today: date) -> Section:
    """The next month to forward (the oldest open one) and whether it is ready; three queries."""
    section = Section(_("整月上报"), empty=_("没有待上报的月份。"))
    months = open_months(today=today)
    if not months:
        return section
    month = months[0]
    plan = forwarding_plan(reporting_month=month)
    url = reverse("reporting:forward_month", args=[month.pk])
    if plan.ready and not plan.not_ready:
        detail = _("全部%(count)s行已核验，可以上报。") % {"count": len(plan.ready)}
    elif plan.ready:
        detail = _(
            "已核验%(ready)s行；未就绪%(not_ready)s行（未报送%(missing)s、待审核%(review)s、待核验%(verify)s）。"
        ) % {
            "ready": len(plan.ready),
            "not_ready": len(plan.not_ready),
            "missing": len(plan.not_submitted),
            "review": len(plan.awaiting_approval),
            "verify": len(plan.awaiting_verification),
        }
    else:
        detail = _("尚无已核验的行，暂不能上报。")
        url = review_link(month)
    section.items.append(Item(month_words(month), url, detail, urgent=bool(plan.ready)))
    return section


def office_todo(*, today: date) -> list[Section]:
    return [
        waiting_section(
            Status.SUBMITTED,
            title=_("待审核"),
            words=_("%(count)s条报送待审核"),
            empty=_("没有待审核的报送。"),
        ),
        _overdue_units(today=today),
        _forwarding(today=today),
    ]


def statistics_todo() -> list[Section]:
    return [
        waiting_section(
            Status.APPROVED,
            title=_("待核验"),
            words=_("%(count)s条报送待核验"),
            empty=_("没有待核验的报送。"),
        )
    ]


# --- leader -----------------------------------------------------------------------------------


def leader_todo(*, person, plan_year: PlanYear) -> list[Section]:
    """The leader's own rows behind schedule and their 督办 items, as the boards judge them."""
    behind = Section(_("牵头任务进度滞后"), empty=_("您牵头的任务都在正常推进或已完成。"))
    flagged = Section(_("督办事项"), empty=_("暂无督办事项。"))
    if person is None:
        return [behind, flagged]
    the_board = board(plan_year=plan_year)
    query = the_board.basis.query
    own = [line for line in the_board.lines if line.task_row.leader_id == person.pk]
    leader_url = f"{reverse('reporting:dashboard_leader', args=[person.pk])}?{query}"
    for group in rows_worst_first([line for line in own if line.is_behind]):
        names = "、".join(line.indicator.name for line in group.lines)
        behind.items.append(
            Item(
                _row_title(group.task_row), leader_url, f"{group.worst.judgement.label}：{names}", urgent=True
            )
        )
    for line in sorted((line for line in own if line.flagged), key=lambda line: line.sort_key()):
        flagged.items.append(
            Item(
                f"{_row_title(line.task_row)} · {line.indicator.name}",
                f"{reverse('reporting:dashboard_indicator', args=[line.indicator.pk])}?{query}",
                _("自%(month)s月起连续%(count)s个月滞后")
                % {"month": line.behind_since, "count": line.behind_run},
                urgent=True,
            )
        )
    return [behind, flagged]


# --- the navigation counts ------------------------------------------------------------------


def nav_counts(user) -> dict[str, int]:
    """The numbers beside the navigation links; one aggregate query, none for roles without any."""
    role = roles.role_of(user)
    if role == Role.OFFICE:
        return {"review": Submission.objects.filter(status=Status.SUBMITTED).count()}
    if role == Role.STATISTICS:
        return {"review": Submission.objects.filter(status=Status.APPROVED).count()}
    if role == Role.LIAISON:
        unit = roles.unit_of(user)
        if unit is None:
            return {}
        returned = Submission.objects.filter(status=Status.RETURNED, task_row__in=rows_of_unit(unit))
        return {"entry": returned.count()}
    return {}


# --- the landing page -----------------------------------------------------------------------


@dataclass
class Landing:
    title: str
    sections: list[Section]
    months: list[MonthLine]
    plan_year: PlanYear
    countdown: Countdown | None = None
    note: str = ""

    @property
    def count(self) -> int:
        return sum(len(section.items) for section in self.sections)


def landing(*, user, plan_year: PlanYear, today: date) -> Landing:
    """The to-do list of the user's role, then the year's months with their state."""
    role = roles.role_of(user)
    if role == Role.LIAISON:
        unit = roles.unit_of(user)
        todo = liaison_todo(unit=unit, plan_year=plan_year, today=today)
        months = month_list(plan_year=plan_year, today=today, unit=unit)
        for line in months:
            line.url = entry_link(line.reporting_month)
        note = "" if todo.is_lead else _("本单位只填报承担的数据，由牵头单位审核汇总后提交。")
        return Landing(
            _("%(unit)s的待办 · %(month)s") % {"unit": unit.name, "month": month_words(todo.reporting_month)},
            todo.sections,
            months,
            plan_year,
            countdown=todo.countdown,
            note=note,
        )
    if role == Role.OFFICE:
        sections, title = office_todo(today=today), _("专班办公室的待办")
    elif role == Role.STATISTICS:
        sections, title = statistics_todo(), _("县统计局的待办")
    else:
        person = roles.membership_of(user).person
        sections = leader_todo(person=person, plan_year=plan_year)
        title = _("%(name)s的待办") % {"name": person.name} if person else _("领导待办")
    months = month_list(plan_year=plan_year, today=today)
    for line in months:
        line.url = review_link(line.reporting_month)
    return Landing(title, sections, months, plan_year)
