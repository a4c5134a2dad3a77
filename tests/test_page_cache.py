"""Cached dashboards: served from the cache while the data is unchanged, never stale after a write."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import data_version
from projects.models import Unit
from reporting.dashboards import page_cache
from reporting.models import Figure
from tests.roles import client_for
from tests.test_dashboards import EMPLOYMENT, item, put

pytestmark = pytest.mark.django_db

OVERVIEW = "/dashboard/?year=2023&month=8"


def fragment(response) -> str:
    """The dashboard below the site's header: the part that is cached."""
    html = response.content.decode()
    return re.search(r'<div class="dash">.*</footer>\s*</div>', html, re.DOTALL).group(0)


def indicator_page(name: str) -> str:
    return reverse("reporting:dashboard_indicator", args=[item(name).pk]) + "?month=8"


def test_a_second_visit_is_served_from_the_cache(plan_2023, leader_user, django_assert_max_num_queries):
    put(plan_2023, 8, {EMPLOYMENT: 3300})
    client = client_for(leader_user)
    first = client.get(OVERVIEW)

    # What every page costs (the session read and renewed, the user, the role, the demo-data banner);
    # none of the dashboard's own queries.
    with django_assert_max_num_queries(7):
        second = client.get(OVERVIEW)

    assert second.status_code == 200
    assert fragment(second) == fragment(first)


def test_a_changed_figure_shows_on_the_next_visit(plan_2023, leader_user):
    put(plan_2023, 8, {EMPLOYMENT: 3300})
    client = client_for(leader_user)
    assert "3300人" in fragment(client.get(indicator_page(EMPLOYMENT)))

    put(plan_2023, 8, {EMPLOYMENT: 3500})

    page = fragment(client.get(indicator_page(EMPLOYMENT)))
    assert "3500人" in page and "3300人" not in page


def test_a_bulk_update_without_signals_shows_on_the_next_visit(plan_2023, leader_user):
    put(plan_2023, 8, {EMPLOYMENT: 3300})
    client = client_for(leader_user)
    client.get(indicator_page(EMPLOYMENT))

    Figure.objects.filter(indicator=item(EMPLOYMENT)).update(value=Decimal(3600))

    assert "3600人" in fragment(client.get(indicator_page(EMPLOYMENT)))


def test_a_renamed_unit_shows_on_the_next_visit(plan_2023, leader_user):
    client = client_for(leader_user)
    assert "县人社局" in fragment(client.get(indicator_page(EMPLOYMENT)))

    Unit.objects.filter(name="县人社局").update(name="县人力资源和社会保障局")

    assert "县人力资源和社会保障局" in fragment(client.get(indicator_page(EMPLOYMENT)))


def test_each_role_gets_the_fragment_for_its_own_rights(plan_2023, office_user, leader_user):
    office_user.is_staff = True
    office_user.save()
    rule_link = "修改本年度预警规则"

    assert rule_link in fragment(client_for(office_user).get(OVERVIEW))
    assert rule_link not in fragment(client_for(leader_user).get(OVERVIEW))


def test_the_day_is_part_of_the_key(monkeypatch):
    request = RequestFactory().get(OVERVIEW)
    monkeypatch.setattr(page_cache.timezone, "localdate", lambda: date(2023, 8, 21))
    before_midnight = page_cache.dashboard_vary(request, False)
    monkeypatch.setattr(page_cache.timezone, "localdate", lambda: date(2023, 8, 22))

    assert page_cache.dashboard_vary(request, False) != before_midnight


def test_logging_in_and_reading_keep_the_cached_pages(plan_2023, leader_user):
    client_for(leader_user).get(OVERVIEW)
    version = data_version.current()

    client = client_for(leader_user)  # a new session, the last-login stamp, the audit row
    client.get(OVERVIEW)
    client.get(indicator_page(EMPLOYMENT))

    assert data_version.current() == version


