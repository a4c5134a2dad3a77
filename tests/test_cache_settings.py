"""CACHE_URL (alias REDIS_URL): Redis for both caches, checked strictly at start; unset, the file cache."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from minsheng.cache_url import cache_url, check_url, redis_caches
from tests.test_production_settings import PRODUCTION_ENV, run

REDIS = "django.core.cache.backends.redis.RedisCache"
SHOW_CACHES = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({name: [c['BACKEND'], str(c.get('LOCATION')), c.get('KEY_PREFIX')] "
    "for name, c in s.CACHES.items()}))"
)


@pytest.mark.parametrize("name", ["CACHE_URL", "REDIS_URL"])
def test_a_redis_url_puts_both_caches_on_redis_under_two_prefixes(name):
    result = run("-c", SHOW_CACHES, env={**PRODUCTION_ENV, name: "redis://10.20.0.5:6379/2"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "default": [REDIS, "redis://10.20.0.5:6379/2", "minsheng:pages"],
        "data_version": [REDIS, "redis://10.20.0.5:6379/2", "minsheng:version"],
        "api": [REDIS, "redis://10.20.0.5:6379/2", "minsheng:api"],
    }


def test_turning_the_page_cache_off_keeps_the_data_version_on_redis():
    env = {**PRODUCTION_ENV, "CACHE_URL": "redis://10.20.0.5:6379/2", "PAGE_CACHE_SECONDS": "0"}
    result = run("-c", SHOW_CACHES, env=env)
    assert result.returncode == 0, result.stderr
    caches = json.loads(result.stdout)
    assert caches["default"][0] == "django.core.cache.backends.dummy.DummyCache"
    assert caches["data_version"][0] == REDIS


def test_a_bad_scheme_stops_the_start_with_a_chinese_message_and_no_password():
    result = run(
        "manage.py", "check", env={**PRODUCTION_ENV, "CACHE_URL": "memcached://:s3cret@10.20.0.5:11211"}
    )
    assert result.returncode != 0
    assert "CACHE_URL 只支持 redis:// 或 rediss://" in result.stderr
    assert "s3cret" not in result.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("10.20.0.5:6379", "只支持 redis://"),
        ("http://10.20.0.5:6379/0", "只支持 redis://"),
        ("redis:///0", "缺少 Redis 服务器地址"),
        ("redis://10.20.0.5:port/0", "端口应为数字"),
        ("redis://10.20.0.5:99999/0", "端口应为数字"),
        ("redis://10.20.0.5:6379/zero", "数据库编号"),
        ("redis://10.20.0.5:6379/0/1", "数据库编号"),
        ("redis://10.20.0.5:6379/0?socket_timeout=9", "不接受"),
    ],
)
def test_it_refuses_a_malformed_url(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        check_url(url)


@pytest.mark.parametrize(
    "url", ["redis://127.0.0.1:6379/11", "redis://cache.local", "rediss://:pw@10.20.0.5:6380/3", "redis://h/"]
)
def test_it_accepts_a_redis_url(url):
    assert check_url(url) == url


def test_it_refuses_two_different_urls_and_accepts_the_same_one_twice():
    same = "redis://10.20.0.5:6379/0"
    assert cache_url({"REDIS_URL": same}) == same
    assert cache_url({"CACHE_URL": same, "REDIS_URL": same}) == same
    assert cache_url({"CACHE_URL": " "}) == ""
    with pytest.raises(ImproperlyConfigured, match="同时设置且不一致"):
        cache_url({"CACHE_URL": same, "REDIS_URL": "redis://10.20.0.6:6379/0"})


def test_a_redis_server_that_does_not_answer_costs_a_second_not_a_tcp_timeout():
    options = redis_caches("redis://10.20.0.5:6379/0", page_seconds=600)["default"]["OPTIONS"]
    assert options["socket_connect_timeout"] == options["socket_timeout"] == 1
