"""A forwarded month with known figures for the 通报 and 督办单 tests, made through the real services.

April and May 2023: item 3 促进高质量充分就业 (县人社局, 王兰鹏) and item 6 (县民政局, 张胤) behind time
progress in both, so flagged in May; item 6 submitted three days late in May and returned twice before
it was verified; one row of 县住建局 on time; every other row closed unreported when each month was
forwarded.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from docx import Document

from accounts.models import Role
from bulletins.facts import month_facts
from bulletins.notice import NoticeExporter
from bulletins.supervision import SupervisionExporter
from projects.models import Indicator, TaskRow
from reporting.dashboards.board import board
from reporting.dashboards.lines import TALLY_ORDER
from reporting.models import ReportingMonth, Submission
from reporting.workflow import data_entry, review
from reporting.workflow.validation import FigureInput
from tests.database import session_plan
from tests.roles import (
    deadline_moment,
    fill_employment,
    forward_whole_month,
    make_member,
    provincial_row,
    reporting_month,
    submission_in,
    submit_row,
)

RETURN_REASON = "请核实本月数据。"
RETURNS = 2  # 县民政局's row, returned twice in May
LATE_DAYS = 3  # 县民政局 submits three days after the deadline
# 县住建局's row filled on time in May: the first it leads.
ZHUJIAN = "县住建局"


def fill_row(user, row: TaskRow, month: ReportingMonth, value: str) -> Submission:
    """Every indicator of the row as its lead unit, through the service: a number, or stage 2."""
    submission = data_entry.open_submission(reporting_month=month, task_row=row)
    contribution = data_entry.open_contribution(submission=submission, unit=row.lead_unit)
    inputs = [
        FigureInput(indicator=item, raw_value="", raw_stage="2")
        if item.kind == Indicator.Kind.MILESTONE
        else FigureInput(indicator=item, raw_value=value)
        for item in row.indicators.all()
    ]
    result = data_entry.save_contribution(
        user=user, contribution=contribution, expected_version=contribution.version, inputs=inputs
    )
    assert result.ok, result.errors
    return submission


def verify(submission: Submission, *, office, statistics) -> None:
    review.approve(user=office, submission_id=submission.pk)
    review.verify(user=statistics, submission_id=submission.pk)


def build_forwarded_may(plan_2023, *, office, statistics, renshe, minzheng, zhujian) -> ReportingMonth:
    """April and May forwarded with the figures and timestamps the module docstring describes."""
    april, may = reporting_month(plan_2023, 4), reporting_month(plan_2023, 5)
    people = {"office": office, "statistics": statistics}
    employment_row = provincial_row(plan_2023, 3)

    fill_employment(renshe, employment_row, april, employment="800", training="1000", startup="100")
    employment = Submission.objects.get(task_row=employment_row, reporting_month=april)
    submit_row(user=renshe, submission_id=employment.pk, now=deadline_moment(april, 10))
    verify(employment, **people)
    welfare_row = provincial_row(plan_2023, 6)
    welfare = fill_row(minzheng, welfare_row, april, "5")
    submit_row(user=minzheng, submission_id=welfare.pk, now=deadline_moment(april, 11))
    verify(welfare, **people)
    forward_whole_month(office, april)

    fill_employment(renshe, employment_row, may, employment="1000", training="1200", startup="120")
    employment = Submission.objects.get(task_row=employment_row, reporting_month=may)
    submit_row(user=renshe, submission_id=employment.pk, now=deadline_moment(may, 10))
    verify(employment, **people)

    welfare = fill_row(minzheng, welfare_row, may, "10")
    late = deadline_moment(may, 10, days_after=LATE_DAYS)
    submit_row(user=minzheng, submission_id=welfare.pk, now=late)
    for _time in range(RETURNS):
        review.return_submission(user=office, submission_id=welfare.pk, reason=RETURN_REASON)
        submit_row(user=minzheng, submission_id=welfare.pk, now=late + timedelta(hours=4))
    verify(welfare, **people)

    housing_row = TaskRow.objects.filter(project__tier__plan_year=plan_2023, lead_unit__name=ZHUJIAN).first()
    housing = fill_row(zhujian, housing_row, may, "1")
    submit_row(user=zhujian, submission_id=housing.pk, now=deadline_moment(may, 9))
    verify(housing, **people)

    forward_whole_month(office, may)
    may.refresh_from_db()
    return may


@pytest.fixture(name="forwarded_may")
def forwarded_may_fixture(
    plan_2023, office_user, statistics_user, renshe_liaison, minzheng_liaison, zhujian_liaison
) -> ReportingMonth:
    """The month in the test's own database, for tests that download, refuse or audit."""
    return build_forwarded_may(
        plan_2023,
        office=office_user,
        statistics=statistics_user,
        renshe=renshe_liaison,
        minzheng=minzheng_liaison,
        zhujian=zhujian_liaison,
    )