def test_caching_can_be_turned_off(plan_2023, leader_user, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    client = client_for(leader_user)
    client.get(OVERVIEW)
    with CaptureQueriesContext(connection) as computed:
        client.get(OVERVIEW)

    with django_assert_num_queries(len(computed)):
        client.get(OVERVIEW)
    assert len(computed) > 8  # the whole dashboard, computed again


@pytest.mark.django_db(transaction=True)
def test_a_write_renews_the_version_once_when_it_commits():
    data_version.current()
    data_version.renew()  # nothing read since: no page can be cached under this version yet
    peek = caches["data_version"].get
    before = peek(data_version.CACHE_KEY)
    with transaction.atomic():
        Unit.objects.create(name="测试单位", kind=Unit.Kind.TOWNSHIP)
        Unit.objects.create(name="另一个单位", kind=Unit.Kind.TOWNSHIP)
        assert peek(data_version.CACHE_KEY) == before

    assert peek(data_version.CACHE_KEY) != before


@pytest.mark.django_db(transaction=True)
def test_a_write_after_a_read_renews_the_version_at_once_and_again_at_commit():
    before = data_version.current()
    with transaction.atomic():
        Unit.objects.create(name="测试单位", kind=Unit.Kind.TOWNSHIP)
        # A page rendered now reads the old data (the write is not committed) under this version.
        during = data_version.current()

    assert during != before
    assert data_version.current() != during


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_no_page_cached_under_a_version_that_comes_back():
    with transaction.atomic():
        Unit.objects.create(name="测试单位", kind=Unit.Kind.TOWNSHIP)
        during = data_version.current()
        transaction.set_rollback(True)

    # Versions are random, not counted: the next write cannot reuse the rolled-back one.
    Unit.objects.create(name="另一个单位", kind=Unit.Kind.TOWNSHIP)
    assert data_version.current() != during


def test_a_cache_that_cannot_be_written_does_not_refuse_the_write(
    settings, tmp_path, caplog, django_capture_on_commit_callbacks
):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    settings.CACHES = {
        **settings.CACHES,
        "data_version": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": blocked / "data-version",
        },
    }

    data_version.forget_debt()  # as a new process: the warning is logged once per debt
    with django_capture_on_commit_callbacks(execute=True):  # the renewal runs at commit
        Unit.objects.create(name="测试单位", kind=Unit.Kind.TOWNSHIP)

    assert Unit.objects.filter(name="测试单位").exists()
    assert "Could not renew the data version" in caplog.text


def test_a_connection_outside_the_configured_ones_can_write():
    # Django creates and drops a test database on such a connection (PostgreSQL); its alias names none.
    elsewhere = connection.copy("__elsewhere__")
    try:
        with elsewhere.cursor() as cursor:
            cursor.execute("CREATE TEMPORARY TABLE scratch (id integer)")  # no refusal from the write guard
            cursor.execute("INSERT INTO scratch (id) VALUES (1)")
            cursor.execute("SELECT id FROM scratch")
            assert cursor.fetchall() == [(1,)]
    finally:
        elsewhere.close()


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('SELECT "reporting_figure"."id" FROM "reporting_figure"', False),
        ('SELECT "reporting_submission"."id" FROM "reporting_submission" FOR UPDATE', False),
        ('SAVEPOINT "s1_x1"', False),
        ('RELEASE SAVEPOINT "s1_x1"', False),
        ('INSERT INTO "reporting_figure" ("value") VALUES (%s)', True),
        ('UPDATE "projects_indicator" SET "name" = %s WHERE "projects_indicator"."id" = %s', True),
        ('DELETE FROM "projects_unit" WHERE "projects_unit"."id" IN (%s)', True),
        ('UPDATE "auth_user" SET "first_name" = %s WHERE "auth_user"."id" = %s', True),
        ("WITH moved AS (UPDATE reporting_figure SET value = 1) SELECT 1", True),
        ('ALTER TABLE "projects_unit" ADD COLUMN "code" varchar(10)', True),
        ('UPDATE "django_session" SET "session_data" = %s WHERE "django_session"."session_key" = %s', False),
        ('INSERT INTO "audit_auditevent" ("action") VALUES (%s)', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
        ('INSERT INTO "reporting_pendingimport" ("token") VALUES (%s)', False),  # registered by reporting
        ('UPDATE "auth_user" SET "last_login" = %s WHERE "auth_user"."id" = %s', False),
    ],
)
def test_it_tells_writes_from_reads_and_bookkeeping(sql, writes):
    assert data_version.may_write(sql) is writes
