"""`/healthz` for the load balancer: whether this server can answer pages.

Answered by the first middleware, before anything that needs the database (the session, the
start check's and the lost database's 503 pages), the host name check (a balancer often asks by
address) and the HTTPS redirect. No login; it reads no personal data, sets no cookie and is never
cached. It answers a tiny JSON:

* 200 `{"database": "ok", "cache": "ok"}`;
* 503 with `"database": "unavailable"` when the database cannot be reached, or `"start_check":
  "pending"` while the start check refuses pages (accounts.checks): take the server out;
* 200 with `"cache": "unavailable"` when only the cache cannot be reached. Decision: the server
  stays in. Saving, reviewing and the boards work without the cache (core.cache_guard), only
  slower; and the cache is shared by every server, so taking them out for it would take them all.

Asking the cache here also writes a data-version renewal this process owes (core.data_version),
so a cache that comes back is safe to serve from within one polling interval.
"""

from django.db import DatabaseError, connection
from django.http import HttpResponseNotAllowed, JsonResponse

from accounts.checks import start_check_blocks
from core import cache_guard, data_version
from reporting.dashboards.page_cache import PAGE_CACHE

PATH = "/healthz"
OK, UNAVAILABLE = "ok", "unavailable"


def _database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def _cache_reachable() -> bool:
    return data_version.settle() and cache_guard.probe(PAGE_CACHE)


def health(request):
    if request.method not in ("GET", "HEAD"):
        response = HttpResponseNotAllowed(["GET", "HEAD"])
    else:
        response = _answer()
    response["Cache-Control"] = "no-store"
    return response


def _answer() -> JsonResponse:
    database = _database_reachable()
    state = {"database": OK if database else UNAVAILABLE, "cache": OK if _cache_reachable() else UNAVAILABLE}
    status = 200 if database else 503
    if database and start_check_blocks():
        state["start_check"] = "pending"
        status = 503
    return JsonResponse(state, status=status)


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH:
            return health(request)
        return self.get_response(request)
