"""Demo accounts and a few months of demo figures (演示数据), for local trial only.

Figures made here carry is_demo=True, and every page that shows figures says so.
"""

import random
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import services
from accounts.models import Membership, Role
from accounts.passwords import DEMO_PASSWORD
from audit.signals import record_bulk_history
from projects.models import Indicator, Person, PlanYear, TaskRow, Unit
from reporting.calendar.deadlines import ensure_reporting_months, month_schedule
from reporting.models import Contribution, Figure, ReviewEvent, Submission

SEED = 2023


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit: str | None = None
    person: str | None = None
    is_staff: bool = False


DEMO_ACCOUNTS = [
    # The three administrators (三员): none is a superuser, each holds one role only.
    DemoAccount("admin", "系统管理员", Role.SYSADMIN, is_staff=True),
    DemoAccount("anquan", "安全管理员", Role.SECURITY, is_staff=True),
    DemoAccount("shenji", "审计管理员", Role.AUDITOR),
    DemoAccount("zhuanban", "罗国良", Role.OFFICE, unit="县人社局", is_staff=True),
    DemoAccount("tongji", "县统计局审核员", Role.STATISTICS, unit="县统计局"),
    DemoAccount("zhangyin", "张胤", Role.LEADER, person="张胤"),
    DemoAccount("renshe", "县人社局联络员", Role.LIAISON, unit="县人社局"),
    DemoAccount("minzheng", "县民政局联络员", Role.LIAISON, unit="县民政局"),
    DemoAccount("zhujian", "县住建局联络员", Role.LIAISON, unit="县住建局"),
    DemoAccount("jinshiqiao", "金石桥镇联络员", Role.LIAISON, unit="金石桥镇人民政府"),
]

OFFICE_GROUP = "专班办公室"


def _office_group() -> Group:
    group, _created = Group.objects.get_or_create(name=OFFICE_GROUP)
    roles = Q(
        content_type__app_label="accounts", content_type__model__in=["membership", "historicalmembership"]
    )
    group.permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label__in=["projects", "reporting", "exchange"]) | roles
        )
    )
    return group


@transaction.atomic
def create_demo_accounts(*, require_password_change: bool = True) -> list[str]:
    """Create the demo accounts that do not exist yet; returns the usernames created.

    Like every account the administrators create, each must choose its own password at first
    login; tests that only need the accounts pass require_password_change=False.
    """
    user_model = get_user_model()
    created = []
    for account in DEMO_ACCOUNTS:
        if user_model.objects.filter(username=account.username).exists():
            continue
        user = user_model.objects.create_user(
            account.username,
            email=f"{account.username}@example.com",
            password=DEMO_PASSWORD,
            first_name=account.full_name,
            is_staff=account.is_staff,
        )
        Membership.objects.create(
            user=user,
            role=account.role,
            unit=Unit.objects.get(name=account.unit) if account.unit else None,
            person=Person.objects.filter(name=account.person).first() if account.person else None,
        )
        if account.role == Role.OFFICE:
            user.groups.add(_office_group())
        if require_password_change:
            services.require_password_change(user=user)
        created.append(account.username)
    return created


