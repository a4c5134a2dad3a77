"""Pages of the Excel import: download the template, upload, preview, confirm.

Only unit liaisons import, for their own unit (see reporting.imports.analysis).
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from accounts import roles
from audit.delivery import deliver
from core import uploads
from core.permissions import require
from reporting.calendar.deadlines import (
    chosen_reporting_month,
)
from reporting.imports.analysis import analyse, read_for
from reporting.imports.pending import (
    discard_pending,
    find_pending,
    is_stale,
    purge_pending,
    store_pending,
    stored_upload,
)
from reporting.imports.template import ImportTemplateExporter

# Room for the multipart envelope and the CSRF field around the file itself.
ENVELOPE_BYTES = 64 * 1024


class LimitedUploadHandler(FileUploadHandler):
    """Refuses an oversize request before it is parsed, and stops a file that grows past the limit.

    Django would otherwise spool any upload to disk before the view could look at its size.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = uploads.limit("IMPORT_MAX_UPLOAD_BYTES")
        self.received = 0
        self.too_large_bytes: int | None = None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803
        if content_length and content_length > self.limit + ENVELOPE_BYTES:
            self.too_large_bytes = content_length
            # Handled: no field and no file is parsed from the request.
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large_bytes = self.received
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def _liaison_unit(request):
    unit = roles.unit_of(request.user)
    require(
        unit is not None,
        _("数据导入仅供单位联络员使用，专班办公室如需更正单位数据，请退回该单位的报送。"),
    )
    return unit


def _upload_page(request, unit, reporting_month, *, error: str = "", status: int = 200):
    context = {
        "unit": unit,
        "reporting_month": reporting_month,
        "months": range(1, 13),
        "error": error,
        "max_mb": uploads.limit("IMPORT_MAX_UPLOAD_BYTES") / uploads.MB,
        "max_rows": uploads.limit("IMPORT_MAX_ROWS"),
    }
    return render(request, "reporting/import_upload.html", context, status=status)


@csrf_exempt  # CSRF is checked in _upload, once the size of the request is known to be sane
@login_required
@never_cache
def upload(request):
    unit = _liaison_unit(request)
    if request.method == "GET":
        return _upload_page(request, unit, chosen_reporting_month(request))
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    # The handler must be in place before anything reads request.POST or request.FILES.
    handler = LimitedUploadHandler(request)
    request.upload_handlers.insert(0, handler)
    request.FILES  # noqa: B018 - parse the request now, through the handler
    if handler.too_large_bytes is not None:
        # Refused unread: nothing is stored or written, so there is nothing for CSRF to protect.
        error = uploads.too_large_message(handler.too_large_bytes)
        return _upload_page(request, unit, chosen_reporting_month(request), error=error, status=413)
    return _upload(request, unit)


@csrf_protect
def _upload(request, unit):
    reporting_month = chosen_reporting_month(request)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return _upload_page(
            request, unit, reporting_month, error=_("请选择要上传的 Excel 文件。"), status=400
        )
    if uploaded.size > uploads.limit("IMPORT_MAX_UPLOAD_BYTES"):
        error = uploads.too_large_message(uploaded.size)
        return _upload_page(request, unit, reporting_month, error=error, status=413)
    content = b"".join(uploaded.chunks())
    try:
        # Parsed here, once: the preview and the confirmation work from what is stored.
        read, month = read_for(io.BytesIO(content), user=request.user, size=len(content))
    except uploads.UploadRefused as exc:
        return _upload_page(request, unit, reporting_month, error=str(exc), status=400)
    pending = store_pending(
        user=request.user,
        unit=unit,
        reporting_month=month,
        name=uploaded.name,
        size=len(content),
        upload=read,
    )
    return redirect("reporting:import_preview", token=pending.token)


def _pending(request, token: str):
    """The upload of this token, only for the user who made it (on whichever server it was made)."""
    pending = find_pending(request.user, token)
    if pending is None:
        raise Http404(_("找不到该上传文件，可能已确认或已过期，请重新上传。"))
    return pending


def _expired_message() -> str:
    hours = max(1, uploads.limit("IMPORT_PENDING_MAX_AGE") // 3600)
    return _("该上传文件超过%(hours)s小时未确认，已自动清除，没有导入任何数据。如需导入，请重新上传。") % {
        "hours": hours
    }


@login_required
@never_cache
def preview(request, token: str):
    unit = _liaison_unit(request)
    pending = _pending(request, token)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if is_stale(pending):
        purge_pending()
        discard_pending(pending)
        messages.error(request, _expired_message())
        return redirect("reporting:import_upload")
    confirm = request.method == "POST"
    try:
        # Checked again on confirmation: the month may have been locked since the preview.
        plan = analyse(stored_upload(pending), user=request.user, commit=confirm)
    except uploads.UploadRefused as exc:
        discard_pending(pending)
        messages.error(request, str(exc))
        return redirect("reporting:import_upload")
    if plan.saved:
        discard_pending(pending)
        messages.success(
            request,
            _("已导入%(rows)s项任务的数据（%(changes)s处修改）。")
            % {
                "rows": plan.task_rows_changed,
                "changes": len(plan.changes),
            },
        )
        month = plan.reporting_month
        return redirect(f"{reverse('reporting:entry')}?year={month.plan_year.year}&month={month.month}")
    if confirm and plan.ok and not plan.entries:
        discard_pending(pending)
        messages.info(request, _("文件中的数据与系统一致，没有需要保存的修改。"))
        return redirect("reporting:import_upload")
    context = {
        "unit": unit,
        "plan": plan,
        "token": token,
        "file_name": pending.file_name,
        "confirmed": confirm,
    }
    return render(request, "reporting/import_preview.html", context, status=400 if confirm else 200)


@require_GET
@login_required
@never_cache
def template(request):
    unit = _liaison_unit(request)
    reporting_month = chosen_reporting_month(request)
    return deliver(
        ImportTemplateExporter(unit=unit, reporting_month=reporting_month),
        request=request,
        month=str(reporting_month),
    )
