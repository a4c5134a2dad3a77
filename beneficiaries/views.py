"""Pages of the grassroots tables and beneficiary lists. Access through `beneficiaries.access` only."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import FIGURE_ROLES, Role
from accounts.roles import role_of, unit_of
from audit.delivery import deliver
from beneficiaries import access, selectors, services
from beneficiaries.exporters import BeneficiaryListExporter, GrassrootsTableExporter, ImportTemplateExporter
from beneficiaries.forms import BeneficiaryForm, PairForm, RemovalForm, UploadForm
from beneficiaries.id_numbers import mask_id_number, mask_phone
from beneficiaries.imports import read_upload
from beneficiaries.models import Beneficiary, DoubleCountingPair, ImportBatch
from core.errors import BadRequest
from core.numbers import NotANumber, read_id
from core.permissions import require
from projects.models import PlanYear
from projects.periods import chosen_plan_year
from reporting.access import get_submission_for_user
from reporting.calendar.deadlines import (
    month_schedule,
    requested_reporting_month,
)
from reporting.counting import basis_heading

PAGE_SIZE = 50
PREVIEW_ROWS = 200


def _require_role(request) -> str:
    role = role_of(request.user)
    if role not in FIGURE_ROLES:
        raise PermissionDenied(_("本页面仅供单位联络员、专班办公室、县统计局和领导使用。"))
    return role


# --- beneficiary lists -----------------------------------------------------------------------------


@require_GET
@login_required
def index(request):
    role = _require_role(request)
    plan_year = chosen_plan_year(request)
    unit = unit_of(request.user) if role == Role.LIAISON else None
    context = {
        "plan_year": plan_year,
        "years": PlanYear.objects.order_by("-year"),
        "rows": selectors.index_rows(rows=access.visible_rows(request.user), plan_year=plan_year, unit=unit),
        "unit": unit,
        "can_read_pairs": access.can_read_pairs(request.user),
    }
    return render(request, "beneficiaries/index.html", context)


def _int_param(request, name: str) -> int | None:
    """A filter's id from the address; None when not given; a 400 page when it is no id."""
    try:
        return read_id(request.GET.get(name, ""))
    except NotANumber:
        raise BadRequest(_("筛选条件无效，请从页面上的选项中选择。")) from None


@require_GET
@never_cache
@login_required
def row_detail(request, pk):
    task_row, row_access = access.get_row_for_user(request.user, pk)
    reporting_month = requested_reporting_month(request, plan_year=task_row.project.tier.plan_year)
    cutoff = month_schedule(reporting_month).data_cutoff
    counts = selectors.row_counts(
        row_access, reporting_month=reporting_month if row_access.sees_gap else None, cutoff=cutoff
    )
    context = {
        "task_row": task_row,
        "row_access": row_access,
        "reporting_month": reporting_month,
        "cutoff": cutoff,
        "months": range(1, 13),
        "counts": counts,
        # The reported figures set against the list count verified figures only: say so.
        "basis": basis_heading() if row_access.sees_gap else "",
        "indicators": selectors.list_indicators(task_row),
    }
    if row_access.people:
        show = request.GET.get("show", "")
        filters = {
            "indicator_id": _int_param(request, "indicator"),
            "township_id": _int_param(request, "township"),
            "removed": show == "removed",
            "duplicates": show == "duplicates",
        }
        entries = selectors.people_list(access.entries_for(row_access), **filters)
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        places = selectors.duplicate_places(list(page.object_list))
        for entry in page.object_list:
            entry.places = places.get(entry.pk, [])
            entry.can_change = not entry.is_removed and access.can_change_entry(request.user, entry)
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            page=page,
            filters=filters,
            show=show,
            townships=selectors.townships(),
            query=query.urlencode(),
        )
    return render(request, "beneficiaries/row.html", context)


def _form_kwargs(task_row, current=None) -> dict:
    return {
        "indicators": selectors.list_indicators(task_row),
        "townships": selectors.townships(),
        "current": current,
    }


