"""Downloads of the laid-out Excel exports."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from projects.models import PlanYear
from reporting.exporters import ResponsibilityMatrixExporter


@require_GET
@never_cache  # the file names people: keep it out of shared caches
@staff_member_required
def responsibility_matrix(request, year: int):
    plan_year = get_object_or_404(PlanYear, year=year)
    export = ResponsibilityMatrixExporter(plan_year=plan_year).render()
    response = HttpResponse(export.content, content_type=export.content_type)
    # The filename is Chinese: content_disposition_header adds the RFC 5987 filename*.
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=export.filename)
    return response
