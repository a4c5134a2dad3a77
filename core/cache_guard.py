"""Cache calls that cannot fail a request: a cache out of reach counts as a miss.

The page cache and the data version may live on a Redis server shared by several application
servers (settings: CACHE_URL). When it cannot be reached, saving, reviewing and the dashboards go
on without it: `attempt()` runs one cache operation and answers UNAVAILABLE instead of raising.

Two guards keep an outage cheap and quiet:

* an error is logged at most once per LOG_INTERVAL seconds in each process (with the count of the
  failures not logged since), not once per request;
* after a failure the cache is not asked again for RETRY_SECONDS (each call answers UNAVAILABLE at
  once), so a server that does not answer costs one connection timeout per interval, not several
  per page. Then the next call tries again: once the server is back, it is used again without a
  restart. `probe()` (the health check) always asks, and reopens the way on success.
"""

import logging
import threading
from collections.abc import Callable
from time import monotonic
from typing import Any

from django.core.cache import caches

logger = logging.getLogger("core.cache")

LOG_INTERVAL = 60
RETRY_SECONDS = 5

try:  # the redis client is installed with the runtime requirements; the file cache needs none
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - the guard also serves a bare install with the file cache
    CACHE_ERRORS: tuple[type[BaseException], ...] = (OSError,)
else:
    # OSError: a file cache on a full disk or in a directory another user created.
    CACHE_ERRORS = (OSError, RedisError)


class _Unavailable:
    def __repr__(self) -> str:
        return "UNAVAILABLE"


# What `attempt()` answers when the cache could not be asked; never a value a cache holds.
UNAVAILABLE: Any = _Unavailable()


class _State:
    def __init__(self):
        self.lock = threading.Lock()
        self.retry_at: dict[str, float] = {}  # cache alias → monotonic time of the next attempt
        self.logged_at: float | None = None
        self.unlogged = 0


_state = _State()


def attempt(alias: str, operation: Callable[[Any], Any]) -> Any:
    """`operation(caches[alias])`, or UNAVAILABLE when that cache cannot be reached."""
    retry_at = _state.retry_at.get(alias)
    if retry_at is not None and monotonic() < retry_at:
        return UNAVAILABLE
    return _call(alias, operation)


def probe(alias: str) -> bool:
    """Whether the cache answers now; asks even while `attempt()` is waiting to retry."""
    return _call(alias, lambda cache: cache.get("minsheng:probe")) is not UNAVAILABLE


def _call(alias: str, operation: Callable[[Any], Any]) -> Any:
    try:
        result = operation(caches[alias])
    except CACHE_ERRORS as exc:
        _failed(alias, exc)
        return UNAVAILABLE
    if alias in _state.retry_at:
        with _state.lock:
            _state.retry_at.pop(alias, None)
        logger.warning("Cache %r reachable again", alias)
    return result


def _failed(alias: str, exc: BaseException) -> None:
    now = monotonic()
    with _state.lock:
        _state.retry_at[alias] = now + RETRY_SECONDS
        if _state.logged_at is not None and now - _state.logged_at < LOG_INTERVAL:
            _state.unlogged += 1
            return
        unlogged, _state.unlogged, _state.logged_at = _state.unlogged, 0, now
    logger.error(
        "Cache %r unavailable (%s: %s); pages are computed without it (%d more failures since last said)",
        alias,
        type(exc).__name__,
        exc,
        unlogged,
    )


def reset() -> None:
    """Forget past failures (tests; a new process starts this way)."""
    with _state.lock:
        _state.retry_at.clear()
        _state.logged_at = None
        _state.unlogged = 0
