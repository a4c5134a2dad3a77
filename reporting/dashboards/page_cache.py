"""Which dashboard pages come from the cache, and under what key.

A dashboard fragment (everything below the site's header) is the same for every viewer with
the same role rights, on the same day, at the same address, until the data changes; the data
version (core.data_version) changes with every write, so a cached fragment is never older than
the data. The fragment is stored by the template's `{% cache %}` tag under the key built here,
and looked up here first so that a view does not compute what it will not render.

The key holds the query parameters the pages read, each with a value they accept
(`dashboard_query`), never the raw query string: junk parameters, or junk values of known
ones, add no entry to the cache.

A cache out of reach (core.cache_guard) is a miss: the board is computed and nothing stored.
When the data version cannot be read, `dashboard_vary` answers None, and neither the lookup here
nor the template's `{% cache %}` tag (reporting/templatetags/dashboard_cache.py) uses the cache.
"""

from django.conf import settings
from django.core.cache.utils import make_template_fragment_key
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from core import cache_guard, data_version
from core.cache_guard import UNAVAILABLE
from core.periods import requested_month, requested_year
from projects.models import Tier
from reporting.dashboards.lines import NO_LEADER
from reporting.progress import Status

# The fragment name of the {% cache %} tag in templates/reporting/dashboard_base.html.
DASHBOARD_FRAGMENT = "dashboard"
# The cache alias the fragments are stored in (the tag's default).
PAGE_CACHE = "default"

# The list filters of the indicators page, beside the year and the month every page reads.
FILTER_STATUSES = frozenset({*Status.values, "behind_all"})
FILTER_FLAGS = frozenset({"flagged", "notice"})
MAX_ID_DIGITS = 18  # a primary key; longer digit strings are no object's


def _number(raw: str) -> str:
    return str(int(raw)) if raw.isascii() and raw.isdigit() and len(raw) <= MAX_ID_DIGITS else ""


def _one_of(raw: str, allowed) -> str:
    return raw if raw in allowed else ""


def dashboard_query(request) -> dict[str, str]:
    """The parameters the dashboards read, each with a value they accept; the rest dropped.

    year, month, and the indicators page's tier, status, leader, unit, flag and page. A value
    the pages would ignore is dropped too, so it reads (and is cached) as not given.
    """
    get = request.GET.get
    year, month = requested_year(request), requested_month(request)
    leader, page = get("leader", ""), get("page", "")
    values = {
        "year": "" if year is None else str(year),
        "month": "" if month is None else str(month),
        "tier": _one_of(get("tier", ""), Tier.Kind.values),
        "status": _one_of(get("status", ""), FILTER_STATUSES),
        "leader": NO_LEADER if leader == NO_LEADER else _number(leader),
        "unit": _number(get("unit", "")),
        "flag": _one_of(get("flag", ""), FILTER_FLAGS),
        "page": "last" if page == "last" else _number(page),
    }
    return {name: value for name, value in values.items() if value}


def dashboard_vary(request, *rights: bool) -> str | None:
    """What a dashboard fragment depends on besides the data; None: no cache for this page.

    The address with the recognised part of its query (year, month, filters), the day (the time
    progress and the deadlines move with it), the language, and what the viewer's role may see or do.
    """
    version = data_version.current()
    if version is None:
        return None
    return "|".join(
        [
            version,
            f"{request.path}?{urlencode(sorted(dashboard_query(request).items()))}",
            timezone.localdate().isoformat(),
            translation.get_language() or "",
            *("1" if right else "0" for right in rights),
        ]
    )


def cached_dashboard(vary: str | None) -> SafeString | None:
    """The fragment rendered for `vary`, when the cache still has it (and can be reached)."""
    if settings.PAGE_CACHE_SECONDS <= 0 or vary is None:
        return None
    key = make_template_fragment_key(DASHBOARD_FRAGMENT, [vary])
    html = cache_guard.attempt(PAGE_CACHE, lambda cache: cache.get(key))
    # Rendered by our own template, stored by the {% cache %} tag: already escaped.
    return None if html is None or html is UNAVAILABLE else mark_safe(html)  # noqa: S308
