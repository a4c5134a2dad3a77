"""The exchange's pages: months received from other installations, one month's totals, the push record."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.permissions import require
from core.uploads import UploadRefused, spool_upload
from exchange import access, selectors
from exchange.compare import compare
from reporting.counting import basis_sentence

PUSHES_SHOWN = 200


@require_GET
@login_required
@never_cache
def received(request):
    require(access.can_read_received(request.user), _("接收的数据仅供专班办公室、县统计局和领导查看。"))
    context = {
        "months": list(selectors.received_months()),
        "can_read_pushes": access.can_read_pushes(request.user),
    }
    return render(request, "exchange/received.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def received_month(request, sender_code: str, year: int, month: int):
    """The month's totals; POST the sender's monthly report (.xlsx) to see them beside its figures."""
    require(access.can_read_received(request.user), _("接收的数据仅供专班办公室、县统计局和领导查看。"))
    totals = selectors.month_totals(sender_code=sender_code, year=year, month=month)
    if not totals:
        raise Http404(_("没有收到该地区该月的数据。"))
    comparison, refusal, status = None, "", 200
    if request.method == "POST":
        upload = request.FILES.get("report")
        try:
            if upload is None:
                raise UploadRefused(_("请选择对方平台导出的月度调度表（.xlsx）。"))
            comparison = compare(totals, spool_upload(upload))
        except UploadRefused as exc:
            refusal, status = str(exc), 400
    context = {
        "comparison": comparison,
        "differences": sum(1 for line in comparison or [] if not line.agrees),
        "refusal": refusal,
        "sender_code": sender_code,
        "sender_name": totals[0].figures[0].sender_name,
        "year": year,
        "month": month,
        "totals": totals,
        "batches": list(selectors.batches_of(sender_code=sender_code, year=year, month=month)[:20]),
        "basis": basis_sentence(_("对方推送的数据")),
    }
    return render(request, "exchange/received_month.html", context, status=status)


@require_GET
@login_required
@never_cache
def pushes(request):
    require(access.can_read_pushes(request.user), _("推送记录仅供专班办公室查看。"))
    return render(request, "exchange/pushes.html", {"pushes": list(selectors.push_records()[:PUSHES_SHOWN])})
