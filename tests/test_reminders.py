import io

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import Membership, Role
from projects.models import Unit
from reporting.calendar.deadlines import ensure_reporting_months
from reporting.models import Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def liaison_with_email(django_user_model, plan_2023):
    user = django_user_model.objects.create_user("hrs", email="hrs@example.com", password="x")
    Membership.objects.create(user=user, role=Role.LIAISON, unit=Unit.objects.get(name="县人社局"))
    return user


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", "--year", "2023", "--month", "5", *args, stdout=out)
    return out.getvalue()


def test_it_emails_liaisons_of_units_that_have_not_submitted(liaison_with_email):
    output = run()
    assert "县人社局" in output
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hrs@example.com"]
    assert "促进高质量充分就业" in mail.outbox[0].body


def test_it_lists_without_sending_on_dry_run(liaison_with_email):
    output = run("--dry-run")
    assert "县人社局" in output and "县教育局" in output
    assert mail.outbox == []


def test_it_leaves_out_units_that_have_submitted(liaison_with_email, plan_2023):
    may = ensure_reporting_months(plan_year=plan_2023)[4]
    rows = plan_2023.tiers.get(kind="provincial").projects.get(number=3).task_rows.all()
    for row in rows:
        Submission.objects.create(
            reporting_month=may,
            task_row=row,
            status="submitted",
            submitted_at="2023-05-21T10:00+08:00",
            first_submitted_at="2023-05-21T10:00+08:00",
            on_time=True,
        )
    run()
    assert "促进高质量充分就业" not in mail.outbox[0].body
    assert "扩大社会保险覆盖面" in mail.outbox[0].body
