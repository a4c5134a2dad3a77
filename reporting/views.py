from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.models import FIGURE_ROLES, READ_ALL_ROLES, Role
from audit.services import record_denied
from core.links import link
from core.permissions import require
from projects.models import Indicator
from projects.periods import chosen_plan_year
from reporting import access, todo
from reporting.calendar.deadlines import (
    chosen_reporting_month,
    month_schedule,
)
from reporting.forms import ForwardForm, ReasonForm, field_name, read_no_data, read_sheet
from reporting.increments import increment
from reporting.models import ReportingMonth, Submission
from reporting.selectors import (
    changes_since_last_review,
    entry_sheet,
    late_and_missing,
    returned_count,
    review_queue,
    submission_totals,
)
from reporting.workflow import data_entry, entry_layout, errors, forwarding, review
from reporting.workflow.validation import FUNDS_KEY, PROBLEMS_KEY, PROGRESS_KEY


@login_required
def home(request):
    """Each person lands on what they must do next (reporting.todo); administrators on their pages."""
    role = roles.role_of(request.user)
    if role == Role.AUDITOR:
        return redirect("audit:list")
    if role not in FIGURE_ROLES:
        if request.user.is_staff:
            return redirect("admin:index")
        raise PermissionDenied(_("您的账号尚未分配角色，请联系系统管理员。"))
    if role == Role.LIAISON and roles.unit_of(request.user) is None:
        raise PermissionDenied(_("您的账号尚未关联单位，请联系系统管理员。"))
    context = {
        "landing": todo.landing(
            user=request.user, plan_year=chosen_plan_year(request), today=timezone.localdate()
        )
    }
    return render(request, "reporting/home.html", context)


def _field_texts() -> dict:
    """The words that depend only on an indicator's kind, translated once per page."""
    milestone = Indicator.Kind.MILESTONE
    # Cumulative counts are explained once at the top of the page, not beside every figure.
    hints = {
        Indicator.Kind.STANDARD: _("填当前标准"),
        Indicator.Kind.RATIO: _("填当前比率"),
    }
    return {
        kind: {
            "control": "stage" if kind == milestone else "value",
            "hint": hints.get(kind, ""),
            "placeholder": _("进展简述") if kind == milestone else _("说明（累计数减少等情况必填）"),
        }
        for kind in Indicator.Kind.values
    }


def _number(indicator, value) -> str:
    return indicator.format_number(value) if value is not None else ""


