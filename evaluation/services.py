"""Writes of the year-end evaluation: self-evaluation and evidence, certification, notice, weights.

Each function checks permission through `reporting.access`, runs in one transaction and writes
an audit record of the decision it makes.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from audit.services import record
from core.errors import Refused
from core.permissions import require
from core.text import control_characters_message
from core.uploads import short_file_name
from evaluation.models import (
    MAX_EVIDENCE_FILES,
    Certification,
    Evidence,
    PublicNotice,
    ScoreWeights,
    SelfEvaluation,
    SelfEvaluationFigure,
    validate_evidence_file,
)
from projects.models import Indicator, PlanYear, TaskRow
from reporting import access
from reporting.workflow.validation import parse_number, parse_stage, too_long

TEXT_LIMIT = 2000


NOTICE_TITLE_LIMIT = 200  # PublicNotice.title


def _refuse_long(text: str, limit: int, what: str) -> None:
    """Text over its limit is refused with the limit named, never cut and saved."""
    if error := too_long(text, limit, what=what):
        raise EvaluationError(error)


class EvaluationError(Refused):
    """A refused step of the year-end evaluation."""


@dataclass(frozen=True)
class FigureText:
    """A final figure as typed: a number, or a stage for milestones."""

    indicator: Indicator
    raw_value: str = ""
    raw_stage: str = ""


def parse_figures(items: list[FigureText]) -> tuple[dict[int, tuple], dict[int, str]]:
    """Indicator id → (value, stage), and indicator id → error, from what was typed."""
    clean, errors = {}, {}
    for item in items:
        if item.indicator.kind == Indicator.Kind.MILESTONE:
            stage, error = parse_stage(item.raw_stage)
            value = None
        else:
            value, error = parse_number(item.raw_value, item.indicator)
            stage = None
        if error:
            errors[item.indicator.pk] = error
        else:
            clean[item.indicator.pk] = (value, stage)
    return clean, errors


def _open_self_evaluation(task_row: TaskRow, unit) -> SelfEvaluation:
    """The row's self-evaluation, created on first use and locked for the rest of the transaction."""
    created, _created = SelfEvaluation.objects.get_or_create(task_row=task_row, defaults={"unit": unit})
    return SelfEvaluation.objects.select_for_update().get(pk=created.pk)


@transaction.atomic
def save_self_evaluation(
    *,
    user,
    task_row: TaskRow,
    completed: bool | None,
    account: str,
    figures: list[FigureText],
    submit: bool = False,
    now=None,
    request=None,
) -> SelfEvaluation:
    """Save the lead unit's self-evaluation of a row; with submit=True also apply for certification."""
    require(access.can_edit_self_evaluation(user, task_row), _("只有牵头单位可以填写本行的年终自评。"))
    evaluation = _open_self_evaluation(task_row, roles.unit_of(user))
    if not evaluation.is_open:
        raise EvaluationError(_("自评已提交申请认定，不能再修改。如需补充，请联系专班办公室退回。"))
    if any(item.indicator.task_row_id != task_row.pk for item in figures):
        raise EvaluationError(_("只能填写本行的指标。"))
    clean, errors = parse_figures(figures)
    if errors:
        names = {item.indicator.pk: item.indicator.name for item in figures}
        raise EvaluationError("；".join(f"{names[pk]}：{message}" for pk, message in errors.items()))
    account = (account or "").strip()
    if error := control_characters_message(account, what=_("自评情况说明")):
        raise EvaluationError(error)
    if len(account) > TEXT_LIMIT:
        raise EvaluationError(_("自评情况说明不能超过%(limit)s字。") % {"limit": TEXT_LIMIT})
    existing = {figure.indicator_id: figure for figure in evaluation.figures.all()}
    for indicator_id, (value, stage) in clean.items():
        figure = existing.get(indicator_id) or SelfEvaluationFigure(
            self_evaluation=evaluation, indicator_id=indicator_id
        )
        if figure.pk and (figure.value, figure.stage) == (value, stage):
            continue
        figure.value, figure.stage = value, stage
        figure.save()
    evaluation.completed = completed
    evaluation.account = account
    if submit:
        missing = _missing_for_submission(evaluation, task_row)
        if missing:
            raise EvaluationError(_("提交申请认定前请补全：%(items)s") % {"items": "、".join(missing)})
        evaluation.status = SelfEvaluation.Status.SUBMITTED
        evaluation.submitted_by = user
        evaluation.submitted_at = now or timezone.now()
        evaluation._change_reason = _("提交年终自评，申请认定")
    evaluation.full_clean()
    evaluation.save()
    if submit:
        record(
            event="evaluation.self_evaluation_submitted",
            request=request,
            user=user,
            obj=evaluation,
            detail={"completed": completed, "evidence": evaluation.evidence.count()},
        )
    return evaluation


