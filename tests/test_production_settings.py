"""The production settings (DEBUG=false), read by a fresh interpreter as the server would read them."""

import functools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
SECRET = "prod-like-" + "k3y" * 20

# What the README and docs/security.md tell the county to set; everything else takes its production default.
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": SECRET,
    "ALLOWED_HOSTS": "minsheng.longhui.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://minsheng.longhui.gov.cn",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
}


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SECURE_"))}
    for name in (
        "DEBUG",
        "SECRET_KEY",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "ADMIN_ALLOWED_NETWORKS",
        "CACHE_URL",
        "REDIS_URL",
    ):
        clean.pop(name, None)
    clean.update({"DJANGO_SETTINGS_MODULE": "minsheng.settings", "DATABASE_URL": "sqlite:///:memory:", **env})
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


NAMES = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "SECURE_PROXY_SSL_HEADER",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_AGE",
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
    "FILE_UPLOAD_MAX_MEMORY_SIZE",
    "IMPORT_MAX_UPLOAD_BYTES",
    "PAGE_CACHE_SECONDS",
]


def production_settings(**env) -> dict:
    """The settings a fresh interpreter reads from this environment (each environment read once a session)."""
    return json.loads(_read_settings(tuple(sorted(env.items()))))


@functools.cache
def _read_settings(env: tuple[tuple[str, str], ...]) -> str:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{name: getattr(s, name) for name in {NAMES!r}}}, default=list))"
    )
    result = run("-c", code, env={**PRODUCTION_ENV, **dict(env)})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_deploy_check_passes_with_the_documented_production_settings():
    result = run("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_fails_without_https_settings():
    result = run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION_ENV, "SECURE_SSL_REDIRECT": "false", "SESSION_COOKIE_SECURE": "false"},
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W012" in result.stderr


def test_it_defaults_to_https_only_when_debug_is_off():
    values = production_settings()
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["CSRF_COOKIE_SECURE"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SESSION_COOKIE_AGE"] == 1800


def test_it_caps_uploads():
    values = production_settings()
    assert values["DATA_UPLOAD_MAX_MEMORY_SIZE"] == 5 * 1024 * 1024
    assert values["FILE_UPLOAD_MAX_MEMORY_SIZE"] == 2 * 1024 * 1024
    assert values["IMPORT_MAX_UPLOAD_BYTES"] == 5 * 1024 * 1024


def test_it_keeps_uploads_awaiting_confirmation_in_the_database_not_a_directory():
    # The setting is gone: an upload waits in reporting.PendingImport, which every server reads.
    import minsheng.settings

    assert not hasattr(minsheng.settings, "IMPORT_PENDING_DIR")


@pytest.fixture(scope="session")
def migrated_database(django_db_setup, django_db_blocker, tmp_path_factory) -> str:
    """The address of a migrated database: the session's test database (migrations already ran).

    On SQLite, a file copy of the in-memory test database, which a second process cannot open;
    on PostgreSQL, the test database itself (these tests only read it).
    """
    with django_db_blocker.unblock():
        connection.ensure_connection()
        if connection.vendor != "sqlite":
            settings = connection.settings_dict
            return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
        path = tmp_path_factory.mktemp("migrated") / "db.sqlite3"
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{path}"


@pytest.fixture
def migrated(migrated_database, tmp_path) -> dict[str, str]:
    """The production environment on a migrated database of its own (a copy of the session's)."""
    address = migrated_database
    if address.startswith("sqlite:///"):
        shutil.copyfile(address.removeprefix("sqlite:///"), tmp_path / "db.sqlite3")
        address = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    return {**PRODUCTION_ENV, "DATABASE_URL": address, "CACHE_DIR": str(tmp_path)}


@pytest.mark.django_db  # so that the session sets up its test database (migrated_database reads it)
@pytest.mark.parametrize("module", ["minsheng.wsgi", "minsheng.asgi"])
def test_the_application_leaves_no_database_connection_open_for_forked_workers(module, migrated):
    # gunicorn --preload loads the application once, then forks: an open connection would be shared.
    code = f"import {module}; from django.db import connection; print(connection.connection is None)"
    result = run("-c", code, env=migrated)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.django_db
@pytest.mark.parametrize("module", ["minsheng.wsgi", "minsheng.asgi"])
def test_a_server_start_drops_the_pages_cached_by_the_code_before_it(module, migrated):
    code = (
        "import django; django.setup(); from core import data_version; before = data_version.current(); "
        f"import {module}; print(data_version.current() != before)"
    )
    result = run("-c", code, env=migrated)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_it_caches_dashboards_for_ten_minutes_at_most():
    assert production_settings()["PAGE_CACHE_SECONDS"] == 600
    assert production_settings(PAGE_CACHE_SECONDS="0")["PAGE_CACHE_SECONDS"] == 0


def test_turning_the_page_cache_off_stores_nothing():
    code = "import django; django.setup(); from django.conf import settings as s; print(s.CACHES['default'])"
    result = run("-c", code, env={**PRODUCTION_ENV, "PAGE_CACHE_SECONDS": "0"})
    assert result.returncode == 0, result.stderr
    assert "django.core.cache.backends.dummy.DummyCache" in result.stdout


def test_every_process_shares_the_cache_in_files_under_cache_dir():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({name: [c['BACKEND'], str(c['LOCATION'])] for name, c in s.CACHES.items()}))"
    )
    result = run("-c", code, env={**PRODUCTION_ENV, "CACHE_DIR": "/srv/shared/minsheng-cache"})
    assert result.returncode == 0, result.stderr
    backend = "django.core.cache.backends.filebased.FileBasedCache"
    assert json.loads(result.stdout) == {
        "default": [backend, "/srv/shared/minsheng-cache/pages"],
        "data_version": [backend, "/srv/shared/minsheng-cache/data-version"],
        "api": [backend, "/srv/shared/minsheng-cache/api"],
    }


def test_it_refuses_to_start_with_the_default_secret_key():
    env = dict(PRODUCTION_ENV)
    env.pop("SECRET_KEY")
    result = run("manage.py", "check", env=env)
    assert result.returncode != 0
    assert "生产环境必须通过环境变量 SECRET_KEY 设置密钥" in result.stderr


@pytest.mark.parametrize("value", ["10.0.0.0/33", "not-a-network"])
def test_it_refuses_a_malformed_admin_address_range(value):
    result = run("manage.py", "check", env={**PRODUCTION_ENV, "ADMIN_ALLOWED_NETWORKS": value})
    assert result.returncode != 0 and "ADMIN_ALLOWED_NETWORKS" in result.stderr
