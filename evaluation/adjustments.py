"""Target adjustments (指标调整): a lead unit files one before the year's deadline, the office
reviews it, and the county government's decision is recorded; approved, it changes the target
in force from its effective month on (`projects.targets`), never earlier months' reports.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from audit.services import record
from core.errors import Refused
from core.permissions import require
from projects import participation
from projects.models import Indicator, PlanYear, TargetAdjustment, TargetAdjustmentLine, Unit
from projects.targets import adjustment_lines, targets_for_month
from reporting import access

MAX_TARGET = Decimal("1e10")  # what the 14-digit, 4-place target columns can hold
TEXT_LIMIT = 2000
DECISION_FIELD_LIMIT = 100  # TargetAdjustment.decision_by and document_number


class AdjustmentError(Refused):
    """A refused adjustment request or decision; one problem a line."""


# --- reading targets ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposedLine:
    """A new target as the lead unit proposes it: for the indicator, or for one unit's share."""

    indicator: Indicator
    new_target: Decimal
    unit: Unit | None = None


def _number(indicator: Indicator, value) -> str:
    return indicator.format_number(value) + indicator.measure


def adjustment_errors(
    *,
    unit: Unit,
    plan_year: PlanYear,
    effective_month: int,
    lines: list[ProposedLine],
    exclude: TargetAdjustment | None = None,
) -> list[str]:
    """Everything wrong with a proposed adjustment under the rule of TargetAdjustment; empty when fine.

    `exclude` is the adjustment itself when it is checked again on approval.
    """
    if not 1 <= effective_month <= 12:
        return [_("生效月份应为1至12。")]
    targets_line = [line for line in lines if line.unit is None]
    shares = [line for line in lines if line.unit is not None]
    if not lines:
        return [_("请至少填写一项调整后的目标或单位分配。")]
    errors: list[str] = []
    for line in lines:
        indicator = line.indicator
        if indicator.task_row.project.tier.plan_year_id != plan_year.pk:
            errors.append(
                _("“%(name)s”不属于%(year)s年度方案。") % {"name": indicator, "year": plan_year.year}
            )
        elif not participation.leads_row(unit, indicator.task_row):
            errors.append(_("“%(name)s”不是本单位牵头的指标，不能申请调整。") % {"name": indicator})
        elif not indicator.is_additive:
            errors.append(_("“%(name)s”不是累计数量类指标，不能调整分配。") % {"name": indicator})
        value = line.new_target
        if value is None or not value.is_finite() or value < 0 or value >= MAX_TARGET:
            errors.append(_("“%(name)s”的调整后目标无效。") % {"name": indicator})
        elif value != round(value, indicator.decimal_places):
            errors.append(
                _("“%(name)s”最多保留%(places)s位小数。")
                % {"name": indicator, "places": indicator.decimal_places}
            )
    if errors:
        return errors
    targets = targets_for_month(plan_year=plan_year, month=effective_month)
    errors += _later_adjustments(lines, effective_month, exclude)
    errors += _open_adjustments(lines, exclude)
    new_targets = {line.indicator.pk: line.new_target for line in targets_line}
    if len(new_targets) != len(targets_line):
        errors.append(_("同一指标只能填写一个调整后目标。"))
    if targets_line:
        errors += _redistribution_errors(targets_line, targets)
    if shares:
        errors += _share_errors(shares, targets, new_targets)
    errors += _subset_errors(targets_line, targets, new_targets)
    return errors


def _later_adjustments(lines, effective_month, exclude) -> list[str]:
    later = (
        TargetAdjustmentLine.objects.filter(
            indicator__in=[line.indicator for line in lines],
            unit__isnull=True,
            adjustment__status=TargetAdjustment.Status.APPROVED,
            adjustment__effective_month__gt=effective_month,
        )
        .exclude(adjustment=exclude)
        .select_related("indicator", "adjustment")
    )
    return [
        _("“%(name)s”已有自%(month)s月起生效的调整，新的调整不能早于该月生效。")
        % {"name": line.indicator, "month": line.adjustment.effective_month}
        for line in later
    ]


