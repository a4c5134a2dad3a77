"""On PostgreSQL the audit log cannot be emptied, nor its guard removed, by the role the application runs as.

The table refuses TRUNCATE to everyone but a superuser (who can bypass any trigger anyway), and
`manage.py audit_db_roles` grants the application's own role only what it needs: SELECT, INSERT
and DELETE (rows older than the retention period only, through the trigger) on the audit table.
Roles are created inside the test's transaction, so they vanish with its rollback.
"""

import io
import uuid
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from audit.services import record

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles, privileges and audit triggers: PostgreSQL only"
)


def new_role(purpose: str, *, login: bool = False) -> str:
    name = f"minsheng_19c_{purpose}_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{name}" {"LOGIN" if login else "NOLOGIN"}')
    return name


@contextmanager
def acting_as(role: str):
    """Statements run with `role`'s privileges; a failure rolls the savepoint (and the role) back."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
        yield cursor
        cursor.execute("RESET ROLE")


@pytest.fixture
def app_role() -> str:
    """A fresh login role, given what `audit_db_roles --apply` grants the application."""
    name = new_role("app", login=True)
    call_command("audit_db_roles", "--apply", "--app-role", name, stdout=io.StringIO())
    return name


@on_postgresql
def test_it_refuses_truncate_even_to_a_role_allowed_to_truncate():
    truncater = new_role("truncater")
    with connection.cursor() as cursor:
        cursor.execute(f'GRANT TRUNCATE ON audit_auditevent TO "{truncater}"')
    record(event="login", username="someone")

    with pytest.raises(DatabaseError, match="不可清空"), acting_as(truncater) as cursor:
        cursor.execute("TRUNCATE audit_auditevent")

    assert AuditEvent.objects.exists()


@on_postgresql
def test_it_lets_the_app_role_write_and_read_an_audit_row(app_role):
    with acting_as(app_role):
        event = record(event="login", username="someone")
        assert AuditEvent.objects.filter(pk=event.pk).exists()


@on_postgresql
def test_it_lets_the_app_role_purge_rows_older_than_the_retention_period(app_role):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, username, unit, event, object_type, object_id, object_repr,"
            " outcome, detail) VALUES (now() - interval '200 days', 'old', '', 'login', '', '', '',"
            " 'success', '{}') RETURNING id"
        )
        old = cursor.fetchone()[0]
    young = record(event="login", username="young")

    with acting_as(app_role):
        call_command("purge_audit_log", stdout=io.StringIO())

    assert not AuditEvent.objects.filter(pk=old).exists()
    assert AuditEvent.objects.filter(pk=young.pk).exists()


@on_postgresql
@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE audit_auditevent",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent",
        "DROP TRIGGER audit_auditevent_no_truncate ON audit_auditevent",
        "UPDATE audit_auditevent SET event = 'tampered'",
    ],
)
def test_it_refuses_the_app_role_a_way_around_the_audit_guard(app_role, statement):
    record(event="login", username="someone")

    with pytest.raises(DatabaseError, match="permission denied|must be owner"), acting_as(app_role) as cursor:
        cursor.execute(statement)


def test_it_prints_the_grants_for_the_app_role():
    out = io.StringIO()

    call_command("audit_db_roles", "--print", "--app-role", "minsheng_app", stdout=out)

    assert 'GRANT SELECT, INSERT, DELETE ON audit_auditevent TO "minsheng_app";' in out.getvalue()
