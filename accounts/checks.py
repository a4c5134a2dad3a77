"""Refuse to run in production with a demo password still valid.

Two ways in: a system check (`manage.py check --deploy --database default`, tagged
`deploy`), and `refuse_unsafe_start()`, which minsheng/wsgi.py runs before the first
request so the server does not start at all. When the database cannot be reached at that
moment (the server came up before PostgreSQL), the check is pending: StartCheckMiddleware
answers every request with the 503 page until the check has run against the database and
found no demo password.
"""

import hashlib
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, is_password_usable
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction

from accounts.models import ADMIN_ROLES, Membership, PasswordState
from accounts.passwords import DEMO_PASSWORD

logger = logging.getLogger("accounts.checks")

CHECK_ID = "accounts.E001"
SUPERUSER_CHECK_ID = "accounts.W001"


def _digest(encoded: str) -> str:
    return hashlib.sha256(encoded.encode()).hexdigest()


def demo_password_users() -> list[str]:
    """Usernames of active users whose password is still the public demo password.

    Every active user with a usable password is checked. The password hasher is slow by
    design, so passwords already found not to be the demo one are remembered (by a digest of
    their stored hash, in PasswordState) and skipped at the next start; the others are hashed
    in parallel threads, since the hasher releases the interpreter lock while it works.
    """
    user_model = get_user_model()
    pending = [
        (pk, username, encoded)
        for pk, username, encoded, verified in user_model.objects.filter(is_active=True).values_list(
            "pk", user_model.USERNAME_FIELD, "password", "password_state__verified_not_demo"
        )
        if is_password_usable(encoded) and verified != _digest(encoded)
    ]
    # Only hashing happens in the threads; the database is read and written here, in this one.
    with ThreadPoolExecutor(max_workers=8) as pool:
        matches = list(pool.map(lambda user: check_password(DEMO_PASSWORD, user[2]), pending))
    cleared = [
        PasswordState(user_id=pk, verified_not_demo=_digest(encoded))
        for (pk, _username, encoded), match in zip(pending, matches, strict=True)
        if not match
    ]
    if cleared:
        try:
            with transaction.atomic():
                PasswordState.objects.bulk_create(
                    cleared,
                    update_conflicts=True,
                    unique_fields=["user"],
                    update_fields=["verified_not_demo"],
                )
        except DatabaseError:
            pass  # a read-only database: check them all again next time
    return sorted(
        username for (_pk, username, _encoded), match in zip(pending, matches, strict=True) if match
    )


def _message(usernames: list[str]) -> str:
    return (
        f"生产环境（DEBUG=false）下以下账号仍在使用公开的演示密码，系统拒绝启动：{'、'.join(usernames)}。"
        "请先修改这些账号的密码或停用账号（python manage.py changepassword 用户名）。"
    )


@checks.register(checks.Tags.security, deploy=True)
def check_demo_passwords(app_configs=None, databases=None, **kwargs):
    if settings.DEBUG or not databases or "default" not in databases:
        return []
    try:
        usernames = demo_password_users()
    except DatabaseError:
        return []  # no tables yet: nothing to check before the first migrate
    if not usernames:
        return []
    return [checks.Error(_message(usernames), id=CHECK_ID)]


# After a demo password was found by a pending check, it is looked for again at most this often
# (the hasher is slow by design), until the password is changed (manage.py changepassword).
RECHECK_SECONDS = 10


class _StartCheck:
    """Whether the start check still has to run against the database, in this process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pending = False
        self.next_try = 0.0


_start_check = _StartCheck()


def refuse_unsafe_start() -> None:
    """Raise ImproperlyConfigured when DEBUG is off and a demo password is still valid.

    When the database cannot be reached, the check stays pending (start_check_blocks).
    """
    if settings.DEBUG:
        return
    try:
        usernames = demo_password_users()
    except DatabaseError:
        logger.warning("Start check postponed: no database yet; pages answer 503 until it is reached.")
        _start_check.pending = True
        return
    _start_check.pending = False
    if usernames:
        raise ImproperlyConfigured(_message(usernames))


def start_check_blocks() -> bool:
    """True while requests must be refused: the postponed start check has not yet run against the
    database, or it found a demo password. Runs the check when it is due."""
    state = _start_check
    if not state.pending:
        return False
    with state.lock:
        if not state.pending:
            return False
        if time.monotonic() < state.next_try:
            return True
        try:
            usernames = demo_password_users()
        except DatabaseError:
            return True  # still unreachable: try again at the next request
        if usernames:
            logger.error(_message(usernames))
            state.next_try = time.monotonic() + RECHECK_SECONDS
            return True
        state.pending = False
        return False


def reset_start_check() -> None:
    """Forget a postponed start check (tests)."""
    _start_check.pending = False
    _start_check.next_try = 0.0


@checks.register(checks.Tags.security, deploy=True)
def check_installation_superuser(app_configs=None, databases=None, **kwargs):
    """Once the three administrators exist, the superuser of the installation should be switched off."""
    if not databases or "default" not in databases:
        return []
    try:
        roles = set(
            Membership.objects.filter(user__is_active=True, role__in=ADMIN_ROLES).values_list(
                "role", flat=True
            )
        )
        superusers = sorted(
            get_user_model()
            .objects.filter(is_active=True, is_superuser=True)
            .values_list("username", flat=True)
        )
    except DatabaseError:
        return []
    if len(roles) < 3 or not superusers:
        return []
    return [
        checks.Warning(
            f"系统管理员、安全管理员、审计管理员均已设立，但安装用超级用户仍处于启用状态：{'、'.join(superusers)}。"
            "超级用户同时拥有三员的权限，请在后台停用该账号（取消“有效”）。",
            id=SUPERUSER_CHECK_ID,
        )
    ]
