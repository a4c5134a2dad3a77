"""Issue #19, accounts: the start check, the three administrators, passwords and look-alike names."""

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from accounts import checks
from accounts.models import PasswordHistory, PasswordState, Role
from accounts.passwords import DEMO_PASSWORD
from projects.models import Unit
from tests.roles import client_for, make_member

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Xiang-Jiang7"
LOGIN = reverse("login")


# --- the demo-password check when the database comes up after the application ------------------


@pytest.fixture
def started_before_the_database(plan_2023, django_user_model, settings, monkeypatch):
    """A start in production while the database could not be reached; it is reachable now."""
    settings.DEBUG = False
    user = make_member(django_user_model, "minzheng", Role.LIAISON, unit="县民政局")  # the demo password

    def unreachable():
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(checks, "demo_password_users", unreachable)
        checks.refuse_unsafe_start()  # does not raise: nothing could be checked
    yield user
    checks.reset_start_check()


def test_it_refuses_a_demo_password_login_when_the_start_check_could_not_reach_the_database(
    started_before_the_database,
):
    client = Client()
    response = client.post(LOGIN, {"username": "minzheng", "password": DEMO_PASSWORD})
    assert response.status_code == 503
    assert "_auth_user_id" not in client.session


def test_it_serves_pages_once_the_delayed_start_check_finds_no_demo_password(started_before_the_database):
    started_before_the_database.set_password(GOOD_PASSWORD)
    started_before_the_database.save()
    client = Client()
    response = client.post(LOGIN, {"username": "minzheng", "password": GOOD_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(started_before_the_database.pk)


# --- the system administrator and the accounts above it -----------------------------------------


def _account_post(user, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_it_keeps_the_system_administrator_from_reactivating_the_superuser(sysadmin_user, superuser):
    superuser.is_active = False
    superuser.save()
    response = client_for(sysadmin_user).post(
        reverse("admin:auth_user_change", args=[superuser.pk]), _account_post(superuser)
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert not superuser.is_active


def test_it_keeps_the_system_administrator_from_resetting_the_superusers_password(sysadmin_user, superuser):
    response = client_for(sysadmin_user).post(
        reverse("admin:auth_user_password_change", args=[superuser.pk]),
        {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert not superuser.check_password(GOOD_PASSWORD)


def test_it_keeps_the_system_administrator_from_deactivating_the_audit_administrator(
    sysadmin_user, auditor_user
):
    response = client_for(sysadmin_user).post(
        reverse("admin:auth_user_change", args=[auditor_user.pk]), _account_post(auditor_user, is_active=None)
    )
    assert response.status_code == 403
    auditor_user.refresh_from_db()
    assert auditor_user.is_active


def test_it_lets_the_installation_superuser_deactivate_an_administrator(superuser, auditor_user):
    response = client_for(superuser).post(
        reverse("admin:auth_user_change", args=[auditor_user.pk]),
        _account_post(auditor_user, is_active=None),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    auditor_user.refresh_from_db()
    assert not auditor_user.is_active


# --- a new password differs from the current one and the last five -----------------------------

TEMPORARY_PASSWORD = "Linshi#2024"


def _change(client, old: str, new: str):
    return client.post(
        reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new}
    )


def test_it_refuses_the_temporary_password_as_the_new_one_at_first_login(sysadmin_user, renshe_liaison):
    client_for(sysadmin_user).post(
        reverse("admin:auth_user_password_change", args=[renshe_liaison.pk]),
        {"password1": TEMPORARY_PASSWORD, "password2": TEMPORARY_PASSWORD, "usable_password": "true"},
    )
    client = Client()
    client.post(LOGIN, {"username": "renshe", "password": TEMPORARY_PASSWORD})
    response = _change(client, TEMPORARY_PASSWORD, TEMPORARY_PASSWORD)
    assert response.status_code == 200
    assert "新密码不能与当前密码或最近5次使用过的密码相同" in response.content.decode()
    assert PasswordState.objects.get(user=renshe_liaison).must_change


def test_it_refuses_changing_back_to_the_previous_password(renshe_liaison):
    client = client_for(renshe_liaison)
    assert _change(client, DEMO_PASSWORD, GOOD_PASSWORD).status_code == 302
    response = _change(client, GOOD_PASSWORD, "Xiang-Jiang8")
    assert response.status_code == 302
    response = _change(client, "Xiang-Jiang8", GOOD_PASSWORD)
    assert response.status_code == 200
    assert "最近5次使用过的密码" in response.content.decode()


def test_it_accepts_a_password_older_than_the_last_five(renshe_liaison):
    for number in range(1, 7):
        renshe_liaison.set_password(f"Xiang-Jiang{number}")
        renshe_liaison.save()
    validate_password("Xiang-Jiang6x", renshe_liaison)
    with pytest.raises(ValidationError):
        validate_password("Xiang-Jiang1", renshe_liaison)  # five back: still refused
    validate_password(DEMO_PASSWORD.upper() + "x", renshe_liaison)  # never used
    renshe_liaison.set_password("Xiang-Jiang7")
    renshe_liaison.save()
    validate_password("Xiang-Jiang1", renshe_liaison)  # six back now


def test_it_keeps_only_salted_hashes_of_earlier_passwords(renshe_liaison):
    renshe_liaison.set_password(GOOD_PASSWORD)
    renshe_liaison.save()
    [kept] = PasswordHistory.objects.filter(user=renshe_liaison).values_list("password", flat=True)
    assert DEMO_PASSWORD not in kept
    assert identify_hasher(kept).salt_entropy and check_password(DEMO_PASSWORD, kept)


# --- refused grants are form errors, not server errors -------------------------------------------


def test_it_tells_the_security_administrator_an_administrator_holds_no_direct_permission(
    security_user, auditor_user
):
    permission = Permission.objects.get(codename="view_full_id_number")
    response = client_for(security_user).post(
        reverse("admin:auth_user_change", args=[auditor_user.pk]),
        {"user_permissions": [permission.pk], "groups": []},
    )
    assert response.status_code == 200
    assert "三员分立：审计管理员账号不能加入用户组或直接授予权限" in response.content.decode()
    assert not auditor_user.user_permissions.exists()


def test_it_tells_the_superuser_an_administrator_cannot_be_a_superuser(superuser, sysadmin_user):
    response = client_for(superuser).post(
        reverse("admin:auth_user_change", args=[sysadmin_user.pk]),
        _account_post(sysadmin_user, is_staff="on", is_superuser="on"),
    )
    assert response.status_code == 200
    assert "三员分立：系统管理员账号不能同时是超级用户" in response.content.decode()
    sysadmin_user.refresh_from_db()
    assert not sysadmin_user.is_superuser


# --- the password policy ----------------------------------------------------------------------------


def _refusal(password: str, user=None) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    return refused.value


def test_it_refuses_the_demo_password_in_lower_case():
    assert "password_is_demo" in {error.code for error in _refusal(DEMO_PASSWORD.lower()).error_list}


def test_it_refuses_a_password_containing_the_username(django_user_model):
    user = django_user_model(username="zhuanban")
    refusal = _refusal("Long-zhuanban-2024", user)
    assert "password_contains_username" in {error.code for error in refusal.error_list}


def test_it_says_the_minimum_length_in_chinese():
    refusal = _refusal("Ab1!xyz")
    assert "密码长度不能少于8个字符。" in refusal.messages
    assert not any("short" in message for message in refusal.messages)


# --- look-alike names -------------------------------------------------------------------------------

USERNAME_RULE = "用户名只能使用英文字母、数字和"


def _add_account(client, username: str):
    return client.post(
        reverse("admin:auth_user_add"),
        {
            "username": username,
            "usable_password": "true",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )


def test_it_refuses_a_username_with_a_cyrillic_look_alike_letter(
    sysadmin_user, office_user, django_user_model
):
    response = _add_account(client_for(sysadmin_user), "zhuanb\u0430n")  # Cyrillic а beside "zhuanban"
    assert response.status_code == 200
    assert USERNAME_RULE in response.content.decode()
    assert not django_user_model.objects.filter(username="zhuanb\u0430n").exists()


def test_it_refuses_a_username_with_a_zero_width_space(sysadmin_user, django_user_model):
    response = _add_account(client_for(sysadmin_user), "li\u200bming")
    assert response.status_code == 200
    assert USERNAME_RULE in response.content.decode()
    assert not django_user_model.objects.filter(username__startswith="li").exists()


def test_it_stores_a_full_width_username_in_its_nfkc_form(sysadmin_user, django_user_model):
    response = _add_account(client_for(sysadmin_user), "ｌｉｍｉｎｇ")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert django_user_model.objects.filter(username="liming").exists()


def test_it_refuses_a_rename_to_a_look_alike_username(sysadmin_user, office_user, renshe_liaison):
    response = client_for(sysadmin_user).post(
        reverse("admin:auth_user_change", args=[renshe_liaison.pk]),
        _account_post(renshe_liaison, username="zhuanb\u0430n"),
    )
    assert response.status_code == 200
    assert USERNAME_RULE in response.content.decode()
    renshe_liaison.refresh_from_db()
    assert renshe_liaison.username == "renshe"


def test_it_refuses_a_unit_name_with_a_zero_width_space(plan_2023):
    with pytest.raises(ValidationError) as refused:
        Unit(name="县民政\u200b局", kind=Unit.Kind.COUNTY_DEPARTMENT).full_clean()
    assert "不可见字符" in refused.value.message_dict["name"][0]


def test_it_refuses_a_unit_name_equal_to_another_once_normalised(plan_2023):
    Unit.objects.create(name="第1社区", kind=Unit.Kind.SUBDISTRICT)
    with pytest.raises(ValidationError) as refused:
        Unit(name="第１社区", kind=Unit.Kind.SUBDISTRICT).full_clean()  # a full-width 1
    assert "第1社区" in refused.value.message_dict["name"][0]


def test_it_tells_the_admin_a_unit_name_has_an_invisible_character(superuser):
    response = client_for(superuser).post(
        reverse("admin:projects_unit_add"),
        {
            "name": "县民政局\u200b",
            "kind": Unit.Kind.COUNTY_DEPARTMENT,
            "is_active": "on",
            "note": "",
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "单位名称含有不可见字符或控制字符" in response.content.decode()
    assert not Unit.objects.filter(name="县民政局\u200b").exists()
