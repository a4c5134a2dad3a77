"""The year and month a page is asked for (?year=2023&month=5), and the one rule when it is not.

Every page, export and download that takes a year or a month reads it here. A value that is not a
year (four digits at most) or a month (1–12) counts as not given, so a link with a stale or typed
query string still opens a page instead of failing.

The fallback, the same everywhere: the requested year if the system has it, otherwise the current
calendar year if it has that, otherwise the latest year it has.
"""

from collections.abc import Iterable
from datetime import date

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

MONTHS = range(1, 13)


def requested_year(request) -> int | None:
    raw = request.GET.get("year", "")
    # Four digits at most: int() of a huge digit string is refused by Python (and slow before that).
    return int(raw) if raw.isdigit() and len(raw) <= 4 else None


def requested_month(request) -> int | None:
    raw = request.GET.get("month", "")
    return int(raw) if raw.isdigit() and len(raw) <= 2 and int(raw) in MONTHS else None


def choose_year(years: Iterable[int], *, requested: int | None, today: date | None = None) -> int:
    """The year to show of `years`; Http404 with a message when there is none at all."""
    available = set(years)
    if not available:
        raise Http404(_("系统中还没有方案年度，请先载入方案。"))
    if requested in available:
        return requested
    current = (today or timezone.localdate()).year
    return current if current in available else max(available)
