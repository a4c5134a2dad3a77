"""The test database's shared data: the bundled plan, loaded once a session, and snapshots of it.

Most tests run inside a transaction that is rolled back, so they all read the plan that the
session loaded once. Transactional tests commit for real and Django flushes the database after
each of them; those that need data restore a snapshot of the tables, taken with the database's
own copy tools (SQLite's backup, PostgreSQL's COPY): milliseconds, where loading the plan again
takes seconds.
"""

import io
import sqlite3
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from projects.models import PlanYear
from reporting.calendar.deadlines import ensure_reporting_months


class Session:
    """What this process did with the bundled plan; the guard and the summary read it."""

    loads = 0
    restores = 0
    snapshot = None
    flushed_by: str | None = None  # the last transactional test that ran


def load_bundled_plan() -> None:
    """Load the plan into this process's test database and keep its snapshot; once a run.

    This is the guard that keeps the suite fast: a fixture that reloads the plan (seconds)
    instead of reading the session's copy would silently cost every later test.
    """
    if Session.loads:
        pytest.fail(
            "The bundled plan was about to be loaded a second time in this run; read the session's "
            "copy (the plan_2023 fixture) or, in a transactional test, call restore_plan().",
            pytrace=False,
        )
    call_command("load_plan", stdout=io.StringIO())
    Session.loads += 1
    # The twelve reporting months exist as soon as anyone opens a page of the year; most tests
    # need one, and creating them (with their history and audit rows) in each test cost seconds.
    ensure_reporting_months(plan_year=PlanYear.objects.get(year=2023))
    Session.snapshot = take_snapshot()


def take_snapshot():
    """Every table of the test database as it is now, to restore in a later transactional test."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        return copy
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True, include_views=False):
            rows = io.StringIO()
            cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} TO STDOUT", rows)
            if rows.tell():
                tables[table] = rows.getvalue()
    return tables


def restore_snapshot(snapshot) -> None:
    """Put the database back as the snapshot found it; in a transactional test only."""
    if connection.vendor == "sqlite":
        snapshot.backup(connection.connection)
        return
    # TRUNCATE, as Django's flush does: the audit log refuses row deletions. Truncating costs each
    # table a new file, so only the tables that hold rows (after a flush: the few that post_migrate
    # fills) are truncated. Foreign keys are checked at the commit, so the tables load in any order.
    names = {table: connection.ops.quote_name(table) for table in snapshot}
    with transaction.atomic(), connection.cursor() as cursor:
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        # The names are Django's own tables, quoted; nothing here comes from outside.
        probes = [f"SELECT %s WHERE EXISTS (SELECT 1 FROM {connection.ops.quote_name(t)})" for t in tables]  # noqa: S608
        cursor.execute(" UNION ALL ".join(probes), tables)
        holding_rows = [connection.ops.quote_name(table) for (table,) in cursor.fetchall()]
        if holding_rows:
            cursor.execute(f"TRUNCATE {', '.join(holding_rows)} CASCADE")
        for table, rows in snapshot.items():
            cursor.cursor.copy_expert(f"COPY {names[table]} FROM STDIN", io.StringIO(rows))


def restore_plan() -> PlanYear:
    """In a transactional test: the bundled plan, restored from the session's snapshot if flushed."""
    if not PlanYear.objects.filter(year=2023).exists():
        restore_snapshot(Session.snapshot)
        Session.restores += 1
    return PlanYear.objects.get(year=2023)


_BUILT: dict[str, object] = {}  # name -> snapshot of the plan plus what its build added


def built_once(name: str, build: Callable[[PlanYear], None]) -> PlanYear:
    """In a transactional test: the bundled plan plus what `build` adds to it, built by the first
    test that asks and restored from its snapshot for every later one (one restore, not two:
    the fixture asks for the database, not for `plan_2023`, whose restore this one would undo)."""
    if name in _BUILT:
        restore_snapshot(_BUILT[name])
        Session.restores += 1
    else:
        build(restore_plan())
        _BUILT[name] = take_snapshot()
    return PlanYear.objects.get(year=2023)


def session_plan(*, transactional: bool) -> PlanYear:
    """The bundled plan for a test; restored in a transactional test, never reloaded in another."""
    if transactional:
        return restore_plan()
    if not PlanYear.objects.filter(year=2023).exists():
        pytest.fail(
            f"The bundled 2023 plan is gone: the transactional test {Session.flushed_by} flushed the "
            "database before this test. Transactional tests must run last (tests/conftest.py sorts "
            "them so); a test that reorders the run, or commits outside a transactional test, breaks that.",
            pytrace=False,
        )
    return PlanYear.objects.get(year=2023)
