"""The audit administrator's pages (三员: 审计管理员): the log, filtered, and its export to Excel.

The log itself (its rows, reads and export file) is the audit app's; who may read it is a role.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts import roles
from audit.delivery import deliver
from audit.exporters import AuditLogExporter
from audit.forms import AuditFilterForm
from audit.selectors import AuditFilter, audit_events, event_label
from core.permissions import require

PAGE_SIZE = 50


def _require_auditor(request) -> None:
    require(roles.can_read_audit_log(request.user), _("审计日志仅供审计管理员查看。"))


@require_GET
@never_cache
@login_required
def event_list(request):
    _require_auditor(request)
    form = AuditFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound and form.is_valid() else AuditFilter()
    page = Paginator(audit_events(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.label = event_label(event.event)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "audit/list.html", context, status=400 if form.is_bound and form.errors else 200)


@require_GET
@never_cache
@login_required
def export(request):
    _require_auditor(request)
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        page = Paginator(audit_events(AuditFilter()), PAGE_SIZE).get_page(1)
        return render(request, "audit/list.html", {"form": form, "page": page, "query": ""}, status=400)
    return deliver(AuditLogExporter(filters=form.filters()), request=request, query=request.GET.urlencode())