def _missing_for_submission(evaluation: SelfEvaluation, task_row: TaskRow) -> list[str]:
    missing = []
    if evaluation.completed is None:
        missing.append(_("自评结论"))
    if not evaluation.account:
        missing.append(_("自评情况说明"))
    filled = {
        figure.indicator_id
        for figure in evaluation.figures.all()
        if figure.value is not None or figure.stage is not None
    }
    missing += [indicator.name for indicator in task_row.indicators.all() if indicator.pk not in filled]
    if not evaluation.evidence.exists():
        missing.append(_("佐证材料"))
    return missing


@transaction.atomic
def return_self_evaluation(*, user, task_row: TaskRow, reason: str, request=None) -> SelfEvaluation:
    evaluation = SelfEvaluation.objects.select_for_update().filter(task_row=task_row).first()
    require(access.can_return_self_evaluation(user, evaluation), _("只有专班办公室可以退回已提交的自评。"))
    reason = (reason or "").strip()
    if not reason:
        raise EvaluationError(_("退回时必须填写原因。"))
    _refuse_long(reason, TEXT_LIMIT, _("退回原因"))
    if error := control_characters_message(reason, what=_("退回原因")):
        raise EvaluationError(error)
    evaluation.status = SelfEvaluation.Status.RETURNED
    evaluation.return_reason = reason
    evaluation._change_reason = _("专班办公室退回：%(reason)s") % {"reason": reason[:200]}
    evaluation.save()
    record(
        event="evaluation.self_evaluation_returned",
        request=request,
        user=user,
        obj=evaluation,
        detail={"reason": reason},
    )
    return evaluation


@transaction.atomic
def upload_evidence(*, user, task_row: TaskRow, upload, request=None) -> Evidence:
    """Attach one file to the row's open self-evaluation, after checking its size and real type."""
    require(access.can_edit_self_evaluation(user, task_row), _("只有牵头单位可以上传本行的佐证材料。"))
    evaluation = _open_self_evaluation(task_row, roles.unit_of(user))
    if not evaluation.is_open:
        raise EvaluationError(_("自评已提交申请认定，不能再上传材料。"))
    if evaluation.evidence.count() >= MAX_EVIDENCE_FILES:
        raise EvaluationError(_("每行最多上传%(count)s个文件。") % {"count": MAX_EVIDENCE_FILES})
    try:
        validate_evidence_file(upload)
    except ValidationError as exc:
        raise EvaluationError(" ".join(exc.messages)) from exc
    name = short_file_name(upload.name, Evidence._meta.get_field("original_name").max_length)
    evidence = Evidence(self_evaluation=evaluation, original_name=name, size=upload.size, uploaded_by=user)
    evidence.file.save(name, upload, save=False)
    try:  # should the row fail to save, the stored file must not stay behind
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    record(
        event="evaluation.evidence_uploaded",
        request=request,
        user=user,
        obj=evidence,
        detail={"task_row": task_row.pk, "size": evidence.size},
    )
    return evidence


@transaction.atomic
def delete_evidence(*, user, evidence: Evidence, request=None) -> None:
    evaluation = SelfEvaluation.objects.select_for_update().get(pk=evidence.self_evaluation_id)
    require(
        access.can_edit_self_evaluation(user, evaluation.task_row, evaluation),
        _("自评已提交或您不是牵头单位，不能删除材料。"),
    )
    name, storage_name = evidence.original_name, evidence.file.name
    record(
        event="evaluation.evidence_deleted", request=request, user=user, obj=evidence, detail={"name": name}
    )
    evidence.delete()
    storage = evidence.file.storage
    transaction.on_commit(lambda: storage.delete(storage_name))


