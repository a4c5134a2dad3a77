"""CACHE_URL (or its alias REDIS_URL): the page cache and the data version on one Redis server.

Checked strictly when the settings load, so a typo stops the server at start rather than
turning every page into a cache miss. Both caches share the URL's database and differ by key
prefix; another installation on the same server takes another database number.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

SCHEMES = ("redis", "rediss")
REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"
# A Redis server that does not answer costs a page this long at most (core.cache_guard then
# leaves it alone for a few seconds), never the 30 s or more of a default TCP connect.
SOCKET_TIMEOUT_SECONDS = 1
EXAMPLE = "redis://127.0.0.1:6379/0"


def cache_url(environ) -> str:
    """The Redis URL from CACHE_URL or REDIS_URL; "" when neither is set (the file cache)."""
    primary = environ.get("CACHE_URL", "").strip()
    alias = environ.get("REDIS_URL", "").strip()
    if primary and alias and primary != alias:
        raise ImproperlyConfigured("CACHE_URL 与 REDIS_URL 同时设置且不一致，请只保留其中一个。")
    return primary or alias


def check_url(url: str) -> str:
    """The URL itself when it names a Redis server and database; ImproperlyConfigured otherwise.

    The message never repeats the URL, which may hold the server's password.
    """
    try:
        parts = urlsplit(url)
        port = parts.port  # a port that is not a number raises ValueError
    except ValueError:
        raise ImproperlyConfigured(f"CACHE_URL 格式不正确（端口应为数字），应写成如 {EXAMPLE}") from None
    if parts.scheme not in SCHEMES:
        given = f"“{parts.scheme}://”" if parts.scheme else "无协议"
        raise ImproperlyConfigured(
            f"CACHE_URL 只支持 redis:// 或 rediss://（加密连接），如 {EXAMPLE}；当前为{given}。"
            "不设置 CACHE_URL 则使用本机文件缓存。"
        )
    if not parts.hostname:
        raise ImproperlyConfigured(f"CACHE_URL 缺少 Redis 服务器地址，应写成如 {EXAMPLE}")
    if port == 0:
        raise ImproperlyConfigured(f"CACHE_URL 的端口不能为 0，应写成如 {EXAMPLE}")
    database = parts.path.lstrip("/")
    if parts.path not in ("", "/") and not (
        database.isascii() and database.isdigit() and "/" not in database
    ):
        raise ImproperlyConfigured(f"CACHE_URL 末尾的数据库编号应为非负整数（如 /0），应写成如 {EXAMPLE}")
    if parts.query or parts.fragment:
        raise ImproperlyConfigured(f"CACHE_URL 不接受“?”后的参数或“#”片段，应写成如 {EXAMPLE}")
    return url


def redis_caches(url: str, *, page_seconds: int, key_prefix: str = "minsheng") -> dict:
    """CACHES for the page cache ("default"), the data version and the API counts on Redis at `url`."""
    check_url(url)
    options = {
        # The redis client parses replies with hiredis when it is installed (requirements/base.txt).
        "socket_connect_timeout": SOCKET_TIMEOUT_SECONDS,
        "socket_timeout": SOCKET_TIMEOUT_SECONDS,
    }
    return {
        "default": {
            "BACKEND": REDIS_BACKEND,
            "LOCATION": url,
            "KEY_PREFIX": f"{key_prefix}:pages",
            "TIMEOUT": page_seconds,
            "OPTIONS": options,
        },
        "data_version": {
            "BACKEND": REDIS_BACKEND,
            "LOCATION": url,
            "KEY_PREFIX": f"{key_prefix}:version",
            "TIMEOUT": None,
            "OPTIONS": options,
        },
        "api": {
            "BACKEND": REDIS_BACKEND,
            "LOCATION": url,
            "KEY_PREFIX": f"{key_prefix}:api",
            "TIMEOUT": 3600,
            "OPTIONS": options,
        },
    }
