"""Accounts and sessions as an assessor checks them (等级保护 2.0): passwords, lockout, sessions, CSP."""

import importlib
import ipaddress
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.checks import (
    CHECK_ID,
    SUPERUSER_CHECK_ID,
    check_demo_passwords,
    check_installation_superuser,
    refuse_unsafe_start,
)
from accounts.models import PasswordState, Role
from accounts.passwords import DEMO_PASSWORD
from accounts.services import SESSION_LOGIN_AT
from audit.models import AuditEvent
from demo.services import DEMO_ACCOUNTS, create_demo_accounts
from tests.roles import client_for, make_member

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Xiang-Jiang7"
LOGIN = reverse("login")


def codes(password: str, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return {error.code for error in exc.error_list}
    return set()


def log_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def events(name: str, **filters):
    return AuditEvent.objects.filter(event=name, **filters)


# --- passwords ------------------------------------------------------------------------------------


def test_it_accepts_eight_characters_of_three_classes():
    assert codes("Xiangjiang7") == set()
    assert codes(GOOD_PASSWORD) == set()


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1!xyz", "password_too_short"),
        ("abcdefgh12", "password_too_simple"),  # two classes: lower case and digits
        ("ABCDEFGH!!", "password_too_simple"),
        ("Password123", "password_too_common"),
        ("84736251", "password_entirely_numeric"),
        (DEMO_PASSWORD, "password_is_demo"),
    ],
)
def test_it_refuses_a_weak_password(password, code):
    assert code in codes(password)


def test_it_refuses_a_password_like_the_users_name(django_user_model):
    user = django_user_model(username="wanglanpeng", first_name="王兰鹏", email="wanglanpeng@longhui.gov.cn")
    assert "password_too_similar" in codes("Wanglanpeng1!", user)


# --- first login --------------------------------------------------------------------------------


def test_it_makes_every_demo_account_change_its_password_at_first_login(plan_2023):
    create_demo_accounts()
    flagged = PasswordState.objects.filter(must_change=True).values_list("user__username", flat=True)
    assert sorted(flagged) == sorted(account.username for account in DEMO_ACCOUNTS)


def test_it_makes_an_account_created_in_the_admin_change_its_password(sysadmin_user):
    response = client_for(sysadmin_user).post(
        reverse("admin:auth_user_add"),
        {
            "username": "xinlianluoyuan",
            "usable_password": "true",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PasswordState.objects.get(user__username="xinlianluoyuan").must_change
    assert events("account.created", object_repr="xinlianluoyuan").exists()


def test_it_makes_a_password_reset_by_the_system_administrator_temporary(sysadmin_user, renshe_liaison):
    url = reverse("admin:auth_user_password_change", args=[renshe_liaison.pk])
    response = client_for(sysadmin_user).post(
        url, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 302
    assert PasswordState.objects.get(user=renshe_liaison).must_change


def test_it_sends_a_flagged_user_to_the_password_page_until_changed(renshe_liaison):
    PasswordState.objects.create(user=renshe_liaison, must_change=True)
    client = Client()
    assert log_in(client, "renshe", DEMO_PASSWORD).status_code == 302
    for url in (reverse("reporting:home"), reverse("reporting:entry"), reverse("admin:index")):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, reverse("password_change")), url
    assert client.get(reverse("password_change")).status_code == 200

    response = client.post(
        reverse("password_change"),
        {"old_password": DEMO_PASSWORD, "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )

    assert response.status_code == 302
    assert not PasswordState.objects.get(user=renshe_liaison).must_change
    assert client.get(reverse("reporting:entry")).status_code == 200
    assert events("account.password_changed", user=renshe_liaison).exists()


def test_it_refuses_the_demo_password_as_the_new_one(renshe_liaison):
    PasswordState.objects.create(user=renshe_liaison, must_change=True)
    client = Client()
    log_in(client, "renshe", DEMO_PASSWORD)
    response = client.post(
        reverse("password_change"),
        {"old_password": DEMO_PASSWORD, "new_password1": DEMO_PASSWORD, "new_password2": DEMO_PASSWORD},
    )
    assert response.status_code == 200
    assert "不能使用演示账号的公开密码" in response.content.decode()
    assert PasswordState.objects.get(user=renshe_liaison).must_change


def test_it_sends_the_admins_password_page_to_the_same_page(office_user):
    response = client_for(office_user).get(reverse("admin:password_change"))
    assert response["Location"] == reverse("password_change")


# --- failed logins and lockout ------------------------------------------------------------------


def test_it_locks_an_account_for_30_minutes_after_5_failures(renshe_liaison):
    client = Client()
    for _ in range(5):
        assert log_in(client, "renshe", "Wrong-Password1").status_code in (200, 429)

    response = log_in(client, "renshe", DEMO_PASSWORD)  # the right password no longer helps

    assert response.status_code == 429
    assert "已被锁定30分钟" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert events("login", username="renshe", outcome="failure").count() >= 5
    assert events("login.locked", username="renshe", outcome="denied").exists()
    assert not events("login", username="renshe", outcome="success").exists()


def test_it_lets_a_locked_account_in_again_after_30_minutes(renshe_liaison):
    client = Client()
    for _ in range(5):
        log_in(client, "renshe", "Wrong-Password1")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))

    assert log_in(client, "renshe", DEMO_PASSWORD).status_code == 302


def test_it_locks_only_the_account_tried(renshe_liaison, office_user):
    client = Client()
    for _ in range(5):
        log_in(client, "renshe", "Wrong-Password1")
    assert log_in(Client(), "zhuanban", DEMO_PASSWORD).status_code == 302


def test_it_lets_the_system_administrator_unlock_an_account(sysadmin_user, renshe_liaison):
    for _ in range(5):
        log_in(Client(), "renshe", "Wrong-Password1")
    response = client_for(sysadmin_user).post(
        reverse("admin:auth_user_changelist"),
        {"action": "unlock", "_selected_action": [renshe_liaison.pk]},
    )
    assert response.status_code == 302
    assert log_in(Client(), "renshe", DEMO_PASSWORD).status_code == 302
    assert events("account.unlocked", object_id=str(renshe_liaison.pk)).exists()


def test_it_writes_login_and_logout_to_the_audit_log(renshe_liaison):
    client = Client(REMOTE_ADDR="10.8.1.20")
    log_in(client, "renshe", DEMO_PASSWORD)
    client.post(reverse("logout"))
    login, logout = events("login", user=renshe_liaison).get(), events("logout", user=renshe_liaison).get()
    assert (login.outcome, login.client_address, login.unit) == ("success", "10.8.1.20", "县人社局")
    assert logout.detail == {"reason": "user"}


def test_it_never_writes_a_typed_password_to_the_audit_log(renshe_liaison):
    log_in(Client(), "renshe", "Secret-Typed-9")
    log_in(Client(), "renshe", DEMO_PASSWORD)
    text = "".join(str(row) for row in AuditEvent.objects.values_list())
    assert "Secret-Typed-9" not in text and DEMO_PASSWORD not in text


# --- sessions -----------------------------------------------------------------------------------


def test_it_ends_sessions_after_30_idle_minutes_and_12_hours_in_all():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_MAX_LIFETIME == 12 * 3600


def test_it_moves_the_idle_deadline_on_each_request(renshe_liaison):
    client = client_for(renshe_liaison)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))
    client.get(reverse("reporting:entry"))
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.expire_date > timezone.now() + timedelta(minutes=29)


