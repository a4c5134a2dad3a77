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
(settings: files under CACHE_DIR, on a directory shared by all servers when there are several,
or Redis at CACHE_URL).

When that cache cannot be reached (core.cache_guard), `current()` answers None and no page is
served from or stored in the cache. A renewal that could not be written would leave the pages
cached under the old token servable once the cache answers again, so this process then owes a
renewal: until one succeeds, `current()` first tries to write it and answers None while it
cannot. Any successful renewal settles the debt (it invalidates every page cached before it),
unless another renewal failed while it was being written. The health check (ops.health) pays
it too, so a server the load balancer polls renews within seconds of the cache coming back.
Another server that could reach the cache all along may serve pages cached before this
process's unrecorded write until then, at most for their lifetime (PAGE_CACHE_SECONDS).
"""

import logging
import re
import threading
import uuid

from core import cache_guard
from core.cache_guard import UNAVAILABLE

ALIAS = "data_version"

logger = logging.getLogger("core.data_version")

CACHE_KEY = "minsheng:data-version"

# Statements that never change data. Anything else (INSERT, UPDATE, DELETE, WITH, DDL...)
# counts as a write unless it only touches the bookkeeping tables below.
_READS = frozenset(
    {"SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET", "SHOW", "PRAGMA", "EXPLAIN"}
)
_TARGET = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"([^"]+)"', re.IGNORECASE)
# Written by reading pages, logging in and exporting, and shown by no cached page. Our own apps
# add theirs with `ignore_writes_to` (core knows no app above it); these are Django's and axes'.
_BOOKKEEPING_TABLES = {
    "django_session",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
}


def ignore_writes_to(*models) -> None:
    """Writes to these models' tables leave cached pages valid: no cached page shows them.

    Called from an app's `AppConfig.ready` (the audit log, the uploads waiting for confirmation).
    """
    _BOOKKEEPING_TABLES.update(model._meta.db_table for model in models)


# Logging in stamps the user's last login; user names do appear on pages, so only this update is ignored.
_LAST_LOGIN = re.compile(r'\s*UPDATE\s+"auth_user"\s+SET\s+"last_login"\s*=\s*%s\s+WHERE', re.IGNORECASE)


_thread = threading.local()


class _Debt:
    """Whether a renewal failed in this process and none has succeeded since (shared by its threads)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.owed = False
        self.failures = 0  # renewals that failed, ever: a success settles only if none failed meanwhile


_debt = _Debt()


def current() -> str | None:
    """The token now; created on first use (or after the cache lost it).

    None when the cache cannot be reached, or a renewal is owed and still cannot be written:
    nothing may then be served from the page cache or stored in it.
    """
    _thread.read_since_renewal = True
    if _debt.owed and not _write_new_token():
        return None
    token = cache_guard.attempt(ALIAS, lambda store: store.get(CACHE_KEY))
    if token is None:
        added = cache_guard.attempt(ALIAS, lambda store: store.add(CACHE_KEY, uuid.uuid4().hex, timeout=None))
        token = (
            None if added is UNAVAILABLE else cache_guard.attempt(ALIAS, lambda store: store.get(CACHE_KEY))
        )
    return None if token is UNAVAILABLE else token


def renew() -> None:
    """A new token: every page cached under the old one is no longer found.

    A cache that cannot be written (Redis out of reach, a full disk) never refuses the liaisons'
    figures: the failure is logged (core.cache_guard) and the renewal owed (see above).
    """
    _thread.read_since_renewal = False
    _write_new_token()


def _write_new_token() -> bool:
    with _debt.lock:
        failures_before = _debt.failures
    written = (
        cache_guard.attempt(ALIAS, lambda store: store.set(CACHE_KEY, uuid.uuid4().hex, timeout=None))
        is not UNAVAILABLE
    )
    with _debt.lock:
        if not written:
            if not _debt.owed:
                logger.warning(
                    "Could not renew the data version; no page is served from the cache until it is"
                )
            _debt.owed = True
            _debt.failures += 1
        elif _debt.failures == failures_before:
            _debt.owed = False
    return written


def renewal_owed() -> bool:
    return _debt.owed


def settle() -> bool:
    """Whether the data version can be read and written now (the health check); pays a renewal owed.

    Asks the cache even while core.cache_guard waits to retry it, and reopens the way on success.
    """
    if not cache_guard.probe(ALIAS):
        return False
    return _write_new_token() if _debt.owed else True


def forget_debt() -> None:
    """Forget a renewal owed (tests: each starts as a new process would)."""
    with _debt.lock:
        _debt.owed = False


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
