"""A token that changes whenever the data changes: the version that cached pages are keyed on.

Every connection gets an execute wrapper (installed by core.apps on `connection_created`) that
renews the token after any statement that may write, whoever runs it: a service, the admin,
an import, a management command, a migration, raw SQL. No code path has to remember to
invalidate.

A write renews the token when its transaction commits: pages cached before then were
rendered from the committed data, which is still what every other connection reads. It also
renews it at once when this thread has read the token since the last renewal, because a page
cached here meanwhile would not show what this (uncommitted) transaction wrote; that keeps the
writing request itself, and every test (which runs in a transaction never committed), fresh.
A rolled-back transaction may renew it needlessly; that costs a cache miss.

The token lives in the `data_version` cache, which every application process must share
(settings: files under CACHE_DIR, on a directory shared by all servers when there are several).
"""

import logging
import re
import threading
import uuid

from django.core.cache import caches

logger = logging.getLogger("core.data_version")

CACHE_KEY = "minsheng:data-version"

# Statements that never change data. Anything else (INSERT, UPDATE, DELETE, WITH, DDL...)
# counts as a write unless it only touches the bookkeeping tables below.
_READS = frozenset(
    {"SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET", "SHOW", "PRAGMA", "EXPLAIN"}
)
_TARGET = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"([^"]+)"', re.IGNORECASE)
# Written by reading pages, logging in and exporting, and shown by no cached page.
_BOOKKEEPING_TABLES = frozenset(
    {
        "django_session",
        "audit_auditevent",
        "axes_accessattempt",
        "axes_accesslog",
        "axes_accessfailurelog",
        "reporting_pendingimport",  # Excel uploads waiting for confirmation
    }
)
# Logging in stamps the user's last login; user names do appear on pages, so only this update is ignored.
_LAST_LOGIN = re.compile(r'\s*UPDATE\s+"auth_user"\s+SET\s+"last_login"\s*=\s*%s\s+WHERE', re.IGNORECASE)


_thread = threading.local()


def current() -> str:
    """The token now; created on first use (or after the cache lost it)."""
    _thread.read_since_renewal = True
    store = caches["data_version"]
    token = store.get(CACHE_KEY)
    if token is None:
        store.add(CACHE_KEY, uuid.uuid4().hex, timeout=None)
        token = store.get(CACHE_KEY)
    return token


def renew() -> None:
    """A new token: every page cached under the old one is no longer found."""
    _thread.read_since_renewal = False
    try:
        caches["data_version"].set(CACHE_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # A cache that cannot be written (a full disk, a directory another user created) must not
        # refuse the liaisons' figures; cached pages then age out within PAGE_CACHE_SECONDS.
        logger.exception("Could not renew the data version; cached pages may be stale for a while")


def may_write(sql: str) -> bool:
    words = sql.lstrip("( \n\t").split(None, 1)
    if not words or words[0].upper() in _READS:
        return False
    target = _TARGET.match(sql)
    if target and target.group(1) in _BOOKKEEPING_TABLES:
        return False
    return not (target and target.group(1) == "auth_user" and _LAST_LOGIN.match(sql))


def renew_after_writes(execute, sql, params, many, context):
    """The execute wrapper: runs the statement, then sees that a write renews the token."""
    result = execute(sql, params, many, context)
    if may_write(sql):
        if getattr(_thread, "read_since_renewal", False):
            renew()
        # Registered for every write, acted on once per commit: cheaper than finding out whether
        # this transaction registered already (a rolled-back one leaves the flag set, which only
        # makes the next commit renew it, as it would anyway).
        _thread.renew_at_commit = True
        # On the connection itself: the one Django opens to create or drop a test database has no alias.
        context["connection"].on_commit(_renew_once_at_commit)
    return result


def _renew_once_at_commit() -> None:
    if getattr(_thread, "renew_at_commit", False):
        _thread.renew_at_commit = False
        renew()


def install(sender, connection, **kwargs) -> None:
    """`connection_created` receiver; a reconnection reuses the wrapper list, hence the check."""
    if renew_after_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(renew_after_writes)