def test_it_asks_for_a_login_after_30_idle_minutes(renshe_liaison):
    client = client_for(renshe_liaison)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("reporting:entry"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_it_ends_a_busy_session_12_hours_after_login(renshe_liaison):
    client = client_for(renshe_liaison)
    session = client.session
    session[SESSION_LOGIN_AT] = time.time() - 12 * 3600 - 1
    session.save()

    response = client.get(reverse("reporting:entry"))

    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not Session.objects.filter(session_key=session.session_key).exists()
    assert events("logout", user=renshe_liaison).get().detail == {"reason": "session_lifetime"}


def test_it_keeps_a_session_younger_than_12_hours(renshe_liaison):
    client = client_for(renshe_liaison)
    session = client.session
    session[SESSION_LOGIN_AT] = time.time() - 11 * 3600
    session.save()
    assert client.get(reverse("reporting:entry")).status_code == 200


def test_it_removes_the_session_on_logout(renshe_liaison):
    client = Client()
    log_in(client, "renshe", DEMO_PASSWORD)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("logout")).status_code == 405  # logout is a POST, never a link

    assert client.post(reverse("logout")).status_code == 302

    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("reporting:entry"))["Location"].startswith(LOGIN)


# --- refusing to start with a demo password -----------------------------------------------------


@pytest.fixture
def demo_password_user(plan_2023, django_user_model):
    return make_member(django_user_model, "minzheng", Role.LIAISON, unit="县民政局")  # password: the demo one


def test_it_fails_the_deploy_check_while_a_demo_password_is_valid(demo_password_user, settings):
    settings.DEBUG = False
    errors = check_demo_passwords(databases=["default"])
    assert [error.id for error in errors] == [CHECK_ID]
    assert "minzheng" in errors[0].msg and "拒绝启动" in errors[0].msg
    found = checks.run_checks(include_deployment_checks=True, databases=["default"], tags=["security"])
    assert CHECK_ID in {error.id for error in found}


def test_it_refuses_to_start_while_a_demo_password_is_valid(demo_password_user, settings):
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="minzheng"):
        refuse_unsafe_start()


def test_it_starts_once_the_demo_password_is_changed(demo_password_user, settings):
    settings.DEBUG = False
    demo_password_user.set_password(GOOD_PASSWORD)
    demo_password_user.save()
    refuse_unsafe_start()
    assert check_demo_passwords(databases=["default"]) == []


