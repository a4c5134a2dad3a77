import io

import pytest
from django.core.cache import caches
from django.core.management import call_command

from projects.models import PlanYear


def _load_bundled_plan() -> None:
    call_command("load_plan", stdout=io.StringIO())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the bundled plan once; each test then runs inside a rolled-back transaction."""
    with django_db_blocker.unblock():
        _load_bundled_plan()


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test's database rolls back, but a cache does not: a page cached by one test under some
    data version must not be served to the next, whose data may differ."""
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def plan_2023(db) -> PlanYear:
    """The bundled 2023 plan, loaded exactly as `make run` loads it.

    Transactional tests flush the database afterwards, so load again when it is gone.
    """
    if not PlanYear.objects.filter(year=2023).exists():
        _load_bundled_plan()
    return PlanYear.objects.get(year=2023)
