"""The caches on the local Redis server, for the tests of CACHE_URL (registered in tests/conftest.py).

Database 11 of 127.0.0.1:6379, under a key prefix of this test worker's own, so that workers
and other projects on the server keep their keys; Redis out of reach is a closed port.
Tests that need the real server skip when it does not answer.
"""

import os
from contextlib import contextmanager

import pytest
import redis
from django.test import override_settings

from minsheng.cache_url import redis_caches

WORKING = "redis://127.0.0.1:6379/11"
CLOSED = "redis://127.0.0.1:1/11"
PREFIX = f"minsheng-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


@contextmanager
def caches_at(url: str):
    """Both caches on the Redis server at `url` (Django's setting_changed handler resets `caches`)."""
    with override_settings(CACHES=redis_caches(url, page_seconds=600, key_prefix=PREFIX)):
        yield


def _forget_own_keys() -> None:
    """Only this worker's keys of database 11: never FLUSHDB, which would take the other worker's."""
    client = redis.Redis.from_url(WORKING)
    keys = list(client.scan_iter(match=f"{PREFIX}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(name="working_redis")
def working_redis_fixture():
    try:
        redis.Redis.from_url(WORKING, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    _forget_own_keys()
    yield
    _forget_own_keys()
