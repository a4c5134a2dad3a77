"""Rules a monthly figure must satisfy before it is saved.

Errors refuse the whole save; warnings (a figure far beyond its target) are
shown to the unit and flagged for the reviewer, but do not refuse it.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from core.numbers import NotANumber, read_decimal
from core.text import control_characters_message
from projects.models import Indicator

# A cumulative figure above this multiple of its target is flagged for review.
FAR_BEYOND_TARGET_FACTOR = Decimal("1.5")


@dataclass
class FigureInput:
    """What a unit typed for one indicator: raw text, not yet trusted."""

    indicator: Indicator
    raw_value: str = ""
    raw_stage: str = ""
    explanation: str = ""


@dataclass
class CleanFigure:
    indicator: Indicator
    value: Decimal | None
    stage: int | None
    explanation: str


# How long the free text of a row may be. Longer text is refused with a message, never cut short:
# the form, the import and the services all ask these.
EXPLANATION_LIMIT = 300  # 说明 of a figure (Figure.explanation)
TEXT_LIMIT = 2000  # 进展情况 and 存在问题 of a row
# Keys of ValidationResult.errors that are not an indicator's id: the row's own fields.
FUNDS_KEY, PROGRESS_KEY, PROBLEMS_KEY = 0, -1, -2


def text_error(text: str, limit: int, *, what: str = "") -> str | None:
    """What is wrong with a free-text field: a control character (core.text), or its length."""
    return control_characters_message(text, what=what) or too_long(text, limit, what=what)


def too_long(text: str, limit: int, *, what: str = "") -> str | None:
    """The message for text over `limit` characters (naming `what` if given), else None."""
    if len(text) <= limit:
        return None
    return _("%(what)s不能超过%(limit)s字。") % {"what": what, "limit": limit}


@dataclass
class ValidationResult:
    figures: list[CleanFigure] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)
    warnings: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_number(raw: str, indicator: Indicator) -> tuple[Decimal | None, str | None]:
    try:
        value = read_decimal(raw)
    except NotANumber:
        return None, _("“%(text)s”不是有效的数字。") % {"text": raw.strip()}
    if value is None:
        return None, None
    if value < 0:
        return None, _("不能为负数。")
    # The size check comes first: rounding a huge number raises InvalidOperation.
    if value >= Decimal("1e12"):
        return None, _("数值过大。")
    if value != round(value, indicator.decimal_places):
        if indicator.decimal_places == 0:
            return None, _("应为整数（单位：%(measure)s）。") % {"measure": indicator.measure}
        return None, _("最多保留%(places)s位小数。") % {"places": indicator.decimal_places}
    if indicator.measure == "%" and value > 100:
        return None, _("比率不能超过100%。")
    return value, None


def parse_stage(raw: str) -> tuple[int | None, str | None]:
    text = (raw or "").strip()
    if text == "":
        return None, None
    valid = {str(choice) for choice in Indicator.Stage.values}
    if text not in valid:
        return None, _("请选择有效的进展节点。")
    return int(text), None


def validate_figures(inputs: list[FigureInput], *, previous_values: dict[int, Decimal]) -> ValidationResult:
    """Check one unit's figures for one task row and month.

    previous_values maps indicator id to the same unit's figure of the month before.
    """
    result = ValidationResult()
    values: dict[int, Decimal | None] = {}
    for item in inputs:
        indicator = item.indicator
        explanation = (item.explanation or "").strip()
        if error := text_error(explanation, EXPLANATION_LIMIT, what=_("说明")):
            result.errors[indicator.pk] = error
            continue
        if indicator.kind == Indicator.Kind.MILESTONE:
            stage, error = parse_stage(item.raw_stage)
            if error:
                result.errors[indicator.pk] = error
                continue
            result.figures.append(CleanFigure(indicator, None, stage, explanation))
            continue
        value, error = parse_number(item.raw_value, indicator)
        if error:
            result.errors[indicator.pk] = error
            continue
        values[indicator.pk] = value
        previous = previous_values.get(indicator.pk)
        if (
            value is not None
            and previous is not None
            and indicator.is_additive
            and value < previous
            and not explanation
        ):
            result.errors[indicator.pk] = _("累计数低于上月的%(previous)s，请在“说明”中写明原因。") % {
                "previous": indicator.format_number(previous)
            }
            continue
        if (
            value is not None
            and indicator.is_additive
            and indicator.target_value
            and value > indicator.target_value * FAR_BEYOND_TARGET_FACTOR
        ):
            result.warnings[indicator.pk] = _("远超目标值%(target)s，请核实。") % {
                "target": indicator.target_display
            }
        result.figures.append(CleanFigure(indicator, value, None, explanation))
    for item in inputs:
        indicator = item.indicator
        if indicator.kind != Indicator.Kind.SUBSET or indicator.pk in result.errors:
            continue
        value, parent_value = values.get(indicator.pk), values.get(indicator.parent_id)
        if value is not None and parent_value is not None and value > parent_value:
            result.errors[indicator.pk] = _("“其中”数%(value)s不能大于“%(parent)s”的%(parent_value)s。") % {
                "value": indicator.format_number(value),
                "parent": indicator.parent.name,
                "parent_value": indicator.format_number(parent_value),
            }
    return result