def _sheet_rows(sheet, data=None, results=None, targets=None):
    """Values to show in the form: what was posted when re-rendering, else what is stored.

    Everything the template would otherwise work out per field (labels, hints, the stage
    options, whether the row is locked) is settled here, once, so the page renders quickly.
    """
    rows = []
    first_error_seen = False
    texts = _field_texts()
    stages = [(str(value), label) for value, label in Indicator.Stage.choices]
    for row in sheet:
        row_id = row.task_row.pk
        result = (results or {}).get(row_id)
        contribution = row.contribution
        is_open = row.is_open
        reposted = data is not None and is_open
        indicators, typed = [], {}
        for indicator in row.indicators:
            figure = row.figures.get(indicator.pk)
            prefix = field_name(row_id, "", indicator.pk)
            if reposted:
                value = data.get(f"{prefix}value", "")
                stage = data.get(f"{prefix}stage", "")
                explanation = data.get(f"{prefix}explanation", "")
            else:
                value = indicator.format_number(figure.value) if figure else ""
                stage = str(figure.stage) if figure and figure.stage is not None else ""
                explanation = figure.explanation if figure else ""
            typed[indicator.pk] = stage if indicator.kind == Indicator.Kind.MILESTONE else value
            previous = row.previous.get(indicator.pk)
            target = (targets or {}).get(indicator.pk)
            is_first_error = bool(result and indicator.pk in result.errors and not first_error_seen)
            first_error_seen = first_error_seen or is_first_error
            kind_texts = texts.get(indicator.kind, texts[Indicator.Kind.QUANTITY])
            is_milestone = indicator.kind == Indicator.Kind.MILESTONE
            indicators.append(
                {
                    "indicator": indicator,
                    "name": indicator.name,
                    "measure": indicator.measure,
                    "target": target.county if target else indicator.target_display,
                    "own_target": target.own if target else "",
                    "is_milestone": is_milestone,
                    "control": kind_texts["control"],
                    "hint": kind_texts["hint"],
                    "placeholder": kind_texts["placeholder"],
                    "options": [(option, label, option == stage) for option, label in stages]
                    if is_milestone
                    else (),
                    "value": value,
                    "stage": stage,
                    "explanation": explanation,
                    "previous": indicator.format_number(previous) if previous is not None else "",
                    "increment": _number(indicator, increment(indicator, figure.value, previous))
                    if figure
                    else "",
                    "error": result.errors.get(indicator.pk) if result else None,
                    "first_error": is_first_error,
                    "warning": result.warnings.get(indicator.pk) if result else None,
                    "prefix": prefix,
                }
            )

        def posted_or(name, stored, row_id=row_id, reposted=reposted):
            return data.get(field_name(row_id, name), "") if reposted else stored

        task_row = row.task_row
        project = task_row.project
        submission = row.submission
        missing = entry_layout.missing_indicators(row, typed if reposted else None)
        parts = [
            {
                "unit": part.unit,
                "state": part.state_label,
                "values": [
                    _number(indicator, part.value_of(indicator)) or "—" for indicator in part.indicators
                ],
                "needs_mark": part.needs_mark,
                "no_data_reason": part.no_data_reason,
                "checked": data is not None and field_name(row_id, f"nodata-{part.unit.pk}") in data,
                "reason": data.get(field_name(row_id, f"nodata-reason-{part.unit.pk}"), "") if data else "",
            }
            for part in row.parts
        ]
        rows.append(
            {
                "row": row,
                "row_id": row_id,
                "heading": f"{project.tier.short_name} {project.number}. {project.title}",
                "subtitle": task_row.title,
                "lead_unit": task_row.lead_unit,
                "is_lead": row.is_lead,
                "is_open": is_open,
                "status": row.status,
                "status_display": row.status_display,
                "late_report": bool(submission and submission.late_report),
                "closed": row.status == Submission.Status.CLOSED,
                "no_data_reason": row.no_data_reason,
                "parts": parts,
                "part_indicators": row.parts[0].indicators if row.parts else [],
                "parts_filled": sum(1 for part in row.parts if part.is_complete),
                "parts_to_mark": sum(1 for part in row.parts if part.needs_mark),
                "return_reason": submission.return_reason
                if submission and submission.status == Submission.Status.RETURNED
                else None,
                "missing": "、".join(indicator.name for indicator in missing),
                "nothing_filled": bool(missing) and len(missing) == len(row.indicators),
                "review_url": reverse("reporting:review_detail", args=[submission.pk]) if submission else "",
                "disabled": "" if is_open else " disabled",
                "indicators": indicators,
                "funds": posted_or(
                    "funds",
                    ""
                    if not contribution or contribution.funds_invested is None
                    else str(contribution.funds_invested),
                ),
                "progress": posted_or("progress", contribution.progress if contribution else ""),
                "problems": posted_or("problems", contribution.problems if contribution else ""),
                "version": row.version,
                "funds_error": result.errors.get(FUNDS_KEY) if result else None,
                "progress_error": result.errors.get(PROGRESS_KEY) if result else None,
                "problems_error": result.errors.get(PROBLEMS_KEY) if result else None,
                "prefix": f"r{row_id}-",
            }
        )
        item = rows[-1]
        item["name"] = f"{item['heading']}：{item['subtitle']}" if item["subtitle"] else item["heading"]
        item["extras_error"] = bool(
            item["funds_error"]
            or item["progress_error"]
            or item["problems_error"]
            or any(field["error"] and not field["is_milestone"] for field in indicators)
        )
        item["extras_filled"] = bool(
            item["funds"] or item["progress"] or item["problems"] or any(f["explanation"] for f in indicators)
        )
    return rows


