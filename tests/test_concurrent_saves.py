"""Units saving their parts of the same row at the same moment do not wait for one another.

PostgreSQL only, like tests/test_concurrency.py whose helpers it uses: each save holds a shared
lock on the submission, so a township's save goes through while the lead unit's is still open,
and both are kept.
"""

import time

import pytest
from django.db import connection

from reporting import services
from reporting.models import Figure
from reporting.validation import FigureInput
from tests.roles import (  # noqa: F401 - fixtures
    EMPLOYMENT,
    employment_row_fixture,
    fill_employment,
    indicator,
    march_fixture,
    renshe_liaison_fixture,
    township_liaison_fixture,
)
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
    original = services._hold_open

    def held(submission_id):
        opened = original(submission_id)
        if getattr(connection, "hold_it", False):
            time.sleep(HOLD_SECONDS)  # the lead unit's save keeps its transaction open a while
        return opened

    monkeypatch.setattr(services, "_hold_open", held)

    def save(user, contribution, value, *, hold=False):
        def run():
            connection.hold_it = hold
            if not hold:
                time.sleep(HOLD_SECONDS / 5)  # the lead unit's save takes its lock first
            return services.save_contribution(
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
    assert waited < HOLD_SECONDS / 2  # not queued behind the lead unit's open transaction
    assert Figure.objects.get(contribution=lead, indicator__name=EMPLOYMENT).value == 150
    assert Figure.objects.get(contribution=part, indicator__name=EMPLOYMENT).value == 35