@transaction.atomic
def certify(
    *,
    user,
    indicator: Indicator,
    figure: FigureText,
    qualified: bool,
    note: str = "",
    now=None,
    request=None,
) -> Certification:
    """The statistics bureau certifies (or re-certifies) an indicator's final figure."""
    require(access.can_certify(user), _("只有县统计局可以核验认定。"))
    clean, errors = parse_figures([figure])
    if errors:
        raise EvaluationError(errors[indicator.pk])
    value, stage = clean[indicator.pk]
    if value is None and stage is None:
        raise EvaluationError(_("请填写认定完成数。"))
    note = (note or "").strip()
    _refuse_long(note, TEXT_LIMIT, _("认定意见"))
    if not qualified and not note:
        raise EvaluationError(_("认定不合格时必须填写认定意见。"))
    certification = Certification.objects.select_for_update().filter(indicator=indicator).first()
    before = None
    if certification is None:
        certification = Certification(indicator=indicator)
    else:
        before = {
            "value": str(certification.value),
            "stage": certification.stage,
            "qualified": certification.qualified,
        }
    certification.value, certification.stage = value, stage
    certification.qualified = qualified
    certification.note = note
    certification.certified_by = user
    certification.certified_at = now or timezone.now()
    certification._change_reason = note or _("核验认定")
    certification.full_clean()
    certification.save()
    record(
        event="evaluation.indicator_certified",
        request=request,
        user=user,
        obj=certification,
        detail={
            "indicator": indicator.pk,
            "value": None if value is None else str(value),
            "stage": stage,
            "qualified": qualified,
            "note": note,
            "before": before,
        },
    )
    return certification


@transaction.atomic
def publish_notice(
    *,
    user,
    plan_year: PlanYear,
    title: str,
    intro: str,
    starts_on: date,
    ends_on: date,
    now=None,
    request=None,
) -> PublicNotice:
    """Open (or change the window of) the year's public notice."""
    require(access.can_manage_notice(user), _("只有专班办公室可以发布公示。"))
    notice = PublicNotice.objects.select_for_update().filter(plan_year=plan_year).first() or PublicNotice(
        plan_year=plan_year
    )
    notice.title = (title or "").strip()
    notice.intro = (intro or "").strip()
    _refuse_long(notice.title, NOTICE_TITLE_LIMIT, _("公示标题"))
    _refuse_long(notice.intro, TEXT_LIMIT, _("公示说明"))
    notice.starts_on, notice.ends_on = starts_on, ends_on
    notice.published_by = user
    notice.published_at = now or timezone.now()
    try:
        notice.full_clean()
    except ValidationError as exc:
        raise EvaluationError(" ".join(exc.messages)) from exc
    notice.save()
    record(
        event="evaluation.notice_published",
        request=request,
        user=user,
        obj=notice,
        detail={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
    )
    return notice


@transaction.atomic
def set_weights(*, user, plan_year: PlanYear, weights: dict[str, int], request=None) -> ScoreWeights:
    require(access.can_set_score_weights(user), _("只有专班办公室可以设置考核权重。"))
    current = ScoreWeights.objects.select_for_update().filter(plan_year=plan_year).first() or ScoreWeights(
        plan_year=plan_year
    )
    before = {name: getattr(current, name) for name in ScoreWeights.DEFAULTS} if current.pk else None
    for name in ScoreWeights.DEFAULTS:
        setattr(current, name, weights[name])
    current.updated_by = user
    try:
        current.full_clean()
    except ValidationError as exc:
        raise EvaluationError(" ".join(exc.messages)) from exc
    current.save()
    record(
        event="evaluation.score_weights_set",
        request=request,
        user=user,
        obj=current,
        detail={"before": before, "after": dict(weights)},
    )
    return current
