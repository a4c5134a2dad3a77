"""The filters of the exports page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Person, PlanYear, Tier, Unit
from reporting.exports.monthly import MonthlyFilter

MONTH_CHOICES = [(month, _("%(month)s月") % {"month": month}) for month in range(1, 13)]


def year_choices() -> list[tuple[int, str]]:
    return [
        (year, _("%(year)s年") % {"year": year})
        for year in PlanYear.objects.order_by("-year").values_list("year", flat=True)
    ]


class MonthlyReportForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    month = forms.TypedChoiceField(label=_("月份"), coerce=int, choices=MONTH_CHOICES)
    tier = forms.ChoiceField(
        label=_("层级"), required=False, choices=[("", _("全部层级")), *Tier.Kind.choices]
    )
    lead_unit = forms.ModelChoiceField(
        label=_("牵头单位"), required=False, empty_label=_("全部单位"), queryset=Unit.objects.none()
    )
    leader = forms.ModelChoiceField(
        label=_("牵头领导"), required=False, empty_label=_("全部领导"), queryset=Person.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()
        self.fields["lead_unit"].queryset = (
            Unit.objects.filter(led_task_rows__isnull=False).distinct().order_by("kind", "name")
        )
        self.fields["leader"].queryset = (
            Person.objects.filter(led_task_rows__isnull=False).distinct().order_by("name")
        )

    def filters(self) -> MonthlyFilter:
        data = self.cleaned_data
        return MonthlyFilter(
            plan_year=PlanYear.objects.get(year=data["year"]),
            month=data["month"],
            tier_kind=data["tier"],
            lead_unit=data["lead_unit"],
            leader=data["leader"],
        )


class MatrixForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()
