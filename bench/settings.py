"""Settings of the benchmark processes: production settings, plain HTTP for the test client.

DEBUG stays off, as in production (DEBUG would keep every query in memory). Only the
URLconf changes: bench/urls.py adds the trivial view the pages are measured against. The cache
is the production one, files under CACHE_DIR, kept apart from any other installation's.
"""

import os
from pathlib import Path

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
    os.environ.setdefault(name, "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
# The production cache (files), in a directory of the benchmark's own.
os.environ.setdefault(
    "CACHE_DIR", str(Path(__file__).resolve().parent.parent / ".bench-cache" / "page-cache")
)

from minsheng.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["testserver"]
# The 10,000-row import is measured although production refuses files past IMPORT_MAX_ROWS (2,000).
IMPORT_MAX_ROWS = 20_000
