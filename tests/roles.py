"""Users in every role of the monthly workflow, the plan rows they work on, and small helpers.

The fixtures are registered once for every test module (tests/conftest.py loads this module as
a plugin); a module imports only the helpers it calls. Each fixture is defined as `<name>_fixture`
and registered under `<name>`. Accounts are set up the way `demo.services.create_demo_accounts`
sets them up: one Membership per user.
"""

from datetime import datetime, time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import Membership, Role
from projects.models import Person, TaskRow, Tier, Unit
from reporting.calendar.deadlines import ensure_reporting_months, month_schedule
from reporting.models import Contribution, Figure, ReportingMonth, ReviewEvent, Submission
from reporting.workflow import completeness, data_entry, forwarding, review
from reporting.workflow.validation import FigureInput

PASSWORD = "Minsheng@2023"

# The names the parametrised tests use for each role; "anonymous" is nobody logged in.
# The one vocabulary of the permission matrices: a role name → the fixture that logs in as it
# (None: not logged in). ROLE_FIXTURES is the usual matrix; the administrators' and other units'
# names are there for the matrices that need them. `user_in_role` resolves a name to its user.
ROLE_FIXTURES = {
    "anonymous": None,
    "no_role": "no_role_user",
    "sysadmin": "sysadmin_user",
    "leader": "leader_user",
    "office": "office_user",
    "statistics": "statistics_user",
    "renshe": "renshe_liaison",
    "minzheng": "minzheng_liaison",
    "township": "township_liaison",
}
MORE_ROLE_FIXTURES = {
    "security": "security_user",
    "auditor": "auditor_user",
    "superuser": "superuser",
    "zhujian": "zhujian_liaison",
}

EMPLOYMENT = "城镇新增就业"
TRAINING = "补贴性职业技能培训"
STARTUP_TRAINING = "其中创业培训"


def make_member(
    django_user_model,
    username: str,
    role: str | None,
    *,
    unit: str | None = None,
    person: str | None = None,
    **flags,
):
    user = django_user_model.objects.create_user(username, password=PASSWORD, first_name=username, **flags)
    if role is not None:
        Membership.objects.create(
            user=user,
            role=role,
            unit=Unit.objects.get(name=unit) if unit else None,
            person=Person.objects.filter(name=person).first() if person else None,
        )
    return user


@pytest.fixture(name="office_user")
def office_user_fixture(plan_2023, django_user_model):
    """专班办公室, housed in 县人社局; staff, as the demo account is."""
    return make_member(django_user_model, "zhuanban", Role.OFFICE, unit="县人社局", is_staff=True)


@pytest.fixture(name="statistics_user")
def statistics_user_fixture(plan_2023, django_user_model):
    return make_member(django_user_model, "tongji", Role.STATISTICS, unit="县统计局")


@pytest.fixture(name="leader_user")
def leader_user_fixture(plan_2023, django_user_model):
    return make_member(django_user_model, "zhangyin", Role.LEADER, person="张胤")


@pytest.fixture(name="renshe_liaison")
def renshe_liaison_fixture(plan_2023, django_user_model):
    """Liaison of 县人社局, lead unit of provincial item 3 促进高质量充分就业."""
    return make_member(django_user_model, "renshe", Role.LIAISON, unit="县人社局")


@pytest.fixture(name="minzheng_liaison")
def minzheng_liaison_fixture(plan_2023, django_user_model):
    """Liaison of 县民政局, lead unit of provincial items 6 and 7; no part in item 3."""
    return make_member(django_user_model, "minzheng", Role.LIAISON, unit="县民政局")


@pytest.fixture(name="township_liaison")
def township_liaison_fixture(plan_2023, django_user_model):
    """Liaison of 金石桥镇人民政府: in 各乡镇人民政府、街道办事处, so a responsible party of item 3."""
    return make_member(django_user_model, "jinshiqiao", Role.LIAISON, unit="金石桥镇人民政府")


@pytest.fixture(name="zhujian_liaison")
def zhujian_liaison_fixture(plan_2023, django_user_model):
    """Liaison of 县住建局, lead unit of the sewer, gas, parking and bridge indicators."""
    return make_member(django_user_model, "zhujian", Role.LIAISON, unit="县住建局")


