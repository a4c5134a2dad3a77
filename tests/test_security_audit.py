"""Issue #19, the audit log: account details, groups, and rows that keep pointing at the person."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import record
from tests.roles import client_for

pytestmark = pytest.mark.django_db


def _account_post(user, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        **changes,
    }
    return data


def _changed(user) -> AuditEvent:
    return AuditEvent.objects.get(event="account.changed", object_id=str(user.pk))


# --- account details ----------------------------------------------------------------------------


def test_it_records_a_rename_with_the_old_and_new_username(sysadmin_user, renshe_liaison):
    response = client_for(sysadmin_user).post(
        reverse("admin:auth_user_change", args=[renshe_liaison.pk]),
        _account_post(renshe_liaison, username="renshe2"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = _changed(renshe_liaison)
    assert event.detail["changes"] == {"username": ["renshe", "renshe2"]}
    assert event.username == "admin"


def test_it_records_an_email_change(sysadmin_user, renshe_liaison):
    client_for(sysadmin_user).post(
        reverse("admin:auth_user_change", args=[renshe_liaison.pk]),
        _account_post(renshe_liaison, email="renshe@longhui.gov.cn"),
    )
    assert _changed(renshe_liaison).detail["changes"] == {"email": ["", "renshe@longhui.gov.cn"]}


def test_it_records_a_name_change(sysadmin_user, renshe_liaison):
    client_for(sysadmin_user).post(
        reverse("admin:auth_user_change", args=[renshe_liaison.pk]),
        _account_post(renshe_liaison, first_name="李", last_name="明"),
    )
    assert _changed(renshe_liaison).detail["changes"] == {
        "first_name": ["renshe", "李"],
        "last_name": ["", "明"],
    }


def test_it_keeps_the_user_id_on_its_rows_after_a_rename(renshe_liaison):
    row = record(event="login", user=renshe_liaison)
    renshe_liaison.username = "renshe2"
    renshe_liaison.save()
    row.refresh_from_db()
    assert (row.username, row.user_id) == ("renshe", renshe_liaison.pk)
    assert set(AuditEvent.objects.filter(user_id=renshe_liaison.pk).values_list("username", flat=True)) >= {
        "renshe"
    }


def test_it_keeps_the_user_id_on_its_rows_after_the_account_is_deleted(renshe_liaison):
    row = record(event="login", user=renshe_liaison)
    pk = renshe_liaison.pk
    renshe_liaison.delete()
    row.refresh_from_db()
    assert row.user_id == pk


# --- groups ---------------------------------------------------------------------------------------


def test_it_records_a_group_created_in_the_admin(security_user):
    response = client_for(security_user).post(reverse("admin:auth_group_add"), {"name": "专班办公室"})
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(event="group.created")
    assert (event.object_repr, event.username) == ("专班办公室", "anquan")


def test_it_records_a_group_renamed(security_user):
    group = Group.objects.create(name="专班办公室")
    client_for(security_user).post(reverse("admin:auth_group_change", args=[group.pk]), {"name": "专班"})
    event = AuditEvent.objects.get(event="group.changed", object_id=str(group.pk))
    assert event.detail == {"changes": {"name": ["专班办公室", "专班"]}}


def test_it_records_a_group_deleted_with_the_permissions_and_members_it_took(security_user, office_user):
    group = Group.objects.create(name="查看身份证号")
    group.permissions.add(Permission.objects.get(codename="view_full_id_number"))
    group.user_set.add(office_user)
    response = client_for(security_user).post(
        reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(event="group.deleted")
    assert event.object_repr == "查看身份证号" and event.username == "anquan"
    assert event.detail == {"permissions": ["beneficiaries.view_full_id_number"], "members": ["zhuanban"]}
