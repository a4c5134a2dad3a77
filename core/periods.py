"""The year and month a page is asked for (?year=2023&month=5), and the one rule when it is not.

Every page, export and download that takes a year or a month reads it here. A value given but not
a year (four ASCII digits, 1000–9999) or a month (1–12) is refused with `BadPeriod`, a 400 page
(`core.middleware`): never silently another month, into which a POST would save.

Not given (or given empty), the fallback, the same everywhere: the requested year if the system has
it, otherwise the current calendar year if it has that, otherwise the latest year it has.
"""

import re
from collections.abc import Iterable
from datetime import date

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import BadRequest

MONTHS = range(1, 13)
# ASCII only: str.isdigit() takes "٣" or "²", which int() then reads or refuses with a 500.
_YEAR = re.compile(r"[1-9][0-9]{3}", re.ASCII)
_MONTH = re.compile(r"0?[1-9]|1[0-2]", re.ASCII)
# A month with its year, as machines write it: "2023-06" or "202306" (also "2023-6").
_PERIOD = re.compile(r"([1-9][0-9]{3})-?(0[1-9]|1[0-2])|([1-9][0-9]{3})-([1-9])", re.ASCII)


class BadPeriod(BadRequest):
    """A year or month in the address that is none."""


def requested_year(request) -> int | None:
    """The year asked for; None when not given; BadPeriod when given but not a year."""
    raw = request.GET.get("year", "")
    if raw == "":
        return None
    if not _YEAR.fullmatch(raw):
        raise BadPeriod(_("年度无效：年度应为四位数字，如2023。"))
    return int(raw)


def requested_month(request) -> int | None:
    """The month asked for; None when not given; BadPeriod when given but not 1–12."""
    raw = request.GET.get("month", "")
    if raw == "":
        return None
    if not _MONTH.fullmatch(raw):
        raise BadPeriod(_("月份应为1到12之间的整数。"))
    return int(raw)


def parse_period(raw: str) -> tuple[int, int]:
    """(year, month) of "2023-06" or "202306"; BadPeriod otherwise."""
    match = _PERIOD.fullmatch((raw or "").strip())
    if not match:
        raise BadPeriod(_("月份“%(text)s”无效：应写成如 2023-06 或 202306。") % {"text": (raw or "")[:20]})
    year, month = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return int(year), int(month)


def year_and_month(*, year: str = "", month: str = "") -> tuple[int | None, int | None]:
    """The year and month of a query (?year=2023&month=6, or month=2023-06 / 202306 alone).

    A month with its year must agree with a year also given. None for what is not given;
    BadPeriod for what is given but not a year or month.
    """
    year_value = None
    if year:
        if not _YEAR.fullmatch(year):
            raise BadPeriod(_("年度无效：年度应为四位数字，如2023。"))
        year_value = int(year)
    if not month:
        return year_value, None
    if _MONTH.fullmatch(month):
        return year_value, int(month)
    period_year, period_month = parse_period(month)
    if year_value is not None and year_value != period_year:
        raise BadPeriod(
            _("年度与月份不一致：年度为%(year)s，月份为%(month)s。") % {"year": year, "month": month}
        )
    return period_year, period_month


def choose_year(years: Iterable[int], *, requested: int | None, today: date | None = None) -> int:
    """The year to show of `years`; Http404 with a message when there is none at all."""
    available = set(years)
    if not available:
        raise Http404(_("系统中还没有方案年度，请先载入方案。"))
    if requested in available:
        return requested
    current = (today or timezone.localdate()).year
    return current if current in available else max(available)