@pytest.fixture(name="user_in_role")
def user_in_role_fixture(request):
    """role name (ROLE_FIXTURES, MORE_ROLE_FIXTURES) → its user, None for "anonymous"."""

    def resolve(role: str):
        name = {**ROLE_FIXTURES, **MORE_ROLE_FIXTURES}[role]
        return None if name is None else request.getfixturevalue(name)

    return resolve


@pytest.fixture(name="sysadmin_user")
def sysadmin_user_fixture(plan_2023, django_user_model):
    """系统管理员: staff for the accounts pages; not a superuser (三员分立)."""
    return make_member(django_user_model, "admin", Role.SYSADMIN, is_staff=True)


@pytest.fixture(name="security_user")
def security_user_fixture(plan_2023, django_user_model):
    """安全管理员: grants roles, groups and permissions in the admin."""
    return make_member(django_user_model, "anquan", Role.SECURITY, is_staff=True)


@pytest.fixture(name="auditor_user")
def auditor_user_fixture(plan_2023, django_user_model):
    """审计管理员: reads the audit log, nothing else; not staff."""
    return make_member(django_user_model, "shenji", Role.AUDITOR)


@pytest.fixture(name="superuser")
def superuser_fixture(plan_2023, django_user_model):
    """The superuser of the first installation: no role in the application."""
    return django_user_model.objects.create_superuser("root", password=PASSWORD)


@pytest.fixture(name="no_role_user")
def no_role_user_fixture(plan_2023, django_user_model):
    return make_member(django_user_model, "nobody", None)


def client_for(user) -> Client:
    """A fresh client logged in as the user; anonymous when user is None."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- the plan rows and months -------------------------------------------------------------------


def provincial_row(plan_year, number: int, position: int = 1) -> TaskRow:
    return TaskRow.objects.get(
        project__tier__plan_year=plan_year,
        project__tier__kind=Tier.Kind.PROVINCIAL,
        project__number=number,
        position=position,
    )


def reporting_month(plan_year, month: int) -> ReportingMonth:
    return ensure_reporting_months(plan_year=plan_year)[month - 1]


@pytest.fixture(name="employment_row")
def employment_row_fixture(plan_2023) -> TaskRow:
    """Provincial item 3 促进高质量充分就业, led by 县人社局."""
    row = provincial_row(plan_2023, 3)
    assert row.lead_unit.name == "县人社局"
    return row


@pytest.fixture(name="february")
def february_fixture(plan_2023) -> ReportingMonth:
    return reporting_month(plan_2023, 2)


@pytest.fixture(name="march")
def march_fixture(plan_2023) -> ReportingMonth:
    return reporting_month(plan_2023, 3)


def indicator(row: TaskRow, name: str):
    return row.indicators.get(name=name)


def deadline_moment(month: ReportingMonth, hour: int, *, days_after: int = 0):
    """A local time on (or days after) the month's submit deadline."""
    day = month_schedule(month).submit_deadline + timezone.timedelta(days=days_after)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


# --- writing figures ----------------------------------------------------------------------------


def contribution_of(user, row: TaskRow, month: ReportingMonth) -> Contribution | None:
    return Contribution.objects.filter(
        submission__task_row=row, submission__reporting_month=month, unit=roles.unit_of(user)
    ).first()


def save_figures(
    user,
    row: TaskRow,
    month: ReportingMonth,
    values: dict[str, str],
    *,
    explanations: dict[str, str] | None = None,
    funds: str = "",
    progress: str = "",
    expected_version: int | None = None,
) -> Contribution:
    """Save a unit's figures for a row through the service, as its liaison; must validate."""
    submission = data_entry.open_submission(reporting_month=month, task_row=row)
    contribution = data_entry.open_contribution(submission=submission, unit=roles.unit_of(user))
    inputs = [
        FigureInput(
            indicator=indicator(row, name), raw_value=value, explanation=(explanations or {}).get(name, "")
        )
        for name, value in values.items()
    ]
    result = data_entry.save_contribution(
        user=user,
        contribution=contribution,
        expected_version=contribution.version if expected_version is None else expected_version,
        inputs=inputs,
        funds=funds,
        progress=progress,
    )
    assert result.ok, result.errors
    contribution.refresh_from_db()
    return contribution


