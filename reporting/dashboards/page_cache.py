"""Which dashboard pages come from the cache, and under what key.

A dashboard fragment (everything below the site's header) is the same for every viewer with
the same role rights, on the same day, at the same address, until the data changes; the data
version (core.data_version) changes with every write, so a cached fragment is never older than
the data. The fragment is stored by the template's `{% cache %}` tag under the key built here,
and looked up here first so that a view does not compute what it will not render.
"""

from django.conf import settings
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from core import data_version

# The fragment name of the {% cache %} tag in templates/reporting/dashboard_base.html.
DASHBOARD_FRAGMENT = "dashboard"


def dashboard_vary(request, *rights: bool) -> str:
    """What a dashboard fragment depends on besides the data.

    The address with its query (year, month, filters), the day (the time progress and the
    deadlines move with it), the language, and what the viewer's role may see or do.
    """
    return "|".join(
        [
            data_version.current(),
            request.get_full_path(),
            timezone.localdate().isoformat(),
            translation.get_language() or "",
            *("1" if right else "0" for right in rights),
        ]
    )


def cached_dashboard(vary: str) -> SafeString | None:
    """The fragment rendered for `vary`, when the cache still has it."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return None
    html = cache.get(make_template_fragment_key(DASHBOARD_FRAGMENT, [vary]))
    # Rendered by our own template, stored by the {% cache %} tag: already escaped.
    return None if html is None else mark_safe(html)  # noqa: S308