@pytest.fixture(name="forwarded_april")
def forwarded_april_fixture(
    plan_2023, office_user, statistics_user, renshe_liaison, employment_row
) -> ReportingMonth:
    """April forwarded with one row, item 3, verified: the least a forwarded month holds."""
    april = reporting_month(plan_2023, 4)
    submission_in(
        Submission.Status.FORWARDED,
        row=employment_row,
        month=april,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )
    april.refresh_from_db()
    return april


@dataclass(frozen=True)
class Drafted:
    """The month's documents as files, and what the board and the timeliness board say of it."""

    notice: bytes
    supervision: bytes
    supervision_units: dict[str, bytes]  # unit name → its own 督办单
    tallies: dict[str, dict[str, int]]  # tier label (and 合计) → status label → count
    behind: list[tuple[str, str, str, str]]  # indicator, figure, lead unit, leader; worst first
    flagged: list[tuple[str, str]]  # indicator and lead unit of each line on the escalation list
    forwarded_on: date
    reply_deadline: date
    today: date


@pytest.fixture(name="drafted_may", scope="module")
def drafted_may_fixture(django_db_setup, django_db_blocker) -> Drafted:
    """The month built once per module, drafted and then rolled back: the tests read only the files."""
    with django_db_blocker.unblock(), transaction.atomic():
        plan = session_plan(transactional=False)
        users = get_user_model()
        people = {
            "office": make_member(users, "zhuanban", Role.OFFICE, unit="县人社局", is_staff=True),
            "statistics": make_member(users, "tongji", Role.STATISTICS, unit="县统计局"),
            "renshe": make_member(users, "renshe", Role.LIAISON, unit="县人社局"),
            "minzheng": make_member(users, "minzheng", Role.LIAISON, unit="县民政局"),
            "zhujian": make_member(users, "zhujian", Role.LIAISON, unit=ZHUJIAN),
        }
        build_forwarded_may(plan, **people)
        facts = month_facts(year=2023, month=5)
        the_board = board(plan_year=plan, month=5)
        tallies = {
            tally.label: {str(status.label): tally.count(status) for status in TALLY_ORDER}
            for tally in [*the_board.tier_tallies(), the_board.overall()]
        }
        drafted = Drafted(
            notice=NoticeExporter(facts=facts).render(),
            supervision=SupervisionExporter(facts=facts).render(),
            supervision_units={
                item.unit.name: SupervisionExporter(facts=facts, unit_id=item.unit.pk).render()
                for item in facts.supervised
            },
            tallies=tallies,
            behind=[
                (
                    line.indicator.name,
                    line.value_display,
                    line.task_row.lead_unit.name,
                    line.task_row.leader.name if line.task_row.leader else "",
                )
                for line in the_board.behind()
            ],
            flagged=[(line.indicator.name, line.task_row.lead_unit.name) for line in the_board.flagged()],
            forwarded_on=timezone.localdate(facts.reporting_month.forwarded_at),
            reply_deadline=facts.reply_deadline,
            today=timezone.localdate(),
        )
        transaction.set_rollback(True)
    return drafted


def opened(content: bytes):
    return Document(BytesIO(content))


def document_text(document) -> str:
    """Every paragraph and every table cell, in order, one a line."""
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)
