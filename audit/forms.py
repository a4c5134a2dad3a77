from datetime import date

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditEvent
from audit.selectors import AuditFilter, event_label, known_events, known_units

# What a filter date may be: 9999-12-31 plus a day, or 0001-01-01 in UTC, overflows a datetime.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


class AuditFilterForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("用户名"), required=False, max_length=150)
    unit = forms.ChoiceField(label=gettext_lazy("单位"), required=False)
    event = forms.ChoiceField(label=gettext_lazy("事件"), required=False)
    outcome = forms.ChoiceField(
        label=gettext_lazy("结果"),
        required=False,
        choices=[("", gettext_lazy("全部")), *AuditEvent.Outcome.choices],
    )
    date_from = forms.DateField(
        label=gettext_lazy("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("全部单位"))] + [(unit, unit) for unit in known_units()]
        self.fields["event"].choices = [("", _("全部事件"))] + [
            (event, f"{event_label(event)}（{event}）") for event in known_events()
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return cleaned

    def _in_range(self, name: str) -> date | None:
        day = self.cleaned_data.get(name)
        if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
            raise forms.ValidationError(
                _("日期须在%(start)s至%(end)s之间。") % {"start": EARLIEST_DATE, "end": LATEST_DATE}
            )
        return day

    def clean_date_from(self):
        return self._in_range("date_from")

    def clean_date_to(self):
        return self._in_range("date_to")

    def filters(self) -> AuditFilter:
        data = self.cleaned_data
        return AuditFilter(
            username=data["username"].strip(),
            unit=data["unit"],
            event=data["event"],
            outcome=data["outcome"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
