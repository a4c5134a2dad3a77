"""The one form a person is checked with, whether typed on a phone or read from an Excel row."""

import re
from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.id_numbers import is_male, validate_id_number
from beneficiaries.models import Beneficiary, DoubleCountingPair
from core.text import RefusesControlCharacters
from projects.models import Indicator, Unit

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
PHONE_RE = re.compile(r"^[0-9][0-9-]{6,19}$")
GENDER_WORDS = {"男": Beneficiary.Gender.MALE, "女": Beneficiary.Gender.FEMALE}


def _validate_phone(value: str) -> None:
    if value and not PHONE_RE.match(value):
        raise ValidationError(_("联系电话只能包含数字和“-”，7至20位。"))


class BeneficiaryForm(RefusesControlCharacters, forms.Form):
    """One person. Indicators and townships are passed in, so checking a thousand rows costs no query."""

    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    id_number = forms.CharField(
        label=gettext_lazy("身份证号"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "maxlength": "18"}),
    )
    gender = forms.ChoiceField(
        label=gettext_lazy("性别"),
        required=False,
        choices=[("", gettext_lazy("按身份证号识别")), *Beneficiary.Gender.choices],
    )
    phone = forms.CharField(
        label=gettext_lazy("联系电话"),
        required=False,
        max_length=20,
        validators=[_validate_phone],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    township = forms.TypedChoiceField(label=gettext_lazy("乡镇（街道）"), coerce=int)
    village = forms.CharField(label=gettext_lazy("村（社区）"), max_length=50)
    benefit_type = forms.CharField(
        label=gettext_lazy("受益类型"),
        max_length=50,
        help_text=gettext_lazy("如：居家适老化改造、护理补贴。"),
    )
    amount = forms.DecimalField(
        label=gettext_lazy("金额或数量"),
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    benefit_date = forms.DateField(
        label=gettext_lazy("受益日期"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    indicator = forms.TypedChoiceField(label=gettext_lazy("计入指标"), coerce=int)

    def __init__(
        self,
        *args,
        indicators: list[Indicator],
        townships: list[Unit],
        current: Beneficiary | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.current = current
        self._indicators = {item.pk: item for item in indicators}
        self._townships = {unit.pk: unit for unit in townships}
        if current is not None and current.township_id not in self._townships:
            # A township since made inactive still shows for the people entered under it.
            self._townships[current.township_id] = current.township
        self.fields["indicator"].choices = [(item.pk, item.name) for item in indicators]
        self.fields["township"].choices = [("", "—")] + [
            (unit.pk, unit.name) for unit in self._townships.values()
        ]
        if current is not None:
            # The full number is never put back into the page; left blank, it stays as it is.
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _("当前：%(masked)s。不修改请留空。") % {
                "masked": current.id_number_masked
            }
        if len(indicators) == 1:
            self.fields["indicator"].initial = indicators[0].pk

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"]
        if not value and self.current is not None:
            return ""
        return validate_id_number(value)

    def clean_township(self) -> Unit:
        try:
            return self._townships[self.cleaned_data["township"]]
        except KeyError:
            raise ValidationError(_("请选择乡镇或街道。")) from None

    def clean_indicator(self) -> Indicator:
        try:
            return self._indicators[self.cleaned_data["indicator"]]
        except KeyError:
            raise ValidationError(_("请选择本项任务的累计数量类指标。")) from None

    def clean_benefit_date(self) -> date:
        value = self.cleaned_data["benefit_date"]
        if value > timezone.localdate():
            raise ValidationError(_("受益日期不能晚于今天。"))
        return value

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("id_number") or (self.current.id_number if self.current else "")
        if number and "id_number" not in self.errors:
            derived = Beneficiary.Gender.MALE if is_male(number) else Beneficiary.Gender.FEMALE
            chosen = cleaned.get("gender")
            if chosen and chosen != derived:
                self.add_error("gender", _("性别与身份证号不符（第17位奇数为男性、偶数为女性），请核对。"))
            else:
                cleaned["gender"] = derived
        return cleaned


def spreadsheet_value(value) -> str:
    """A cell as the form expects it: dates as ISO text, whole numbers without “.0”."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class RemovalForm(RefusesControlCharacters, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("移除原因"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：重复录入、不符合条件")}),
    )


class UploadForm(RefusesControlCharacters, forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel文件（.xlsx）"))


class PairForm(RefusesControlCharacters, forms.Form):
    indicator_a = forms.ModelChoiceField(label=gettext_lazy("指标一"), queryset=Indicator.objects.none())
    indicator_b = forms.ModelChoiceField(label=gettext_lazy("指标二"), queryset=Indicator.objects.none())
    note = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)

    def __init__(self, *args, plan_year, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Indicator.objects.filter(
            task_row__project__tier__plan_year=plan_year, kind__in=["quantity", "subset"]
        ).select_related("task_row__project__tier")
        for name in ("indicator_a", "indicator_b"):
            self.fields[name].queryset = queryset
            self.fields[name].label_from_instance = lambda item: f"{item.task_row} · {item.name}"

    def clean(self):
        cleaned = super().clean()
        a, b = cleaned.get("indicator_a"), cleaned.get("indicator_b")
        if a and b:
            if a == b:
                raise ValidationError(_("请选择两个不同的指标；同一指标内的重复会自动提示。"))
            a, b = sorted((a, b), key=lambda item: item.pk)
            cleaned["indicator_a"], cleaned["indicator_b"] = a, b
            if DoubleCountingPair.objects.filter(indicator_a=a, indicator_b=b).exists():
                raise ValidationError(_("这两个指标已标记为重复计算指标对。"))
        return cleaned