@login_required
def monthly_entry(request):
    unit = roles.unit_of(request.user)
    if unit is None:
        raise PermissionDenied(_("“本月填报”仅供单位联络员使用。"))
    reporting_month = chosen_reporting_month(request)
    sheet = entry_sheet(unit=unit, reporting_month=reporting_month)
    data, results, status = None, None, 200
    month_query = f"year={reporting_month.plan_year.year}&month={reporting_month.month}"
    if request.method == "POST":
        data = request.POST
        try:
            results = data_entry.save_month_sheet(
                user=request.user, unit=unit, reporting_month=reporting_month, entries=read_sheet(sheet, data)
            )
        except errors.WorkflowError as exc:
            messages.error(request, str(exc))
            status = 409
            if isinstance(exc, errors.LockedError):
                month = f"{reporting_month.plan_year.year}-{reporting_month.month:02d}"
                record_denied(
                    request, status=status, reason=str(exc), event="reporting.entry_locked", month=month
                )
        else:
            if any(not result.ok for result in results.values()):
                messages.error(request, _("有数据未通过校验，本次未保存任何内容。请按红色提示修改后再保存。"))
                status = 400
            else:
                _submit_if_asked(request, reporting_month)
                # Back at the row saved, where the page says which rows are still open.
                saved = entry_layout.saved_row(written=results.written, asked=data.get("submit_row", ""))
                anchor = f"&saved={saved}#row-{saved}" if saved else "&saved=0"
                return redirect(f"{reverse('reporting:entry')}?{month_query}{anchor}")
    with_figures, progress_only = entry_layout.split_rows(sheet)
    rows = _sheet_rows(
        with_figures + progress_only,
        data,
        results,
        entry_layout.unit_targets(unit=unit, reporting_month=reporting_month, sheet=with_figures),
    )
    saved = request.GET.get("saved", "") if data is None else ""
    for index, item in enumerate(rows):
        item["saved"] = saved == str(item["row_id"])
        # A row of the same project as the card above it is headed by its own task only.
        before = rows[index - 1]["row"].task_row if index and index != len(with_figures) else None
        item["continues"] = bool(
            before and item["subtitle"] and before.project_id == item["row"].task_row.project_id
        )
    context = {
        "unit": unit,
        "reporting_month": reporting_month,
        "schedule": month_schedule(reporting_month),
        "figure_rows": rows[: len(with_figures)],
        "progress_rows": rows[len(with_figures) :],
        "progress_open": any(item["saved"] or item["extras_error"] for item in rows[len(with_figures) :]),
        "open_rows": [item for item in rows if item["missing"]],
        "submits_nothing": entry_layout.submits_nothing(sheet),
        "draft_key": f"{request.user.pk}:{reporting_month.plan_year.year}-{reporting_month.month:02d}",
        "refused": data is not None,
        "just_saved": bool(saved),
        "months": range(1, 13),
    }
    return render(request, "reporting/entry.html", context, status=status)


def _submit_if_asked(request, reporting_month):
    row_id = request.POST.get("submit_row", "")
    if not row_id.isdigit():
        messages.success(request, _("已保存。"))
        return
    submission = Submission.objects.filter(reporting_month=reporting_month, task_row_id=int(row_id)).first()
    if submission is None or not access.visible_submissions(request.user).filter(pk=submission.pk).exists():
        messages.error(request, _("请先填写该行数据再提交。"))
        return
    try:
        review.submit(
            user=request.user, submission_id=submission.pk, no_data=read_no_data(request.POST, int(row_id))
        )
    except (errors.WorkflowError, PermissionDenied) as exc:
        messages.error(request, _("已保存，但未能提交：%(reason)s") % {"reason": exc})
    else:
        messages.success(request, _("已保存并提交，等待专班办公室审核。"))


def _review_lines(submissions) -> list[dict]:
    """The review table's cells, worked out once here: the template then only prints them."""
    lines = []
    for submission in submissions:
        task_row = submission.task_row
        submitted_at = submission.submitted_at
        lines.append(
            {
                "tier": task_row.project.tier.short_name,
                "url": link(submission.pk, "reporting:review_detail"),
                "title": str(task_row),
                "lead_unit": task_row.lead_unit.name,
                "status": submission.status,
                "status_label": submission.status_label,
                "submitted_at": formats.date_format(timezone.localtime(submitted_at), "n月j日 H:i")
                if submitted_at
                else "—",
                "on_time": submission.on_time,
                "times_returned": submission.times_returned,
                "late_report": submission.late_report,
            }
        )
    return lines


@login_required
def review_list(request):
    require(roles.role_of(request.user) in READ_ALL_ROLES, _("本页面仅供专班办公室、县统计局和领导使用。"))
    reporting_month = chosen_reporting_month(request)
    status = request.GET.get("status", "")
    if status not in Submission.Status.values:
        status = ""
    # Other months' submissions waiting on this reader, so an empty month never hides them.
    waiting = status or (
        Submission.Status.APPROVED
        if roles.role_of(request.user) == Role.STATISTICS
        else Submission.Status.SUBMITTED
    )
    waiting_words = {Submission.Status.SUBMITTED: _("待审核"), Submission.Status.APPROVED: _("待核验")}
    context = {
        "reporting_month": reporting_month,
        "schedule": month_schedule(reporting_month),
        "elsewhere": todo.review_waiting_elsewhere(status=waiting, shown=reporting_month),
        "elsewhere_words": waiting_words.get(waiting, Submission.Status(waiting).label),
        "lines": _review_lines(review_queue(reporting_month=reporting_month, status=status or None)),
        "status": status,
        "statuses": Submission.Status.choices,
        "late_and_missing": late_and_missing(reporting_month=reporting_month),
        "can_forward": access.can_forward(request.user),
        "months": range(1, 13),
    }
    return render(request, "reporting/review_list.html", context)


