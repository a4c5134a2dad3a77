"""Downloads of the Excel exports, and the page that offers them."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.delivery import deliver
from core.permissions import require
from projects.matrix import ResponsibilityMatrixExporter
from projects.models import PlanYear
from reporting import access
from reporting.calendar.deadlines import chosen_reporting_month
from reporting.exports.exporters import MonthlyReportExporter
from reporting.exports.forms import MatrixForm, MonthlyReportForm


def _require_reader(request) -> None:
    require(access.can_export_reports(request.user), _("报表导出仅供专班办公室、县统计局和领导使用。"))


def _initial(request) -> dict:
    try:
        reporting_month = chosen_reporting_month(request)
    except Http404:  # no plan year loaded yet: the year list is empty and says so
        return {}
    return {"year": reporting_month.plan_year.year, "month": reporting_month.month}


def _page(request, *, monthly_form=None, matrix_form=None, status=200):
    initial = _initial(request)
    context = {
        "monthly_form": monthly_form or MonthlyReportForm(initial=initial),
        "matrix_form": matrix_form or MatrixForm(initial={"year": initial.get("year")}),
    }
    return render(request, "reporting/exports.html", context, status=status)


@require_GET
@login_required
def exports(request):
    _require_reader(request)
    return _page(request)


@require_GET
@login_required
@never_cache  # names people and their progress: keep it out of shared caches
def monthly_report(request):
    _require_reader(request)
    form = MonthlyReportForm(request.GET)
    if not form.is_valid():
        return _page(request, monthly_form=form, status=400)
    return deliver(
        MonthlyReportExporter(filters=form.filters()), request=request, query=request.GET.urlencode()
    )


@require_GET
@login_required
@never_cache
def matrix(request):
    _require_reader(request)
    form = MatrixForm(request.GET)
    if not form.is_valid():
        return _page(request, matrix_form=form, status=400)
    plan_year = PlanYear.objects.get(year=form.cleaned_data["year"])
    return deliver(ResponsibilityMatrixExporter(plan_year=plan_year), request=request, year=plan_year.year)