def _open_adjustments(lines, exclude) -> list[str]:
    pending = (
        TargetAdjustmentLine.objects.filter(
            indicator__in=[line.indicator for line in lines],
            adjustment__status__in=[TargetAdjustment.Status.SUBMITTED, TargetAdjustment.Status.REVIEWED],
        )
        .exclude(adjustment=exclude)
        .select_related("indicator")
        .distinct()
    )
    names = sorted({line.indicator.name for line in pending})
    if not names:
        return []
    return [
        _("以下指标已有尚未审批完毕的调整申请，请待其审批后再提出：%(names)s") % {"names": "、".join(names)}
    ]


def _redistribution_errors(targets_line: list[ProposedLine], targets: dict) -> list[str]:
    errors = []
    indicators = [line.indicator for line in targets_line]
    for indicator in indicators:
        if indicator.kind != Indicator.Kind.QUANTITY:
            errors.append(_("“%(name)s”是“其中数”，不参与指标之间的调整分配。") % {"name": indicator})
        elif targets.get(indicator.pk) is None:
            errors.append(_("“%(name)s”的目标尚未下达，不能调整。") % {"name": indicator})
    if errors:
        return errors
    if len({indicator.task_row.project_id for indicator in indicators}) > 1:
        errors.append(_("指标之间的调整分配只能在同一实事项目内进行。"))
    if len({indicator.measure for indicator in indicators}) > 1:
        errors.append(_("参与调整分配的指标计量单位必须相同。"))
    for line in targets_line:
        if line.new_target == targets[line.indicator.pk]:
            errors.append(_("“%(name)s”调整后的目标与原目标相同。") % {"name": line.indicator})
    if errors:
        return errors
    before = sum((targets[indicator.pk] for indicator in indicators), Decimal(0))
    after = sum((line.new_target for line in targets_line), Decimal(0))
    if before != after:
        sample = indicators[0]
        errors.append(
            _("调整后各指标目标合计%(after)s，与调整前合计%(before)s不一致。总的指标任务必须保持不变。")
            % {"after": _number(sample, after), "before": _number(sample, before)}
        )
    return errors


def _share_errors(shares: list[ProposedLine], targets: dict, new_targets: dict) -> list[str]:
    errors = []
    by_indicator: dict[Indicator, list[ProposedLine]] = {}
    for line in shares:
        by_indicator.setdefault(line.indicator, []).append(line)
    for indicator, lines in by_indicator.items():
        units = [line.unit.pk for line in lines]
        if len(set(units)) != len(units):
            errors.append(_("“%(name)s”同一单位只能填写一个分配数。") % {"name": indicator})
            continue
        outsiders = [
            line.unit.name
            for line in lines
            if not participation.unit_takes_part(line.unit, indicator.task_row)
        ]
        if outsiders:
            errors.append(
                _("%(units)s不承担“%(name)s”所在的任务，不能分配。")
                % {"units": "、".join(outsiders), "name": indicator}
            )
            continue
        total = new_targets.get(indicator.pk, targets.get(indicator.pk))
        if total is None:
            errors.append(_("“%(name)s”的目标尚未下达，不能分配到单位。") % {"name": indicator})
            continue
        shared = sum((line.new_target for line in lines), Decimal(0))
        if shared != total:
            errors.append(
                _("“%(name)s”各单位分配合计%(shared)s，与该指标目标%(total)s不一致。")
                % {
                    "name": indicator,
                    "shared": _number(indicator, shared),
                    "total": _number(indicator, total),
                }
            )
    return errors


def _subset_errors(targets_line: list[ProposedLine], targets: dict, new_targets: dict) -> list[str]:
    changed = {line.indicator.pk for line in targets_line}
    if not changed:
        return []
    errors = []
    subsets = Indicator.objects.filter(parent_id__in=changed).select_related("parent")
    for subset in subsets:
        limit = new_targets[subset.parent_id]
        own = targets.get(subset.pk)
        if own is not None and own > limit:
            errors.append(
                _("“%(name)s”的目标%(own)s将大于“%(parent)s”调整后的目标%(limit)s。")
                % {
                    "name": subset,
                    "own": _number(subset, own),
                    "parent": subset.parent,
                    "limit": _number(subset, limit),
                }
            )
    return errors