@never_cache
@login_required
def entry_create(request, pk):
    task_row, row_access = access.get_row_for_user(request.user, pk)
    require(row_access.can_enter, _("只有参与本项任务的单位联络员可以录入受益对象。"))
    initial = {}
    if row_access.unit and row_access.unit.kind in ("township", "subdistrict"):
        initial["township"] = row_access.unit.pk
    form = BeneficiaryForm(request.POST or None, initial=initial, **_form_kwargs(task_row))
    if request.method == "POST" and form.is_valid():
        entry = services.create_beneficiary(
            user=request.user, row_access=row_access, cleaned=form.cleaned_data, request=request
        )
        places = selectors.duplicate_places([entry]).get(entry.pk)
        if places:
            messages.warning(
                request,
                _("已保存。注意：该身份证号已在以下位置计入，疑似重复：%(places)s")
                % {"places": "；".join(str(place) for place in places)},
            )
        else:
            messages.success(request, _("已保存：%(entry)s") % {"entry": entry})
        if "again" in request.POST:
            return redirect("beneficiaries:entry_create", pk=task_row.pk)
        return redirect("beneficiaries:row", pk=task_row.pk)
    status = 400 if request.method == "POST" else 200
    context = {"task_row": task_row, "form": form, "title": _("录入受益对象")}
    return render(request, "beneficiaries/form.html", context, status=status)


@never_cache
@login_required
def entry_edit(request, pk):
    entry, row_access = access.get_entry_for_user(request.user, pk)
    require(access.can_change_entry(request.user, entry), _("只能修改本单位录入的受益对象。"))
    if entry.is_removed:
        raise PermissionDenied(_("该受益对象已移除，不能修改。"))
    task_row = row_access.task_row
    initial = {
        "name": entry.name,
        "gender": entry.gender,
        "township": entry.township_id,
        "village": entry.village,
        "benefit_type": entry.benefit_type,
        "amount": entry.amount,
        "benefit_date": entry.benefit_date,
        "indicator": entry.indicator_id,
        # The phone is left out too: an empty field keeps it, like the ID number.
    }
    form = BeneficiaryForm(request.POST or None, initial=initial, **_form_kwargs(task_row, current=entry))
    form.fields["phone"].help_text = (
        _("当前：%(masked)s。不修改请留空。") % {"masked": entry.phone_masked} if entry.phone else ""
    )
    if request.method == "POST" and form.is_valid():
        cleaned = dict(form.cleaned_data)
        if not cleaned["phone"]:
            cleaned["phone"] = entry.phone
        try:
            changed = services.update_beneficiary(
                user=request.user, entry=entry, cleaned=cleaned, request=request
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已保存。") if changed else _("没有改动。"))
            return redirect("beneficiaries:row", pk=task_row.pk)
    status = 400 if request.method == "POST" else 200
    context = {"task_row": task_row, "form": form, "entry": entry, "title": _("修改受益对象")}
    return render(request, "beneficiaries/form.html", context, status=status)


@require_POST
@login_required
def entry_remove(request, pk):
    entry, row_access = access.get_entry_for_user(request.user, pk)
    form = RemovalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("移除时必须填写原因。"))
    else:
        services.remove_beneficiary(
            user=request.user, entry=entry, reason=form.cleaned_data["reason"], request=request
        )
        messages.success(request, _("已移除（可在“已移除”中查看）。"))
    return redirect("beneficiaries:row", pk=row_access.task_row.pk)


@require_POST
@never_cache
@login_required
def entry_reveal(request, pk):
    entry, row_access = access.get_entry_for_user(request.user, pk)
    revealed = services.reveal(user=request.user, entry=entry, row_access=row_access, request=request)
    context = {"entry": entry, "revealed": revealed, "task_row": row_access.task_row}
    return render(request, "beneficiaries/reveal.html", context)


HISTORY_FIELDS = (
    "name",
    "id_number_masked",
    "gender",
    "village",
    "benefit_type",
    "amount",
    "benefit_date",
    "is_removed",
    "removal_reason",
)


