"""URLs of named routes for long tables, reversed once: `link(pk, "app:name")`, `route("app:name")`.

Templates use them as the filters `{{ pk|link:"app:name" }}` and `{{ "app:name"|route }}`
(reporting/templatetags/links.py).

`{% url %}` resolves the route again for every row (tens of microseconds each, hundreds per
dashboard). This reverses each route once with a placeholder and then only fills in the
argument, quoted as `reverse()` quotes it. Cached per route, script prefix and URLconf.
"""

from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

_PLACEHOLDER = 987654321012345
_patterns: dict[tuple, tuple[str, str]] = {}


def _pattern(name: str) -> tuple[str, str]:
    key = (get_script_prefix(), get_urlconf(), name)
    found = _patterns.get(key)
    if found is None:
        before, after = reverse(name, args=[_PLACEHOLDER]).split(str(_PLACEHOLDER))
        found = _patterns[key] = (before, after)
    return found


def link(value, name: str) -> str:
    before, after = _pattern(name)
    return f"{before}{quote(str(value), safe=RFC3986_SUBDELIMS + '/~:@')}{after}"


def route(name: str) -> str:
    """The URL of a route without arguments, reversed once."""
    key = (get_script_prefix(), get_urlconf(), name, None)
    found = _patterns.get(key)
    if found is None:
        found = _patterns[key] = (reverse(name), "")
    return found[0]
