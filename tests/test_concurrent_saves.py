"""Units saving their parts of the same row at the same moment do not wait for one another.

PostgreSQL only, like tests/test_concurrency.py whose helpers it uses: each save holds a shared
lock on the submission, so a township's save goes through while the lead unit's is still open,
and both are kept.
"""

import time

import pytest
from django.db import connection

from reporting.models import Figure, Submission
from reporting.workflow import data_entry
from reporting.workflow.validation import FigureInput
from tests.roles import EMPLOYMENT, fill_employment, indicator
from tests.test_concurrency import HOLD_SECONDS, race

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]


def test_two_units_save_parts_of_one_row_without_waiting(
    renshe_liaison, township_liaison, employment_row, march, monkeypatch
):
    lead = fill_employment(renshe_liaison, employment_row, march, employment="100")
    part = fill_employment(township_liaison, employment_row, march, employment="20")
    original = data_entry._hold_open

    def held(submission_id):
        opened = original(submission_id)
        if getattr(connection, "hold_it", False):
            time.sleep(HOLD_SECONDS)  # the lead unit's save keeps its transaction open a while
        return opened

    monkeypatch.setattr(data_entry, "_hold_open", held)

    def save(user, contribution, value, *, hold=False):
        def run():
            connection.hold_it = hold
            if not hold:
                time.sleep(HOLD_SECONDS / 5)  # the lead unit's save takes its lock first
            return data_entry.save_contribution(
                user=user,
                contribution=contribution.__class__.objects.select_related("submission__task_row").get(
                    pk=contribution.pk
                ),
                expected_version=contribution.version,
                inputs=[FigureInput(indicator=indicator(employment_row, EMPLOYMENT), raw_value=value)],
            )

        return run

    (first, _, _), (second, _, waited) = race(
        save(renshe_liaison, lead, "150", hold=True), save(township_liaison, part, "35")
    )

    assert first == "ok" and second == "ok"
    # Not queued behind the lead unit's open transaction, which would take the whole hold; a margin
    # under it, since a loaded CI worker may take a quarter of a second for the save itself.
    assert waited < HOLD_SECONDS * 0.8
    assert Figure.objects.get(contribution=lead, indicator__name=EMPLOYMENT).value == 150
    assert Figure.objects.get(contribution=part, indicator__name=EMPLOYMENT).value == 35


def test_two_units_first_saves_of_a_row_both_keep_their_figures(
    renshe_liaison, township_liaison, employment_row, march, monkeypatch
):
    # Neither unit has saved the row this month: both saves create its submission at once.
    original = data_entry._hold_open

    def held(submission_ids):
        opened = original(submission_ids)
        if getattr(connection, "hold_it", False):
            time.sleep(HOLD_SECONDS)  # the first save keeps the new submission uncommitted a while
        return opened

    monkeypatch.setattr(data_entry, "_hold_open", held)

    def save(user, value, *, hold=False):
        def run():
            connection.hold_it = hold
            if not hold:
                time.sleep(HOLD_SECONDS / 5)  # the lead unit's save creates the submission first
            entry = data_entry.SheetEntry(
                task_row=employment_row,
                expected_version=0,
                inputs=[FigureInput(indicator=indicator(employment_row, EMPLOYMENT), raw_value=value)],
            )
            unit = user.membership.unit
            return data_entry.save_month_sheet(user=user, unit=unit, reporting_month=march, entries=[entry])

        return run

    (first, _, _), (second, _, _) = race(save(renshe_liaison, "150", hold=True), save(township_liaison, "35"))

    assert first == "ok" and second == "ok"
    submission = Submission.objects.get(reporting_month=march, task_row=employment_row)
    assert submission.history.filter(history_type="+").count() == 1
    values = Figure.objects.filter(contribution__submission=submission, indicator__name=EMPLOYMENT)
    assert sorted(values.values_list("contribution__unit__name", "value")) == [
        ("县人社局", 150),
        (township_liaison.membership.unit.name, 35),
    ]