def test_it_hashes_each_password_once_across_starts(demo_password_user, office_user, settings, monkeypatch):
    import accounts.checks

    settings.DEBUG = False
    for user in (demo_password_user, office_user):
        user.set_password(GOOD_PASSWORD)
        user.save()
    calls = []
    real = accounts.checks.check_password
    monkeypatch.setattr(accounts.checks, "check_password", lambda *args: calls.append(1) or real(*args))
    refuse_unsafe_start()
    first = len(calls)
    refuse_unsafe_start()
    assert first >= 2 and len(calls) == first  # the second start hashes nothing

    demo_password_user.set_password(DEMO_PASSWORD)  # a changed password is checked again
    demo_password_user.save()
    with pytest.raises(ImproperlyConfigured, match="minzheng"):
        refuse_unsafe_start()
    assert len(calls) == first + 1


def test_it_allows_the_demo_password_on_a_laptop(demo_password_user, settings):
    settings.DEBUG = True
    refuse_unsafe_start()
    assert check_demo_passwords(databases=["default"]) == []


def test_it_ignores_a_deactivated_account(demo_password_user, settings):
    settings.DEBUG = False
    demo_password_user.is_active = False
    demo_password_user.save()

    refuse_unsafe_start()  # does not raise: the account cannot log in

    assert check_demo_passwords(databases=["default"]) == []


def test_the_wsgi_entry_runs_the_startup_check(monkeypatch):
    import accounts.checks
    import minsheng.wsgi

    def refuse():
        raise ImproperlyConfigured("演示密码")

    monkeypatch.setattr(accounts.checks, "refuse_unsafe_start", refuse)
    with pytest.raises(ImproperlyConfigured):
        importlib.reload(minsheng.wsgi)


def test_it_warns_while_the_installation_superuser_outlives_the_three_administrators(
    superuser, sysadmin_user, security_user, auditor_user
):
    [warning] = check_installation_superuser(databases=["default"])
    assert warning.id == SUPERUSER_CHECK_ID and "root" in warning.msg
    superuser.is_active = False
    superuser.save()
    assert check_installation_superuser(databases=["default"]) == []


def test_it_keeps_the_superuser_quiet_until_the_three_administrators_exist(superuser, sysadmin_user):
    assert check_installation_superuser(databases=["default"]) == []


# --- Content-Security-Policy --------------------------------------------------------------------

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"] + [
    path for path in Path(settings.BASE_DIR).glob("*/templates") if ".venv" not in path.parts
]
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE)


def test_it_sends_a_self_only_policy_without_inline_script(renshe_liaison):
    response = client_for(renshe_liaison).get(reverse("reporting:entry"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_it_sends_the_policy_on_the_login_page_and_the_admin(superuser):
    assert "script-src 'self'" in Client().get(LOGIN)["Content-Security-Policy"]
    assert "script-src 'self'" in client_for(superuser).get(reverse("admin:index"))["Content-Security-Policy"]


def test_no_template_has_inline_script_or_style():
    offenders = [
        f"{path}: {match.group(0)}"
        for folder in TEMPLATE_DIRS
        for path in folder.rglob("*.html")
        for match in INLINE.finditer(path.read_text())
    ]
    assert offenders == []


# --- the admin's address range ------------------------------------------------------------------


@pytest.fixture
def admin_network(settings):
    settings.ADMIN_ALLOWED_NETWORKS = [ipaddress.ip_network("10.20.0.0/16")]


def test_it_refuses_the_admin_from_outside_the_allowed_range(admin_network, office_user):
    client = client_for(office_user)
    response = client.get(reverse("admin:index"), REMOTE_ADDR="192.168.5.9")
    assert response.status_code == 403
    assert "后台管理只允许从指定的内网地址访问" in response.content.decode()
    assert events("admin.network_refused", client_address="192.168.5.9", outcome="denied").exists()
    assert client.get(reverse("admin:login"), REMOTE_ADDR="192.168.5.9").status_code == 403


def test_it_opens_the_admin_inside_the_allowed_range(admin_network, office_user):
    assert client_for(office_user).get(reverse("admin:index"), REMOTE_ADDR="10.20.3.4").status_code == 200


def test_it_leaves_the_other_pages_open_from_anywhere(admin_network, renshe_liaison):
    response = client_for(renshe_liaison).get(reverse("reporting:entry"), REMOTE_ADDR="192.168.5.9")
    assert response.status_code == 200


def test_it_reads_the_client_address_from_the_proxy_header_when_configured(
    admin_network, office_user, settings
):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    client = client_for(office_user)
    assert (
        client.get(reverse("admin:index"), REMOTE_ADDR="10.20.0.1", HTTP_X_REAL_IP="8.8.8.8").status_code
        == 403
    )
    assert (
        client.get(reverse("admin:index"), REMOTE_ADDR="10.20.0.1", HTTP_X_REAL_IP="10.20.9.9").status_code
        == 200
    )
