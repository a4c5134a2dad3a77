"""Forms of the adjustment and evaluation pages, and reading the per-indicator fields they post."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.text import RefusesControlCharacters
from evaluation.adjustments import ProposedLine
from evaluation.models import MAX_EVIDENCE_BYTES, ScoreWeights
from evaluation.services import TEXT_LIMIT, FigureText
from projects.models import Indicator
from reporting.workflow.validation import parse_number

MONTH_CHOICES = [(month, _("%(month)s月") % {"month": month}) for month in range(1, 13)]
YES_NO = [("1", _("完成")), ("0", _("未完成"))]


def _text(label, *, required=True, rows=4):
    return forms.CharField(
        label=label,
        max_length=TEXT_LIMIT,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class AdjustmentRequestForm(RefusesControlCharacters, forms.Form):
    reason = _text(_("调整理由"))
    force_majeure = _text(_("不可抗力等因素说明"))
    effective_month = forms.TypedChoiceField(label=_("自何月起生效"), choices=MONTH_CHOICES, coerce=int)


def target_field(indicator: Indicator) -> str:
    return f"t-{indicator.pk}"


def share_field(indicator: Indicator, unit) -> str:
    return f"s-{indicator.pk}-{unit.pk}"


def read_adjustment_lines(
    data, choices: list[tuple[Indicator, list]]
) -> tuple[list[ProposedLine], list[str]]:
    """The new targets and unit shares posted for the unit's own indicators; blank means unchanged."""
    lines, errors = [], []
    for indicator, units in choices:
        fields = [(target_field(indicator), None)] + [(share_field(indicator, unit), unit) for unit in units]
        for name, unit in fields:
            raw = (data.get(name) or "").strip()
            if not raw:
                continue
            value, error = parse_number(raw, indicator)
            if error:
                label = f"{indicator.name} · {unit.name}" if unit else indicator.name
                errors.append(f"{label}：{error}")
                continue
            lines.append(ProposedLine(indicator=indicator, new_target=value, unit=unit))
    return lines, errors


class ReviewForm(RefusesControlCharacters, forms.Form):
    passed = forms.TypedChoiceField(
        label=_("审核意见"),
        choices=[("1", _("同意，报县人民政府审批")), ("0", _("不同意"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    opinion = _text(_("审核意见说明"), required=False, rows=3)


class DecisionForm(RefusesControlCharacters, forms.Form):
    approved = forms.TypedChoiceField(
        label=_("县人民政府审批结果"),
        choices=[("1", _("批准")), ("0", _("不批准"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    decision_by = forms.CharField(label=_("审批机关"), max_length=100, initial=_("县人民政府"))
    decided_on = forms.DateField(label=_("审批日期"), widget=forms.DateInput(attrs={"type": "date"}))
    document_number = forms.CharField(label=_("文号"), max_length=100)
    note = _text(_("审批意见"), required=False, rows=3)


class SelfEvaluationForm(RefusesControlCharacters, forms.Form):
    completed = forms.ChoiceField(
        label=_("自评结论"), choices=YES_NO, required=False, widget=forms.RadioSelect
    )
    account = _text(_("自评情况说明"), required=False, rows=6)

    def completed_value(self) -> bool | None:
        value = self.cleaned_data.get("completed")
        return None if value in (None, "") else value == "1"


def figure_field(indicator: Indicator, part: str) -> str:
    return f"f-{indicator.pk}-{part}"


def read_figures(data, indicators) -> list[FigureText]:
    return [
        FigureText(
            indicator=indicator,
            raw_value=data.get(figure_field(indicator, "value"), ""),
            raw_stage=data.get(figure_field(indicator, "stage"), ""),
        )
        for indicator in indicators
    ]


class EvidenceForm(RefusesControlCharacters, forms.Form):
    file = forms.FileField(
        label=_("佐证材料"),
        help_text=_("PDF、图片（JPG、PNG）、Word或Excel文件，每个不超过%(size)sMB。")
        % {"size": MAX_EVIDENCE_BYTES // (1024 * 1024)},
        error_messages={"required": _("请选择要上传的文件。")},
    )


class ReasonForm(RefusesControlCharacters, forms.Form):
    reason = _text(_("退回原因"), rows=3)


class CertificationForm(RefusesControlCharacters, forms.Form):
    value = forms.CharField(label=_("认定完成数"), required=False, max_length=30)
    stage = forms.ChoiceField(
        label=_("认定节点"),
        required=False,
        choices=[("", "—"), *[(str(value), label) for value, label in Indicator.Stage.choices]],
    )
    qualified = forms.TypedChoiceField(
        label=_("评估认定"),
        choices=[("1", _("合格")), ("0", _("不合格"))],
        coerce=lambda value: value == "1",
        initial="1",
    )
    note = _text(_("认定意见"), required=False, rows=2)


class NoticeForm(RefusesControlCharacters, forms.Form):
    title = forms.CharField(label=_("公示标题"), max_length=200)
    intro = _text(_("公示说明"), required=False, rows=3)
    starts_on = forms.DateField(label=_("公示开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("公示结束日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", gettext("结束日期不能早于开始日期。"))
        return cleaned


def _weight(label):
    return forms.IntegerField(label=label, min_value=0, max_value=100)


class WeightsForm(RefusesControlCharacters, forms.Form):
    completion_weight = _weight(_("任务完成率权重（%）"))
    timeliness_weight = _weight(_("按时报送率权重（%）"))
    quality_weight = _weight(_("报送质量权重（%）"))
    certification_weight = _weight(_("认定通过率权重（%）"))

    def clean(self):
        cleaned = super().clean()
        values = [cleaned.get(name) for name in ScoreWeights.DEFAULTS]
        if all(value is not None for value in values) and sum(values) != 100:
            raise forms.ValidationError(
                gettext("四项权重之和必须为100，当前为%(total)s。") % {"total": sum(values)}
            )
        return cleaned