def _value_for(indicator: Indicator, month: int, rng: random.Random) -> tuple[Decimal | None, int | None]:
    progress = Decimal(month) / 12 * Decimal(str(rng.uniform(0.75, 1.15)))
    if indicator.kind == Indicator.Kind.MILESTONE:
        return None, min(int(indicator.target_stage or 3), 1 + month // 4)
    if indicator.kind == Indicator.Kind.STANDARD:
        return (indicator.target_value if month >= 3 else indicator.baseline_value), None
    if indicator.kind == Indicator.Kind.RATIO:
        base = indicator.target_value or indicator.baseline_value or Decimal(50)
        return min(Decimal(100), base * Decimal(str(rng.uniform(0.95, 1.05)))).quantize(
            Decimal(1).scaleb(-indicator.decimal_places)
        ), None
    target = indicator.target_value if indicator.target_value else Decimal(100)
    if indicator.kind == Indicator.Kind.SUBSET:
        target = min(target, (indicator.parent.target_value or target))
    return (target * progress).quantize(Decimal(1).scaleb(-indicator.decimal_places)), None


@transaction.atomic
def create_demo_figures(*, plan_year: PlanYear, months: int = 4) -> int:
    """A few months of figures: early months forwarded, the last one at every workflow stage.

    Written in bulk, each row with its history and audit row as the services write them
    (`record_bulk_history`), in the order one-by-one saves would give: a few thousand rows.
    """
    if Submission.objects.filter(reporting_month__plan_year=plan_year, is_demo=True).exists():
        return 0
    user_model = get_user_model()
    liaison = user_model.objects.get(username="renshe")
    office = user_model.objects.get(username="zhuanban")
    statistics = user_model.objects.get(username="tongji")
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo numbers, not security
    reporting_months = ensure_reporting_months(plan_year=plan_year)
    rows = list(
        TaskRow.objects.filter(project__tier__plan_year=plan_year)
        .select_related("lead_unit")
        .prefetch_related("indicators__parent")
    )
    township = Unit.objects.filter(kind=Unit.Kind.TOWNSHIP).first()
    # (submission, [(contribution, [figures])], events), in the order of the rows and months.
    planned = []
    for reporting_month in reporting_months[:months]:
        schedule = month_schedule(reporting_month)
        submitted_at = timezone.make_aware(datetime.combine(schedule.submit_deadline, time(10, 0)))
        last = reporting_month.month == months
        for index, row in enumerate(rows):
            status = Submission.Status.FORWARDED
            if last:
                status = [
                    Submission.Status.DRAFT,
                    Submission.Status.SUBMITTED,
                    Submission.Status.RETURNED,
                    Submission.Status.APPROVED,
                    Submission.Status.VERIFIED,
                ][index % 5]
            late = rng.random() < 0.1
            at = submitted_at + timezone.timedelta(days=2 if late else 0)
            submission = Submission(
                reporting_month=reporting_month,
                task_row=row,
                status=status,
                is_demo=True,
                submitted_at=None if status == Submission.Status.DRAFT else at,
                first_submitted_at=None if status == Submission.Status.DRAFT else at,
                on_time=None if status == Submission.Status.DRAFT else not late,
                return_reason="演示：请补充进展情况。" if status == Submission.Status.RETURNED else "",
            )
            lead = Contribution(
                submission=submission,
                unit=row.lead_unit,
                updated_by=liaison,
                funds_invested=Decimal(rng.randint(10, 500)) * reporting_month.month,
                progress="演示数据：按计划推进。",
                problems="",
            )
            parts = [(lead, [])]
            for indicator in row.indicators.all():
                value, stage = _value_for(indicator, reporting_month.month, rng)
                parts[0][1].append(Figure(contribution=lead, indicator=indicator, value=value, stage=stage))
            shares = [item for item in row.indicators.all() if item.kind in ("quantity", "subset")]
            if township and row.lead_unit.name == "县人社局" and any(i.kind == "quantity" for i in shares):
                part = Contribution(submission=submission, unit=township, progress="演示数据")
                value = Decimal(10 * reporting_month.month)
                parts.append((part, [Figure(contribution=part, indicator=i, value=value) for i in shares]))
            planned.append((submission, parts, _demo_events(submission, at, liaison, office, statistics)))
        if not last:
            # Every row of the earlier months went upstream: the month is forwarded and closed.
            reporting_month.forwarded_at = submitted_at + timezone.timedelta(days=1)
            reporting_month.forwarded_by = office
            reporting_month._history_user = office
            reporting_month.save(update_fields=["forwarded_at", "forwarded_by"])
    _write_demo(planned)
    return len(planned)


def _write_demo(planned: list) -> None:
    submissions = [submission for submission, _parts, _events in planned]
    Submission.objects.bulk_create(submissions)
    contributions = []
    for submission, parts, _events in planned:
        for contribution, _figures in parts:
            contribution.submission = submission  # now with its primary key
            contributions.append(contribution)
    Contribution.objects.bulk_create(contributions)
    figures = []
    for _submission, parts, _events in planned:
        for contribution, part_figures in parts:
            for figure in part_figures:
                figure.contribution = contribution
                figures.append(figure)
    Figure.objects.bulk_create(figures)
    histories = {}
    for model, objects in ((Submission, submissions), (Contribution, contributions), (Figure, figures)):
        rows = model.history.bulk_history_create(objects, default_change_reason=None)
        histories[model] = dict(zip(objects, rows, strict=True))
    entries = []
    for submission, parts, _events in planned:
        entries.append((submission, histories[Submission][submission], None))
        for contribution, part_figures in parts:
            entries.append((contribution, histories[Contribution][contribution], None))
            entries += [(figure, histories[Figure][figure], None) for figure in part_figures]
    record_bulk_history(entries, user=None)
    events = []
    for submission, _parts, submission_events in planned:
        for event in submission_events:
            event.submission = submission
            events.append(event)
    ReviewEvent.objects.bulk_create(events)


def _demo_events(submission: Submission, at, liaison, office, statistics) -> list[ReviewEvent]:
    steps = {
        Submission.Status.DRAFT: [],
        Submission.Status.SUBMITTED: [("submit", liaison)],
        Submission.Status.RETURNED: [("submit", liaison), ("return", office)],
        Submission.Status.APPROVED: [("submit", liaison), ("approve", office)],
        Submission.Status.VERIFIED: [("submit", liaison), ("approve", office), ("verify", statistics)],
        Submission.Status.FORWARDED: [
            ("submit", liaison),
            ("approve", office),
            ("verify", statistics),
            ("forward", office),
        ],
    }[submission.status]
    return [
        ReviewEvent(
            submission=submission,
            action=action,
            actor=actor,
            at=at + timezone.timedelta(hours=offset),
            reason="演示：请补充进展情况。" if action == "return" else "",
        )
        for offset, (action, actor) in enumerate(steps)
    ]
