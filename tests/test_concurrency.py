"""Two people acting on the same figures at the same moment: exactly one wins, the other is told why.

PostgreSQL only: SQLite has no row locks, and these tests need two real connections
committing at the same time (transactional tests, one thread per person).
"""

import threading
import time

import pytest
from django.db import connection

from reporting.models import Figure, Submission
from reporting.workflow import data_entry, errors, review
from reporting.workflow.validation import FigureInput
from tests.roles import EMPLOYMENT, fill_employment, indicator, make_member, submission_in, submit_row

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]

HOLD_SECONDS = 0.5


def race(*actions):
    """Run each action in its own thread and connection, all released by one barrier.

    Returns, per action, ("ok", result) or ("refused", exception), and the seconds it took.
    """
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            started = time.monotonic()
            try:
                result = ("ok", action())
            except Exception as exc:  # a refusal: WorkflowError, PermissionDenied
                result = ("refused", exc)
            outcomes[index] = (*result, time.monotonic() - started)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, action)) for index, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def hold_lock_when_taken(monkeypatch):
    """Make the approval keep its row lock a moment, so the other action surely meets it."""
    original = review.locked_submission

    def locked_and_held(submission_id):
        submission = original(submission_id)
        time.sleep(HOLD_SECONDS)
        return submission

    monkeypatch.setattr(review, "locked_submission", locked_and_held)


@pytest.fixture
def people(renshe_liaison, office_user, statistics_user):
    return {"liaison": renshe_liaison, "office": office_user, "statistics": statistics_user}


def drive(status, people, row, month):
    return submission_in(
        status,
        row=row,
        month=month,
        liaison=people["liaison"],
        office=people["office"],
        statistics=people["statistics"],
    )


def test_an_approval_and_an_edit_at_the_same_moment(people, employment_row, march, monkeypatch):
    """The liaison saves from a page loaded before the row was resubmitted, as the office approves it."""
    submission = drive(Submission.Status.RETURNED, people, employment_row, march)
    stale = submission.contributions.select_related("submission__task_row").get(
        unit=employment_row.lead_unit
    )  # loaded while open
    submit_row(user=people["liaison"], submission_id=submission.pk)
    hold_lock_when_taken(monkeypatch)

    def approve():
        return review.approve(user=people["office"], submission_id=submission.pk)

    def edit():
        time.sleep(HOLD_SECONDS / 5)  # the approval takes its lock first
        return data_entry.save_contribution(
            user=people["liaison"],
            contribution=stale,
            expected_version=stale.version,
            inputs=[FigureInput(indicator=indicator(employment_row, EMPLOYMENT), raw_value="999")],
        )

    (approval, _, _), (saving, error, _) = race(approve, edit)

    # The save's conditional update matches only an open row: however the two interleave, it finds
    # the row submitted or approved and writes nothing, while the approval holds its row lock.
    assert approval == "ok" and saving == "refused"
    assert isinstance(error, errors.LockedError) and "专班办公室" in str(error)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED
    assert Figure.objects.get(contribution=stale, indicator__name=EMPLOYMENT).value == 100


def test_two_saves_of_the_same_figures_at_the_same_moment(people, employment_row, march):
    contribution = fill_employment(people["liaison"], employment_row, march, employment="100")

    def save(value):
        def run():
            return data_entry.save_contribution(
                user=people["liaison"],
                contribution=contribution.__class__.objects.select_related("submission__task_row").get(
                    pk=contribution.pk
                ),
                expected_version=contribution.version,
                inputs=[FigureInput(indicator=indicator(employment_row, EMPLOYMENT), raw_value=value)],
            )

        return run

    outcomes = race(save("200"), save("300"))

    assert sorted(outcome for outcome, _, _ in outcomes) == ["ok", "refused"]
    error = next(result for outcome, result, _ in outcomes if outcome == "refused")
    assert isinstance(error, errors.ConflictError) and "保存冲突" in str(error)
    winner = next(
        value for (outcome, _, _), value in zip(outcomes, ("200", "300"), strict=True) if outcome == "ok"
    )
    assert Figure.objects.get(contribution=contribution, indicator__name=EMPLOYMENT).value == int(winner)


def test_an_approval_and_a_return_at_the_same_moment(people, employment_row, march, django_user_model):
    colleague = make_member(django_user_model, "zhuanban2", "office", unit="县人社局", is_staff=True)
    submission = drive(Submission.Status.SUBMITTED, people, employment_row, march)

    outcomes = race(
        lambda: review.approve(user=people["office"], submission_id=submission.pk),
        lambda: review.return_submission(user=colleague, submission_id=submission.pk, reason="请核实"),
    )

    assert sorted(outcome for outcome, _, _ in outcomes) == ["ok", "refused"]
    submission.refresh_from_db()
    assert submission.status in (Submission.Status.APPROVED, Submission.Status.RETURNED)
    assert submission.events.filter(action__in=["approve", "return"]).count() == 1


def test_a_submission_waits_out_a_co_units_edit_or_refuses_it(
    people, township_liaison, employment_row, march, monkeypatch
):
    """The lead unit submits while a township saves: the township's save meets the submit's row lock,
    waits for it, then finds the row no longer open and writes nothing."""
    fill_employment(people["liaison"], employment_row, march)
    part = fill_employment(township_liaison, employment_row, march, employment="20")
    submission = part.submission
    hold_lock_when_taken(monkeypatch)

    def submit():
        return submit_row(user=people["liaison"], submission_id=submission.pk)

    def edit():
        time.sleep(HOLD_SECONDS / 5)
        return data_entry.save_contribution(
            user=township_liaison,
            contribution=part,
            expected_version=part.version,
            inputs=[FigureInput(indicator=indicator(employment_row, EMPLOYMENT), raw_value="35")],
        )

    (submitted, _, _), (saving, error, waited) = race(submit, edit)

    assert submitted == "ok" and saving == "refused"
    assert isinstance(error, errors.LockedError)
    assert waited >= HOLD_SECONDS / 2  # blocked on the submit's row lock until it committed
    assert Figure.objects.get(contribution=part, indicator__name=EMPLOYMENT).value == 20
