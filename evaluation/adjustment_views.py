"""Pages of the target adjustments (指标调整): filing, the office's review, the government's decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.models import FIGURE_ROLES
from core.permissions import require
from evaluation import adjustments
from evaluation.forms import (
    AdjustmentRequestForm,
    DecisionForm,
    ReviewForm,
    read_adjustment_lines,
    share_field,
    target_field,
)
from projects import participation, targets
from projects.models import PlanYear
from projects.periods import chosen_plan_year
from reporting import access

ADJUSTMENT_ROLES = FIGURE_ROLES


@login_required
def adjustment_list(request):
    require(
        roles.role_of(request.user) in ADJUSTMENT_ROLES,
        _("本页面仅供单位联络员、专班办公室、县统计局和领导使用。"),
    )
    plan_year = chosen_plan_year(request)
    filed = (
        access.visible_adjustments(request.user)
        .filter(plan_year=plan_year)
        .select_related("unit", "plan_year")
        .prefetch_related("lines__indicator", "lines__unit")
    )
    history = targets.target_history(plan_year=plan_year) if plan_year else {}
    unit = roles.unit_of(request.user)
    if unit is not None:
        history = {
            indicator: steps
            for indicator, steps in history.items()
            if participation.leads_row(unit, indicator.task_row)
        }
    context = {
        "plan_year": plan_year,
        "years": PlanYear.objects.values_list("year", flat=True),
        "adjustments": filed,
        "history": [
            (indicator, [(step, targets.target_display(indicator, step.target)) for step in steps])
            for indicator, steps in history.items()
        ],
        "can_file": unit is not None,
        "filing_open": plan_year is not None
        and adjustments.filing_is_open(plan_year, today=timezone.localdate()),
    }
    return render(request, "evaluation/adjustment_list.html", context)


def _choices(unit, plan_year):
    indicators = list(targets.adjustable_indicators(unit=unit, plan_year=plan_year))
    return [(indicator, participation.units_taking_part(indicator.task_row)) for indicator in indicators]


@login_required
def adjustment_new(request):
    unit = roles.unit_of(request.user)
    require(unit is not None, _("只有牵头单位联络员可以提出指标调整申请。"))
    plan_year = chosen_plan_year(request)
    today = timezone.localdate()
    is_open = plan_year is not None and adjustments.filing_is_open(plan_year, today=today)
    choices = _choices(unit, plan_year) if plan_year else []
    earliest = adjustments.earliest_effective_month(plan_year, today=today) if plan_year else 1
    errors, status = [], 200
    form = AdjustmentRequestForm(initial={"effective_month": earliest})
    if request.method == "POST":
        form = AdjustmentRequestForm(request.POST)
        lines, errors = read_adjustment_lines(request.POST, choices)
        if not is_open:
            errors = [adjustments.filing_closed_message(plan_year)]
        elif form.is_valid() and not errors:
            try:
                adjustment = adjustments.file_adjustment(
                    user=request.user,
                    plan_year=plan_year,
                    reason=form.cleaned_data["reason"],
                    force_majeure=form.cleaned_data["force_majeure"],
                    effective_month=form.cleaned_data["effective_month"],
                    lines=lines,
                    request=request,
                )
            except adjustments.AdjustmentError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("调整申请已提交，等待专班办公室审核。"))
                return redirect("evaluation:adjustment_detail", pk=adjustment.pk)
        status = 400
    current = targets.targets_for_month(plan_year=plan_year, month=earliest) if plan_year else {}
    rows = [
        {
            "indicator": indicator,
            "current": targets.target_display(indicator, current.get(indicator.pk)),
            "field": target_field(indicator),
            "posted": request.POST.get(target_field(indicator), ""),
            "shares": [
                {
                    "unit": share_unit,
                    "field": share_field(indicator, share_unit),
                    "posted": request.POST.get(share_field(indicator, share_unit), ""),
                }
                for share_unit in units
            ],
        }
        for indicator, units in choices
        # A target still pending (待下达) has no total to keep: it is not adjusted, but handed down.
        if current.get(indicator.pk) is not None
    ]
    context = {
        "plan_year": plan_year,
        "unit": unit,
        "is_open": is_open,
        "closed_message": adjustments.filing_closed_message(plan_year) if plan_year and not is_open else "",
        "form": form,
        "rows": rows,
        "errors": errors,
    }
    return render(request, "evaluation/adjustment_new.html", context, status=status)


@login_required
def adjustment_detail(request, pk: int):
    adjustment = access.get_adjustment_for_user(request.user, pk)
    lines = targets.adjustment_lines(adjustment)
    context = {
        "adjustment": adjustment,
        "target_lines": [line for line in lines if line.unit_id is None],
        "share_lines": [line for line in lines if line.unit_id is not None],
        "can_review": access.can_review_adjustment(request.user, adjustment),
        "can_decide": access.can_record_adjustment_decision(request.user, adjustment),
        "review_form": ReviewForm(),
        "decision_form": DecisionForm(),
    }
    return render(request, "evaluation/adjustment_detail.html", context)


@login_required
@require_POST
def adjustment_review(request, pk: int):
    adjustment = access.get_adjustment_for_user(request.user, pk)
    require(
        access.can_review_adjustment(request.user, adjustment), _("只有专班办公室可以审核待审核的调整申请。")
    )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审核意见。"))
        return redirect("evaluation:adjustment_detail", pk=adjustment.pk)
    try:
        adjustments.review_adjustment(
            user=request.user,
            adjustment_id=adjustment.pk,
            passed=form.cleaned_data["passed"],
            opinion=form.cleaned_data["opinion"],
            request=request,
        )
    except adjustments.AdjustmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("审核意见已保存。"))
    return redirect("evaluation:adjustment_detail", pk=adjustment.pk)


@login_required
@require_POST
def adjustment_decision(request, pk: int):
    adjustment = access.get_adjustment_for_user(request.user, pk)
    require(
        access.can_record_adjustment_decision(request.user, adjustment),
        _("只有专班办公室可以录入县人民政府对已审核申请的审批结果。"),
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写审批结果、审批机关、审批日期和文号。"))
        return redirect("evaluation:adjustment_detail", pk=adjustment.pk)
    try:
        adjustments.record_decision(
            user=request.user, adjustment_id=adjustment.pk, request=request, **form.cleaned_data
        )
    except adjustments.AdjustmentError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("审批结果已录入。"))
    return redirect("evaluation:adjustment_detail", pk=adjustment.pk)
