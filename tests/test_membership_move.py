"""Membership moved from the reporting app to accounts: same tables, rows, history and permissions."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Membership
from audit.selectors import event_label

BEFORE_THE_MOVE = [("accounts", "0002_verified_not_demo"), ("reporting", "0004_submission_demo_index")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_migrating_a_database_of_the_old_schema_keeps_every_role_its_history_and_who_may_read_it(plan_2023):
    old = migrate(BEFORE_THE_MOVE)
    user = old.get_model("auth", "User").objects.create(username="laoyonghu")
    unit = old.get_model("projects", "Unit").objects.get(name="县人社局")
    old_membership = old.get_model("reporting", "Membership").objects.create(
        user=user, role="liaison", unit=unit
    )
    old.get_model("reporting", "HistoricalMembership").objects.create(
        id=old_membership.pk,
        user=user,
        role="liaison",
        unit=unit,
        history_date="2023-03-01T08:00:00Z",
        history_type="+",
    )
    content_type = old.get_model("contenttypes", "ContentType").objects.get(
        app_label="reporting", model="membership"
    )
    permission = old.get_model("auth", "Permission").objects.get(
        content_type=content_type, codename="view_membership"
    )
    group = old.get_model("auth", "Group").objects.create(name="旧的专班办公室")
    group.permissions.add(permission)

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    membership = Membership.objects.get(user__username="laoyonghu")
    assert (membership.pk, membership.role, membership.unit.name) == (
        old_membership.pk,
        "liaison",
        "县人社局",
    )
    assert [record.history_type for record in membership.history.all()] == ["+"]
    assert list(
        Group.objects.get(name="旧的专班办公室").permissions.values_list(
            "content_type__app_label", "codename"
        )
    ) == [("accounts", "view_membership")]


def test_events_recorded_before_the_move_read_as_the_events_after_it():
    assert (
        event_label("reporting.membership.changed")
        == event_label("accounts.membership.changed")
        == "用户角色 修改"
    )