@require_GET
@never_cache
@login_required
def entry_history(request, pk):
    """The entry's history: the masked number only, since history never stores the full one."""
    entry, row_access = access.get_entry_for_user(request.user, pk)
    records = list(entry.history.select_related("history_user").order_by("history_date", "history_id"))
    labels = {name: Beneficiary._meta.get_field(name).verbose_name for name in HISTORY_FIELDS}
    labels.update(
        township=_("乡镇（街道）"), indicator=_("计入指标"), id_hash=_("身份证号"), phone_masked=_("联系电话")
    )
    steps = []
    previous = None
    for item in records:
        changes = []
        if previous is not None:
            for name in (*HISTORY_FIELDS, "township_id", "indicator_id"):
                old, new = getattr(previous, name), getattr(item, name)
                if old != new:
                    key = name.removesuffix("_id")
                    shown = name in HISTORY_FIELDS
                    changes.append((labels[key], old if shown else "", new if shown else _("已更改")))
        steps.append({"record": item, "changes": changes})
        previous = item
    steps.reverse()
    context = {"entry": entry, "task_row": row_access.task_row, "steps": steps}
    return render(request, "beneficiaries/history.html", context)


@require_GET
@never_cache
@login_required
def row_export(request, pk):
    task_row, row_access = access.get_row_for_user(request.user, pk)
    full = request.GET.get("full") == "1"
    entries = selectors.people_list(access.entries_for(row_access))
    ids = list(entries.values_list("pk", flat=True))
    return deliver(
        BeneficiaryListExporter(task_row=task_row, entries=entries, full=full),
        request=request,
        audit=lambda: services.record_export(
            user=request.user, row_access=row_access, ids=ids, full=full, request=request
        ),
    )


@require_GET
@login_required
def import_template(request, pk):
    task_row, row_access = access.get_row_for_user(request.user, pk)
    require(row_access.can_enter, _("只有参与本项任务的单位联络员可以导入受益对象。"))
    exporter = ImportTemplateExporter(task_row=task_row, indicators=selectors.list_indicators(task_row))
    return deliver(exporter, request=request, task_row=task_row.pk)


@never_cache
@login_required
def import_upload(request, pk):
    task_row, row_access = access.get_row_for_user(request.user, pk)
    require(row_access.can_enter, _("只有参与本项任务的单位联络员可以导入受益对象。"))
    services.discard_stale_imports()  # whoever starts an import clears the batches left too long
    form = UploadForm(request.POST or None, request.FILES or None)
    errors, error_count, status = [], 0, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = read_upload(
                upload, indicators=selectors.list_indicators(task_row), townships=selectors.townships()
            )
            if result.ok:
                upload.seek(0)
                digest = hashlib.sha256(upload.read()).hexdigest()
                batch = services.stage_import(
                    user=request.user,
                    row_access=row_access,
                    result=result,
                    file_name=upload.name,
                    file_sha256=digest,
                    request=request,
                )
                return redirect("beneficiaries:import_preview", pk=batch.pk)
            errors, error_count = result.errors, result.error_count
    context = {
        "task_row": task_row,
        "form": form,
        "errors": errors,
        "error_count": error_count,
        "hidden_errors": error_count - len(errors),
    }
    return render(request, "beneficiaries/import.html", context, status=status)


def _own_batch(request, pk) -> tuple[ImportBatch, access.RowAccess]:
    services.discard_stale_imports()
    batch = get_object_or_404(ImportBatch.objects.select_related("task_row"), pk=pk, created_by=request.user)
    _task_row, row_access = access.get_row_for_user(request.user, batch.task_row_id)
    return batch, row_access


def _expired(request, batch: ImportBatch):
    """The row's page, with a word, for a batch given up for its age; None for any other."""
    if not services.expired(batch):
        return None
    messages.error(request, services.expired_message())
    return redirect("beneficiaries:row", pk=batch.task_row_id)


