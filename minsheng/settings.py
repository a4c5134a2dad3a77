"""Settings for the livelihood-projects tracker.

Everything that differs between a laptop and the county's server comes from
the environment; see docs/configuration.md and, for the production values, docs/security.md.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from core.limits import MB, UPLOAD_LIMITS
from minsheng.cache_url import cache_url, redis_caches

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 - refused when DEBUG is off


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None


def env_networks(name: str) -> list:
    """A comma-separated list of CIDR ranges, e.g. "10.20.0.0/16,192.168.1.10/32"."""
    try:
        return [ipaddress.ip_network(item, strict=False) for item in env_list(name)]
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from None


DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "生产环境必须通过环境变量 SECRET_KEY 设置密钥（DEBUG=false 时不得使用默认密钥）。"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "minsheng.apps.MinshengAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "import_export",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "core",
    "projects",
    "reporting",
    "audit",
    "accounts",
    "ops",
    "beneficiaries",
    "evaluation",
    "bulletins",
    "api",
    "exchange",
    "demo",
]

MIDDLEWARE = [
    # Answers /healthz for the load balancer before anything that needs the database, a session or
    # an allowed host name (ops/health.py).
    "ops.health.HealthCheckMiddleware",
    # Answers 503 with a plain Chinese page when the database cannot be reached (see also handler500).
    "ops.middleware.DatabaseUnavailableMiddleware",
    # Answers 503 until the demo-password start check has run against the database (accounts.checks).
    "accounts.middleware.StartCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Refuses /admin/ outside ADMIN_ALLOWED_NETWORKS before any session or database work.
    "accounts.middleware.AdminNetworkMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store on every answer to a signed-in user.
    "core.middleware.NoStoreForUsersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Also writes a 拒绝 row for each 403, and for each 404 of an access check (core.errors.OutOfScope).
    "audit.middleware.AuditRequestMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    # A core.errors.BadRequest raised in a view (a month 13 in the address…): a 400 page with its message.
    "core.middleware.RefusedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "minsheng.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reporting.context_processors.demo_data",
                "reporting.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "minsheng.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0),
        # A persistent connection broken by a database restart is replaced, not reused.
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts, passwords and sessions (docs/security.md: 账号与密码) -------------------------------

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "accounts.validators.UsernameInPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.validators.NotDemoPasswordValidator"},
    {"NAME": "accounts.validators.PasswordHistoryValidator", "OPTIONS": {"kept": 5}},
]

# Five failed logins lock the account (whoever tries, from wherever) for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "audit.services.client_address"
AXES_ENABLE_ADMIN = False  # unlocking is the system administrator's action on the user (accounts.admin)
AXES_VERBOSE = False
# Locking by address as well would lock out a whole office behind the county network's NAT
# after one person's mistakes; the account is what 等级保护 asks to lock.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Idle sessions end after 30 minutes; every session ends 12 hours after login.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_MAX_LIFETIME = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- HTTPS and browser protections: safe defaults whenever DEBUG is off --------------------------

# Behind the county's reverse proxy, e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
_proxy_header = env_list("SECURE_PROXY_SSL_HEADER")
if _proxy_header and len(_proxy_header) != 2:
    raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER 应写成“请求头,值”，如 HTTP_X_FORWARDED_PROTO,https")
SECURE_PROXY_SSL_HEADER = tuple(_proxy_header) if _proxy_header else None
# The request header carrying the client's address set by that proxy (e.g. HTTP_X_REAL_IP);
# empty: REMOTE_ADDR. Used by the audit log, the lockout and the admin address range.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "").strip()
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Scripts, styles, images and fonts from this site only: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The Django admin answers only from these address ranges (empty: from anywhere).
ADMIN_ALLOWED_NETWORKS = env_networks("ADMIN_ALLOWED_NETWORKS")

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# --- uploads: caps on what a request may carry (docs/security.md: 上传限制) --------------------------

# A form without files (the monthly entry of a unit with many rows stays far below these).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * MB)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 5000)
# Uploaded files larger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2 * MB)
FILE_UPLOAD_PERMISSIONS = 0o640
# The monthly Excel import (reporting/imports/): checked before and while the workbook is read.
# The defaults are in core/limits.py; the first four may be set in the environment.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", UPLOAD_LIMITS["IMPORT_MAX_UPLOAD_BYTES"])
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", UPLOAD_LIMITS["IMPORT_MAX_ROWS"])
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int(
    "IMPORT_MAX_UNCOMPRESSED_BYTES", UPLOAD_LIMITS["IMPORT_MAX_UNCOMPRESSED_BYTES"]
)
IMPORT_MAX_STRINGS_BYTES = env_int("IMPORT_MAX_STRINGS_BYTES", UPLOAD_LIMITS["IMPORT_MAX_STRINGS_BYTES"])
# An Excel upload waits between preview and confirmation in the database (reporting.PendingImport),
# so a confirmation may reach any app server: there is no IMPORT_PENDING_DIR any more.
# Uploads and beneficiary import batches (full ID numbers) left unconfirmed are purged after this
# many seconds: at the next import, opening of a batch or backup, and by discard_stale_imports.
IMPORT_PENDING_MAX_AGE = env_int("IMPORT_PENDING_MAX_AGE", UPLOAD_LIMITS["IMPORT_PENDING_MAX_AGE"])

# Cached dashboard pages, keyed on a token that every write renews (core/data_version.py). Every
# application process must see the same cache: files under CACHE_DIR, on a directory that all
# servers mount when there are several, or one Redis server (CACHE_URL, below; docs/configuration.md).
# PAGE_CACHE_SECONDS=0 turns caching off.
CACHE_DIR = Path(os.environ.get("CACHE_DIR", "").strip() or BASE_DIR / "var" / "cache")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": CACHE_DIR / "pages",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 1000)},
    },
    # One entry, read by every cached page and renewed by every write: its own directory keeps
    # both cheap (the file cache lists its directory on every write).
    "data_version": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": CACHE_DIR / "data-version",
        "TIMEOUT": None,
    },
    # The API's call counts per client (api.throttling): kept even when the page cache is off.
    "api": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": CACHE_DIR / "api",
        "TIMEOUT": 3600,
    },
}
# Off by default under DEBUG, where an edited template must show at once.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0 if DEBUG else 600)
# Several application servers: both caches on one Redis server instead (minsheng/cache_url.py),
# e.g. CACHE_URL=redis://10.20.0.5:6379/0. Checked at start; out of reach, pages go without it.
CACHE_URL = cache_url(os.environ)
if CACHE_URL:
    CACHES = redis_caches(CACHE_URL, page_seconds=max(PAGE_CACHE_SECONDS, 1))
if PAGE_CACHE_SECONDS <= 0:
    # Turned off: the templates' {% cache %} tags then store nothing, rather than expired files.
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}

# --- logging (docs/security.md: 日志) --------------------------------------------------------------

# Warnings and errors, 500s with their traceback included, go to stderr whatever DEBUG says, and
# also to a rotating file when LOG_FILE names one. The format prints no request and masks ID and
# mobile numbers (core.log_format), so no posted data or personal number reaches the log.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "").strip().upper() or "WARNING"
LOG_FILE = os.environ.get("LOG_FILE", "").strip()
_log_handlers = {
    "stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "plain"},
}
if LOG_FILE:
    _log_handlers["file"] = {
        "class": "logging.handlers.RotatingFileHandler",
        "filename": LOG_FILE,
        "maxBytes": env_int("LOG_FILE_MAX_BYTES", 10 * MB),
        "backupCount": env_int("LOG_FILE_BACKUPS", 10),
        "encoding": "utf-8",
        "formatter": "plain",
    }
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "class": "core.log_format.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": _log_handlers,
    "root": {"handlers": list(_log_handlers), "level": LOG_LEVEL},
    # Django's own handlers print only under DEBUG and mail nobody: its records go to the root's.
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL, "propagate": True}},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reporting:home"
LOGOUT_REDIRECT_URL = "login"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "minsheng@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)

# Exports are written by openpyxl directly; import-export only serves flat admin tables.
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# --- the web API (/api/v1/, api/; docs/api.md) -----------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsApiClient"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "api.renderers.CSVRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.problem_handler",
    "URL_FORMAT_OVERRIDE": "format",
    "COERCE_DECIMAL_TO_STRING": True,
}
# Calls a client may make, e.g. "600/min" (also /s, /hour, /day); the same for every client.
API_RATE = os.environ.get("API_RATE", "").strip() or "600/min"
# A POST of data values carries at most this many values.
API_MAX_VALUES = env_int("API_MAX_VALUES", 20000)  # the body itself stays under DATA_UPLOAD_MAX_MEMORY_SIZE
SPECTACULAR_SETTINGS = {
    "TITLE": "隆回县重点民生实事调度平台 数据接口",
    "DESCRIPTION": "按编码读写月度指标数据。认证：请求头 Authorization: Bearer <令牌>。说明见 docs/api.md。",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.problem_media_type",
    ],
}

# Audit rows younger than this are never deleted (purge_audit_log; on PostgreSQL also a trigger).
AUDIT_RETENTION_DAYS = 180

# The exchange (docs/exchange.md): who this installation is when it pushes its forwarded months
# upstream, and how hard it tries. The receiving installations and their tokens' variable names
# are configured in the admin (接收平台); no token is stored in the database.
EXCHANGE_SENDER_CODE = os.environ.get("EXCHANGE_SENDER_CODE", "430524")
EXCHANGE_SENDER_NAME = os.environ.get("EXCHANGE_SENDER_NAME", "隆回县")
EXCHANGE_PUSH_TRIES = env_int("EXCHANGE_PUSH_TRIES", 3)
EXCHANGE_RETRY_BACKOFF_SECONDS = float(os.environ.get("EXCHANGE_RETRY_BACKOFF_SECONDS", "2"))
EXCHANGE_CONNECT_TIMEOUT_SECONDS = float(os.environ.get("EXCHANGE_CONNECT_TIMEOUT_SECONDS", "5"))
EXCHANGE_READ_TIMEOUT_SECONDS = float(os.environ.get("EXCHANGE_READ_TIMEOUT_SECONDS", "60"))
