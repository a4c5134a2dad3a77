"""The rules that keep the test suite fast fail loudly when broken (tests/conftest.py, tests/database.py)."""

import pytest

from projects.models import PlanYear
from tests.database import Session, load_bundled_plan, session_plan


def test_a_second_load_of_the_bundled_plan_fails(plan_2023):
    with pytest.raises(pytest.fail.Exception, match="loaded a second time"):
        load_bundled_plan()
    assert Session.loads == 1


def test_a_test_that_finds_the_plan_gone_names_the_test_that_flushed_it(plan_2023, monkeypatch):
    monkeypatch.setattr(Session, "flushed_by", "tests/test_example.py::test_that_committed")
    PlanYear.objects.filter(pk=plan_2023.pk).update(year=2099)  # as if flushed; rolled back after the test

    with pytest.raises(pytest.fail.Exception, match="test_example.py::test_that_committed flushed"):
        session_plan(transactional=False)