@require_GET
@never_cache
@login_required
def import_preview(request, pk):
    batch, row_access = _own_batch(request, pk)
    if gone := _expired(request, batch):
        return gone
    names = {item.pk: item.name for item in selectors.list_indicators(row_access.task_row)}
    units = {unit.pk: unit.name for unit in selectors.townships()}
    rows = [
        {
            "line": row["line"],
            "name": row["name"],
            "id_masked": mask_id_number(row["id_number"]),
            "phone_masked": mask_phone(row["phone"]),
            "gender": Beneficiary.Gender(row["gender"]).label if row["gender"] else "",
            "township": units.get(int(row["township"]), ""),
            "village": row["village"],
            "benefit_type": row["benefit_type"],
            "amount": row["amount"],
            "benefit_date": row["benefit_date"],
            "indicator": names.get(int(row["indicator"]), ""),
            "duplicates": row.get("duplicates", []),
        }
        for row in batch.rows
    ]
    context = {
        "batch": batch,
        "task_row": row_access.task_row,
        "rows": rows[:PREVIEW_ROWS],
        "more": max(len(rows) - PREVIEW_ROWS, 0),
        "flagged": [row for row in rows if row["duplicates"]],
    }
    return render(request, "beneficiaries/import_preview.html", context)


@require_POST
@login_required
def import_confirm(request, pk):
    batch, row_access = _own_batch(request, pk)
    if gone := _expired(request, batch):
        return gone
    try:
        count = services.apply_import(
            user=request.user, row_access=row_access, batch_id=batch.pk, request=request
        )
    except services.BatchRefused as exc:
        messages.error(request, str(exc))
        return redirect("beneficiaries:import_preview", pk=batch.pk)
    messages.success(request, _("已导入%(count)s条受益对象。") % {"count": count})
    return redirect("beneficiaries:row", pk=row_access.task_row.pk)


@require_POST
@login_required
def import_discard(request, pk):
    batch, row_access = _own_batch(request, pk)
    if gone := _expired(request, batch):
        return gone
    try:
        services.discard_import(user=request.user, batch_id=batch.pk)
    except services.BatchRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已放弃本次导入，未写入任何数据。"))
    return redirect("beneficiaries:row", pk=row_access.task_row.pk)


# --- double counting pairs -------------------------------------------------------------------------


@login_required
def pairs(request):
    require(access.can_read_pairs(request.user), _("本页面仅供专班办公室、县统计局和领导使用。"))
    plan_year = chosen_plan_year(request)
    can_manage = access.can_manage_pairs(request.user)
    form = PairForm(request.POST or None, plan_year=plan_year) if can_manage else None
    if request.method == "POST":
        require(can_manage, _("只有专班办公室可以标记重复计算指标对。"))
        if form.is_valid():
            services.add_pair(
                user=request.user,
                indicator_a=form.cleaned_data["indicator_a"],
                indicator_b=form.cleaned_data["indicator_b"],
                note=form.cleaned_data["note"],
                request=request,
            )
            messages.success(request, _("已标记。这两个指标中的同一身份证号将提示为重复计算。"))
            return redirect(f"{reverse('beneficiaries:pairs')}?year={plan_year.year}")
    context = {
        "plan_year": plan_year,
        "pairs": selectors.pairs().filter(indicator_a__task_row__project__tier__plan_year=plan_year),
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "beneficiaries/pairs.html", context, status=400 if form and form.errors else 200)


@require_POST
@login_required
def pair_remove(request, pk):
    pair = get_object_or_404(DoubleCountingPair, pk=pk)
    services.remove_pair(user=request.user, pair_id=pair.pk, request=request)
    messages.success(request, _("已取消该重复计算指标对。"))
    return redirect("beneficiaries:pairs")


# --- grassroots tables -----------------------------------------------------------------------------


@require_GET
@login_required
def grassroots_index(request):
    _require_role(request)
    plan_year = chosen_plan_year(request)
    reporting_month = requested_reporting_month(request, plan_year=plan_year)
    context = {
        "reporting_month": reporting_month,
        "months": range(1, 13),
        "submissions": selectors.grassroots_index(request.user, reporting_month),
    }
    return render(request, "beneficiaries/grassroots_index.html", context)


@require_GET
@login_required
def grassroots_detail(request, pk):
    submission = get_submission_for_user(request.user, pk)
    context = {"submission": submission, "table": selectors.grassroots_table(submission)}
    return render(request, "beneficiaries/grassroots.html", context)


@require_GET
@never_cache
@login_required
def grassroots_export(request, pk):
    submission = get_submission_for_user(request.user, pk)
    exporter = GrassrootsTableExporter(table=selectors.grassroots_table(submission))
    return deliver(exporter, request=request, submission=submission.pk)