def fill_employment(
    user, row: TaskRow, month: ReportingMonth, employment="100", training="50", startup="10"
) -> Contribution:
    return save_figures(
        user, row, month, {EMPLOYMENT: employment, TRAINING: training, STARTUP_TRAINING: startup}
    )


NO_DATA_REASON = "测试：该单位本月无此项工作"


def submit_row(*, user, submission_id: int, now=None) -> Submission:
    """Submit as the lead unit, closing every responsible unit's missing part as 本月无数据."""
    submission = Submission.objects.select_related("reporting_month", "task_row").get(pk=submission_id)
    reasons = {part.unit.pk: NO_DATA_REASON for part in completeness.parts_of(submission) if part.needs_mark}
    return review.submit(user=user, submission_id=submission_id, now=now, no_data=reasons)


def submission_in(
    status: str, *, row: TaskRow, month: ReportingMonth, liaison, office, statistics
) -> Submission:
    """Drive a row's submission through the real services up to the given status."""
    fill_employment(liaison, row, month)
    submission = Submission.objects.get(task_row=row, reporting_month=month)
    if status == Submission.Status.DRAFT:
        return submission
    submit_row(user=liaison, submission_id=submission.pk, now=deadline_moment(month, 10))
    if status == Submission.Status.RETURNED:
        review.return_submission(user=office, submission_id=submission.pk, reason="请补充进展情况。")
    if status in (Submission.Status.APPROVED, Submission.Status.VERIFIED, Submission.Status.FORWARDED):
        review.approve(user=office, submission_id=submission.pk)
    if status in (Submission.Status.VERIFIED, Submission.Status.FORWARDED):
        review.verify(user=statistics, submission_id=submission.pk)
    if status == Submission.Status.FORWARDED:
        forward_whole_month(office, month)
    submission.refresh_from_db()
    assert submission.status == status
    return submission


def forward_whole_month(office, month: ReportingMonth, reason: str = "测试：其余行按未报送处理"):
    """Forward the month as the confirmation page does, closing the rows not ready."""
    plan = forwarding.forwarding_plan(reporting_month=month)
    return forwarding.forward_month(
        user=office,
        reporting_month=month,
        fingerprint=plan.fingerprint,
        close_not_ready=bool(plan.not_ready),
        reason=reason if plan.not_ready else "",
    )


# --- the entry page -----------------------------------------------------------------------------


def entry_url(month: ReportingMonth) -> str:
    return f"{reverse('reporting:entry')}?year={month.plan_year.year}&month={month.month}"


def entry_data(
    row: TaskRow,
    values: dict[str, str],
    *,
    version: int,
    explanations: dict[str, str] | None = None,
    funds: str = "",
    progress: str = "",
    problems: str = "",
) -> dict[str, str]:
    """The fields the entry page posts for one task row, by indicator name."""
    data = {
        f"r{row.pk}-version": str(version),
        f"r{row.pk}-funds": funds,
        f"r{row.pk}-progress": progress,
        f"r{row.pk}-problems": problems,
    }
    for name, value in values.items():
        item = indicator(row, name)
        data[f"r{row.pk}-i{item.pk}-value"] = value
        data[f"r{row.pk}-i{item.pk}-explanation"] = (explanations or {}).get(name, "")
    return data


def database_state() -> dict:
    """Everything the monthly workflow writes, to compare before and after a refused request."""
    return {
        "submissions": sorted(Submission.objects.values_list("pk", "status", "version", "return_reason")),
        "contributions": sorted(
            Contribution.objects.values_list(
                "pk", "unit_id", "version", "funds_invested", "progress", "problems"
            )
        ),
        "figures": sorted(
            Figure.objects.values_list(
                "pk", "contribution_id", "indicator_id", "value", "stage", "explanation"
            )
        ),
        "events": sorted(ReviewEvent.objects.values_list("pk", "action")),
    }


def downloaded(response) -> bytes:
    """The bytes of a file response: every download is streamed (audit.delivery)."""
    return b"".join(response.streaming_content) if response.streaming else response.content