# --- filing, review and decision ----------------------------------------------------------------


def filing_closed_message(plan_year: PlanYear) -> str:
    return _(
        "已超过%(year)s年度指标调整申请截止日（%(deadline)s），不能再提出调整申请。"
        "确需调整的，请与专班办公室（县人社局）联系。"
    ) % {"year": plan_year.year, "deadline": f"{plan_year.adjustment_deadline:%Y年%m月%d日}"}


def filing_is_open(plan_year: PlanYear, *, today: date) -> bool:
    """Requests may be filed up to and including the deadline day."""
    return today <= plan_year.adjustment_deadline


def earliest_effective_month(plan_year: PlanYear, *, today: date) -> int:
    """No adjustment reaches back into months already reported: the month of filing at the earliest."""
    if today.year < plan_year.year:
        return 1
    if today.year > plan_year.year:
        return 12
    return today.month


def _clean_text(value: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise AdjustmentError(_("请填写%(label)s。") % {"label": label})
    if len(text) > TEXT_LIMIT:
        raise AdjustmentError(_("%(label)s不能超过%(limit)s字。") % {"label": label, "limit": TEXT_LIMIT})
    return text


@transaction.atomic
def file_adjustment(
    *,
    user,
    plan_year: PlanYear,
    reason: str,
    force_majeure: str,
    effective_month: int,
    lines: list[ProposedLine],
    now=None,
    request=None,
) -> TargetAdjustment:
    """File a lead unit's written request; refused after the year's deadline or when it breaks the rule."""
    now = now or timezone.now()
    unit = roles.unit_of(user)
    require(unit is not None, _("只有牵头单位联络员可以提出指标调整申请。"))
    # Lock the year row: two requests of the same moment are checked one after the other.
    plan_year = PlanYear.objects.select_for_update().get(pk=plan_year.pk)
    today = timezone.localdate(now)
    if not filing_is_open(plan_year, today=today):
        raise AdjustmentError(filing_closed_message(plan_year))
    for line in lines:
        require(
            access.can_file_adjustment(user, line.indicator.task_row),
            _("只能对本单位牵头的指标提出调整申请。"),
        )
    reason = _clean_text(reason, _("调整理由"))
    force_majeure = _clean_text(force_majeure, _("不可抗力等因素说明"))
    earliest = earliest_effective_month(plan_year, today=today)
    if effective_month < earliest:
        raise AdjustmentError(
            _("生效月份不能早于%(month)s月：已报送月份的目标不再改变。") % {"month": earliest}
        )
    errors = adjustment_errors(unit=unit, plan_year=plan_year, effective_month=effective_month, lines=lines)
    if errors:
        raise AdjustmentError("\n".join(errors))
    adjustment = TargetAdjustment(
        plan_year=plan_year,
        unit=unit,
        reason=reason,
        force_majeure=force_majeure,
        effective_month=effective_month,
        filed_by=user,
        filed_at=now,
    )
    adjustment.full_clean()
    adjustment.save()
    targets = targets_for_month(plan_year=plan_year, month=effective_month)
    TargetAdjustmentLine.objects.bulk_create(
        [
            TargetAdjustmentLine(
                adjustment=adjustment,
                indicator=line.indicator,
                unit=line.unit,
                previous_target=targets[line.indicator.pk] if line.unit is None else None,
                new_target=line.new_target,
            )
            for line in lines
        ]
    )
    record(
        event="target_adjustment.filed",
        request=request,
        user=user,
        obj=adjustment,
        detail={
            "effective_month": effective_month,
            "lines": [
                {
                    "indicator": line.indicator.pk,
                    "unit": line.unit.pk if line.unit else None,
                    "new_target": str(line.new_target),
                }
                for line in lines
            ],
        },
    )
    return adjustment


def _locked(adjustment_id: int) -> TargetAdjustment:
    return (
        TargetAdjustment.objects.select_for_update().select_related("plan_year", "unit").get(pk=adjustment_id)
    )


@transaction.atomic
def review_adjustment(
    *, user, adjustment_id: int, passed: bool, opinion: str, now=None, request=None
) -> TargetAdjustment:
    """The office's review: pass the request on to the county government, or turn it down with reasons."""
    adjustment = _locked(adjustment_id)
    require(access.can_review_adjustment(user, adjustment), _("只有专班办公室可以审核待审核的调整申请。"))
    opinion = (opinion or "").strip()
    if not passed and not opinion:
        raise AdjustmentError(_("不同意时必须填写审核意见。"))
    if len(opinion) > TEXT_LIMIT:
        raise AdjustmentError(_("审核意见不能超过%(limit)s字。") % {"limit": TEXT_LIMIT})
    adjustment.status = TargetAdjustment.Status.REVIEWED if passed else TargetAdjustment.Status.REJECTED
    adjustment.reviewed_by = user
    adjustment.reviewed_at = now or timezone.now()
    adjustment.review_opinion = opinion
    adjustment._change_reason = _("专班办公室审核")
    adjustment.full_clean()
    adjustment.save()
    record(
        event="target_adjustment.reviewed",
        request=request,
        user=user,
        obj=adjustment,
        detail={"passed": passed, "opinion": opinion},
    )
    return adjustment


@transaction.atomic
def record_decision(
    *,
    user,
    adjustment_id: int,
    approved: bool,
    decided_on: date,
    decision_by: str,
    document_number: str,
    note: str = "",
    now=None,
    request=None,
) -> TargetAdjustment:
    """Record the county government's decision on a reviewed request; approving re-checks the total."""
    adjustment = _locked(adjustment_id)
    require(
        access.can_record_adjustment_decision(user, adjustment),
        _("只有专班办公室可以录入县人民政府对已审核申请的审批结果。"),
    )
    decision_by = (decision_by or "").strip()
    document_number = (document_number or "").strip()
    if not decision_by or not document_number or decided_on is None:
        raise AdjustmentError(_("请填写审批机关、审批日期和文号。"))
    if decided_on < timezone.localdate(adjustment.filed_at):
        raise AdjustmentError(_("审批日期不能早于申请日期。"))
    if approved:
        lines = adjustment_lines(adjustment)
        proposed = [ProposedLine(line.indicator, line.new_target, line.unit) for line in lines]
        errors = adjustment_errors(
            unit=adjustment.unit,
            plan_year=adjustment.plan_year,
            effective_month=adjustment.effective_month,
            lines=proposed,
            exclude=adjustment,
        )
        targets = targets_for_month(plan_year=adjustment.plan_year, month=adjustment.effective_month)
        if any(line.unit_id is None and targets[line.indicator_id] != line.previous_target for line in lines):
            errors.append(_("申请后原目标已发生变化，请退回并重新提出申请。"))
        if errors:
            raise AdjustmentError("\n".join(errors))
    adjustment.status = TargetAdjustment.Status.APPROVED if approved else TargetAdjustment.Status.REJECTED
    adjustment.decided_on = decided_on
    note = (note or "").strip()
    for text, limit, label in (
        (decision_by, DECISION_FIELD_LIMIT, _("审批机关")),
        (document_number, DECISION_FIELD_LIMIT, _("文号")),
        (note, TEXT_LIMIT, _("审批意见")),
    ):
        if len(text) > limit:
            raise AdjustmentError(_("%(label)s不能超过%(limit)s字。") % {"label": label, "limit": limit})
    adjustment.decision_by = decision_by
    adjustment.document_number = document_number
    adjustment.decision_note = note
    adjustment.recorded_by = user
    adjustment.recorded_at = now or timezone.now()
    adjustment._change_reason = _("录入县人民政府审批结果：%(number)s") % {"number": document_number}
    adjustment.full_clean()
    adjustment.save()
    record(
        event="target_adjustment.decided",
        request=request,
        user=user,
        obj=adjustment,
        detail={
            "approved": approved,
            "decided_on": decided_on.isoformat(),
            "decision_by": adjustment.decision_by,
            "document_number": adjustment.document_number,
        },
    )
    return adjustment