@login_required
def review_detail(request, pk):
    submission = access.get_submission_for_user(request.user, pk)
    context = {
        "submission": submission,
        "totals": submission_totals(submission),
        "contributions": submission.contributions.select_related("unit", "updated_by", "no_data_by").order_by(
            "unit__name"
        ),
        "changes": changes_since_last_review(submission),
        "events": submission.events.select_related("actor"),
        "times_returned": returned_count(submission),
        # One form per action, each with its own label and field id, shown beside its own button.
        "return_form": ReasonForm(auto_id="return-%s", label=_("退回原因")),
        "reopen_form": ReasonForm(auto_id="reopen-%s", label=_("重新打开原因")),
        "late_open_form": ReasonForm(auto_id="late-open-%s", label=_("开放补报原因")),
        "can_approve": access.can_approve(request.user, submission),
        "can_verify": access.can_verify(request.user, submission),
        "can_return": access.can_return(request.user, submission),
        "can_reopen": access.can_reopen(request.user, submission),
        "can_open_late_report": access.can_open_late_report(request.user, submission),
    }
    return render(request, "reporting/review_detail.html", context)


def _run(request, action, **kwargs):
    try:
        return action(user=request.user, **kwargs)
    except errors.WorkflowError as exc:
        messages.error(request, str(exc))
        return None


REASONED_ACTIONS = {
    "return": review.return_submission,
    "reopen": review.reopen,
    "late_open": forwarding.open_late_report,
}
PLAIN_ACTIONS = {"approve": review.approve, "verify": review.verify}


def _done_message(action: str, submission: Submission, reason: str = "") -> str:
    """What happened, in words: who has the row now and why."""
    words = {"unit": submission.task_row.lead_unit.name, "reason": reason}
    return {
        "return": _("已退回%(unit)s（原因：%(reason)s）。"),
        "reopen": _("已重新打开，%(unit)s可更正后重新提交（原因：%(reason)s）。"),
        "late_open": _("已开放补报，%(unit)s可填报后提交（原因：%(reason)s）。"),
        "approve": _("已审核通过，等待县统计局核验。"),
        "verify": _("已核验通过，等待专班办公室整月上报。"),
    }[action] % words


@login_required
@require_POST
def review_action(request, pk, action):
    submission = access.get_submission_for_user(request.user, pk)
    reason = ""
    if action in REASONED_ACTIONS:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, form.errors["reason"][0])
            return redirect("reporting:review_detail", pk=submission.pk)
        reason = form.cleaned_data["reason"]
        done = _run(request, REASONED_ACTIONS[action], submission_id=submission.pk, reason=reason)
    elif action in PLAIN_ACTIONS:
        done = _run(request, PLAIN_ACTIONS[action], submission_id=submission.pk)
    else:
        raise PermissionDenied(_("未知操作。"))
    if done is not None:
        messages.success(request, _done_message(action, submission, reason.strip()))
    return redirect("reporting:review_detail", pk=submission.pk)


@login_required
def forward_month(request, month_id):
    """The confirmation page (GET) and the forwarding it confirms (POST): nothing goes up unseen."""
    require(access.can_forward(request.user), _("只有专班办公室可以报送。"))
    reporting_month = get_object_or_404(ReportingMonth.objects.select_related("plan_year"), pk=month_id)
    form = ForwardForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = forwarding.forward_month(
                    user=request.user,
                    reporting_month=reporting_month,
                    fingerprint=form.cleaned_data["fingerprint"],
                    close_not_ready=form.cleaned_data["close_not_ready"],
                    reason=form.cleaned_data["reason"],
                )
            except errors.WorkflowError as exc:
                messages.error(request, str(exc))
                status = 409
            else:
                text = _("已上报%(count)s条已核验的报送，本月已截止，数据已锁定。") % {
                    "count": result.forwarded
                }
                if result.closed:
                    text += _("另有%(count)s行按未报送处理，如需补报由专班办公室开放。") % {
                        "count": result.closed
                    }
                messages.success(request, text)
                return redirect(
                    f"{reverse('reporting:review_list')}?year={reporting_month.plan_year.year}"
                    f"&month={reporting_month.month}"
                )
        else:
            status = 400
    plan = forwarding.forwarding_plan(reporting_month=reporting_month)
    context = {
        "reporting_month": reporting_month,
        "schedule": month_schedule(reporting_month),
        "plan": plan,
        "form": form,
        "fingerprint": plan.fingerprint,
    }
    return render(request, "reporting/forward_confirm.html", context, status=status)
