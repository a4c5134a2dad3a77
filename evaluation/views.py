"""Pages of the year-end evaluation: self-evaluation, certification, public notice and unit scores."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from accounts.models import FIGURE_ROLES
from audit.delivery import deliver, deliver_stored
from audit.services import record
from core.errors import OutOfScope
from core.permissions import require
from evaluation import services
from evaluation.exporters import UnitScoreExporter
from evaluation.forms import (
    CertificationForm,
    EvidenceForm,
    NoticeForm,
    ReasonForm,
    SelfEvaluationForm,
    WeightsForm,
    figure_field,
    read_figures,
)
from evaluation.models import Evidence, PublicNotice, SelfEvaluation
from evaluation.selectors import (
    FORMULA_TERMS,
    evaluation_overview,
    formula_text,
    indicator_outcomes,
    unit_facts,
    unit_scores,
    weights_for,
)
from projects.models import Indicator, PlanYear, Unit
from projects.periods import chosen_plan_year
from reporting import access
from reporting.counting import COUNTED
from reporting.models import Submission
from reporting.selectors import submission_totals

EVALUATION_ROLES = FIGURE_ROLES


def _plan_year(year: int) -> PlanYear:
    return get_object_or_404(PlanYear, year=year)


def _require_evaluation_role(user) -> None:
    require(
        roles.role_of(user) in EVALUATION_ROLES,
        _("评估验收页面仅供单位联络员、专班办公室、县统计局和领导使用。"),
    )


@login_required
def home(request):
    _require_evaluation_role(request.user)
    plan_year = chosen_plan_year(request)
    return redirect("evaluation:overview", year=plan_year.year)


@login_required
def overview(request, year: int):
    _require_evaluation_role(request.user)
    plan_year = _plan_year(year)
    unit = roles.unit_of(request.user)
    context = {
        "plan_year": plan_year,
        "unit": unit,
        "rows": evaluation_overview(plan_year=plan_year, lead_unit=unit),
        "notice": PublicNotice.objects.filter(plan_year=plan_year).first(),
        "can_manage_notice": access.can_manage_notice(request.user),
        "can_read_scores": access.can_read_scores(request.user),
        "years": PlanYear.objects.values_list("year", flat=True),
    }
    return render(request, "evaluation/overview.html", context)


def _prefill(task_row, evaluation: SelfEvaluation | None) -> dict[int, tuple]:
    """The unit's saved final figures, or else the row's latest counted monthly totals as a starting point."""
    if evaluation is not None and evaluation.figures.exists():
        return {figure.indicator_id: (figure.value, figure.stage) for figure in evaluation.figures.all()}
    latest = (
        Submission.objects.filter(task_row=task_row, status__in=COUNTED)
        .select_related("task_row")
        .order_by("-reporting_month__month")
        .first()
    )
    if latest is None:
        return {}
    return {total.indicator.pk: (total.total, total.stage) for total in submission_totals(latest)}


@login_required
def row_detail(request, pk: int):
    task_row = access.get_evaluation_row_for_user(request.user, pk)
    plan_year = task_row.project.tier.plan_year
    evaluation = SelfEvaluation.objects.filter(task_row=task_row).select_related("submitted_by").first()
    outcomes = [
        item
        for item in indicator_outcomes(plan_year=plan_year, lead_unit=task_row.lead_unit)
        if item.indicator.task_row_id == task_row.pk
    ]
    prefill = _prefill(task_row, evaluation)
    can_edit = access.can_edit_self_evaluation(request.user, task_row, evaluation)
    fields = []
    for item in outcomes:
        indicator = item.indicator
        value, stage = prefill.get(indicator.pk, (None, None))
        fields.append(
            {
                "outcome": item,
                "value_name": figure_field(indicator, "value"),
                "stage_name": figure_field(indicator, "stage"),
                "value": indicator.format_number(value),
                "stage": "" if stage is None else str(stage),
            }
        )
    context = {
        "task_row": task_row,
        "plan_year": plan_year,
        "evaluation": evaluation,
        "fields": fields,
        "evidence": evaluation.evidence.select_related("uploaded_by") if evaluation else [],
        "form": SelfEvaluationForm(
            initial={
                "completed": ""
                if not evaluation or evaluation.completed is None
                else str(int(evaluation.completed)),
                "account": evaluation.account if evaluation else "",
            }
        ),
        "evidence_form": EvidenceForm(),
        "reason_form": ReasonForm(),
        "certification_form": CertificationForm(),
        "stages": Indicator.Stage.choices,
        "can_edit": can_edit,
        "can_return": access.can_return_self_evaluation(request.user, evaluation),
        "can_certify": access.can_certify(request.user),
    }
    return render(request, "evaluation/row.html", context)


def _back_to_row(task_row):
    return redirect("evaluation:row", pk=task_row.pk)


@login_required
@require_POST
def save_self_evaluation(request, pk: int):
    task_row = access.get_evaluation_row_for_user(request.user, pk)
    require(
        access.can_edit_self_evaluation(request.user, task_row), _("只有牵头单位可以填写本行的年终自评。")
    )
    form = SelfEvaluationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请检查填写的内容。"))
        return _back_to_row(task_row)
    submit = "submit" in request.POST
    try:
        services.save_self_evaluation(
            user=request.user,
            task_row=task_row,
            completed=form.completed_value(),
            account=form.cleaned_data["account"],
            figures=read_figures(request.POST, task_row.indicators.all()),
            submit=submit,
            request=request,
        )
    except services.EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已提交申请认定。") if submit else _("已保存。"))
    return _back_to_row(task_row)


@login_required
@require_POST
def upload_evidence(request, pk: int):
    task_row = access.get_evaluation_row_for_user(request.user, pk)
    require(
        access.can_edit_self_evaluation(request.user, task_row), _("只有牵头单位可以上传本行的佐证材料。")
    )
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["file"]))
        return _back_to_row(task_row)
    try:
        services.upload_evidence(
            user=request.user, task_row=task_row, upload=form.cleaned_data["file"], request=request
        )
    except services.EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已上传。"))
    return _back_to_row(task_row)


def _evidence_for_user(user, pk: int) -> Evidence:
    evidence = get_object_or_404(Evidence.objects.select_related("self_evaluation"), pk=pk)
    access.get_evaluation_row_for_user(user, evidence.self_evaluation.task_row_id)
    return evidence


@require_GET
@never_cache
@login_required
def download_evidence(request, pk: int):
    evidence = _evidence_for_user(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("文件已不存在。")) from exc
    # Evidence may name people: each download is in the audit log, as exports are; no row, no file.
    return deliver_stored(
        handle,
        request=request,
        filename=evidence.original_name,
        content_type=evidence.content_type,
        event="evaluation.evidence_downloaded",
        obj=evidence,
    )


@login_required
@require_POST
def delete_evidence(request, pk: int):
    evidence = _evidence_for_user(request.user, pk)
    task_row = evidence.self_evaluation.task_row
    services.delete_evidence(user=request.user, evidence=evidence, request=request)
    messages.success(request, _("已删除。"))
    return _back_to_row(task_row)


@login_required
@require_POST
def return_self_evaluation(request, pk: int):
    task_row = access.get_evaluation_row_for_user(request.user, pk)
    evaluation = SelfEvaluation.objects.filter(task_row=task_row).first()
    require(
        access.can_return_self_evaluation(request.user, evaluation), _("只有专班办公室可以退回已提交的自评。")
    )
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("退回时必须填写原因。"))
        return _back_to_row(task_row)
    services.return_self_evaluation(
        user=request.user, task_row=task_row, reason=form.cleaned_data["reason"], request=request
    )
    messages.success(
        request,
        _("已退回%(unit)s的自评，可修改后重新提交（原因：%(reason)s）。")
        % {"unit": task_row.lead_unit.name, "reason": form.cleaned_data["reason"].strip()},
    )
    return _back_to_row(task_row)


@login_required
@require_POST
def certify(request, pk: int):
    indicator = get_object_or_404(Indicator, pk=pk)
    task_row = access.get_evaluation_row_for_user(request.user, indicator.task_row_id)
    require(access.can_certify(request.user), _("只有县统计局可以核验认定。"))
    form = CertificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请检查认定内容。"))
        return _back_to_row(task_row)
    try:
        services.certify(
            user=request.user,
            indicator=indicator,
            figure=services.FigureText(
                indicator=indicator,
                raw_value=form.cleaned_data["value"],
                raw_stage=form.cleaned_data["stage"],
            ),
            qualified=form.cleaned_data["qualified"],
            note=form.cleaned_data["note"],
            request=request,
        )
    except services.EvaluationError as exc:
        messages.error(request, f"{indicator.name}：{exc}")
    else:
        messages.success(request, _("已认定：%(name)s") % {"name": indicator.name})
    return _back_to_row(task_row)


# --- the public notice --------------------------------------------------------------------------


@require_GET
@never_cache
def public_notice(request, year: int):
    """Open to anyone on the intranet, without logging in; only units, targets and results, no people."""
    plan_year = _plan_year(year)
    notice = PublicNotice.objects.filter(plan_year=plan_year).first()
    today = timezone.localdate()
    is_open = notice is not None and notice.is_open_on(today)
    context = {"plan_year": plan_year, "notice": notice, "is_open": is_open, "today": today}
    if is_open:
        context["outcomes"] = indicator_outcomes(plan_year=plan_year)
    return render(request, "evaluation/public_notice.html", context)


@login_required
def manage_notice(request, year: int):
    require(access.can_manage_notice(request.user), _("只有专班办公室可以发布公示。"))
    plan_year = _plan_year(year)
    notice = PublicNotice.objects.filter(plan_year=plan_year).first()
    status = 200
    if request.method == "POST":
        form = NoticeForm(request.POST)
        if form.is_valid():
            try:
                services.publish_notice(
                    user=request.user, plan_year=plan_year, request=request, **form.cleaned_data
                )
            except services.EvaluationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("公示已保存。"))
                return redirect("evaluation:manage_notice", year=plan_year.year)
        status = 400
    else:
        initial = {"title": _("%(year)s年度隆回县重点民生实事项目完成情况公示") % {"year": plan_year.year}}
        if notice is not None:
            initial = {
                "title": notice.title,
                "intro": notice.intro,
                "starts_on": notice.starts_on,
                "ends_on": notice.ends_on,
            }
        form = NoticeForm(initial=initial)
    context = {"plan_year": plan_year, "notice": notice, "form": form}
    return render(request, "evaluation/manage_notice.html", context, status=status)


# --- unit scores --------------------------------------------------------------------------------


def _render_scores(request, plan_year: PlanYear, *, weights_form=None, status=200):
    weights = weights_for(plan_year)
    context = {
        "plan_year": plan_year,
        "weights": weights,
        "formula": formula_text(weights),
        "terms": FORMULA_TERMS,
        "scores": unit_scores(plan_year=plan_year, today=timezone.localdate()),
        "can_set_weights": access.can_set_score_weights(request.user),
        "weights_form": weights_form
        or WeightsForm(initial={name: getattr(weights, name) for name in weights.DEFAULTS}),
    }
    return render(request, "evaluation/scores.html", context, status=status)


@login_required
def scores(request, year: int):
    require(access.can_read_scores(request.user), _("考核得分仅供专班办公室、县统计局和领导查看。"))
    return _render_scores(request, _plan_year(year))


@login_required
@require_POST
def set_weights(request, year: int):
    require(access.can_set_score_weights(request.user), _("只有专班办公室可以设置考核权重。"))
    plan_year = _plan_year(year)
    form = WeightsForm(request.POST)
    if not form.is_valid():
        return _render_scores(request, plan_year, weights_form=form, status=400)
    services.set_weights(user=request.user, plan_year=plan_year, weights=form.cleaned_data, request=request)
    messages.success(request, _("考核权重已保存。"))
    return redirect("evaluation:scores", year=plan_year.year)


@require_GET
@never_cache
@login_required
def export_scores(request, year: int):
    require(access.can_read_scores(request.user), _("考核得分仅供专班办公室、县统计局和领导查看。"))
    plan_year = _plan_year(year)
    exporter = UnitScoreExporter(plan_year=plan_year, today=timezone.localdate())
    return deliver(
        exporter,
        request=request,
        audit=lambda: record(
            event="evaluation.scores_exported",
            request=request,
            obj=plan_year,
            detail={"file": exporter.get_filename()},
        ),
    )


@login_required
def unit_score(request, year: int, unit_id: int):
    plan_year = _plan_year(year)
    unit = get_object_or_404(Unit, pk=unit_id)
    if not access.can_read_unit_score(request.user, unit):
        raise OutOfScope(_("找不到该单位的考核情况，或您无权查看。"))
    today = timezone.localdate()
    found = unit_scores(plan_year=plan_year, today=today, unit=unit)
    if not found:
        raise Http404(_("该单位在本年度没有牵头任务。"))
    context = {
        "plan_year": plan_year,
        "unit": unit,
        "score": found[0],
        "formula": formula_text(found[0].weights),
        "terms": FORMULA_TERMS,
        "can_read_scores": access.can_read_scores(request.user),
        **unit_facts(plan_year=plan_year, unit=unit, today=today),
    }
    return render(request, "evaluation/unit_score.html", context)
