"""Downloads of the monthly 通报 and the 督办单 for the roles that read the boards.

Both are GETs of a forwarded month (?year=2023&month=5); a month not forwarded is refused with
the reason (`bulletins.facts.NotForwarded`, a 409 page). Every file leaves through
`audit.delivery.deliver`, with its audit row.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.delivery import deliver
from bulletins.facts import MonthFacts, NotForwarded, month_facts
from bulletins.notice import NoticeExporter
from bulletins.supervision import SupervisionExporter
from core.periods import requested_month, requested_year
from core.permissions import require
from reporting import access


def _facts(request) -> MonthFacts:
    # The boards' rule: the office, the statistics bureau and the leaders read every unit's figures.
    require(access.can_view_dashboards(request.user), _("通报和督办单仅供专班办公室、县统计局和领导下载。"))
    year, month = requested_year(request), requested_month(request)
    if year is None or month is None:
        raise NotForwarded(_("请在地址中指明年度和月份，如 ?year=2023&month=5。"))
    return month_facts(year=year, month=month)


@require_GET
@login_required
@never_cache
def notice(request):
    facts = _facts(request)
    return deliver(NoticeExporter(facts=facts), request=request, year=facts.year, month=facts.month)


@require_GET
@login_required
@never_cache
def supervision(request):
    facts = _facts(request)
    raw_unit = request.GET.get("unit", "")
    unit_id = None
    if raw_unit:
        if not raw_unit.isascii() or not raw_unit.isdigit() or facts.supervised_unit(int(raw_unit)) is None:
            raise Http404(_("该单位本月没有督办事项。"))
        unit_id = int(raw_unit)
    exporter = SupervisionExporter(facts=facts, unit_id=unit_id)
    detail = {"year": facts.year, "month": facts.month}
    if unit_id is not None:
        detail["unit"] = unit_id
    return deliver(exporter, request=request, **detail)
