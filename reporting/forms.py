"""Reading the monthly sheet from a POST, and small forms of the review pages."""

from django import forms
from django.utils.translation import gettext_lazy

from core.text import RefusesControlCharacters
from reporting.selectors import EntryRow
from reporting.workflow import review
from reporting.workflow.data_entry import SheetEntry
from reporting.workflow.errors import LockedError
from reporting.workflow.validation import FigureInput


def field_name(row_id: int, name: str, indicator_id: int | None = None) -> str:
    if indicator_id is None:
        return f"r{row_id}-{name}"
    return f"r{row_id}-i{indicator_id}-{name}"


def _version(raw: str) -> int:
    try:
        return max(int(raw), 0)
    except (TypeError, ValueError):
        return -1  # never matches a real version, so the save is refused as a conflict


def read_sheet(sheet: list[EntryRow], data) -> list[SheetEntry]:
    """Only rows of the unit's own sheet that are still open are read; other ids in the POST are ignored."""
    entries = []
    for row in sheet:
        row_id = row.task_row.pk
        if field_name(row_id, "version") not in data:
            continue
        if not row.is_open:
            # Locked since the page was loaded: refuse rather than drop the typed figures silently.
            raise LockedError(review.locked_row_message(row.submission))
        inputs = [
            FigureInput(
                indicator=indicator,
                raw_value=data.get(field_name(row_id, "value", indicator.pk), ""),
                raw_stage=data.get(field_name(row_id, "stage", indicator.pk), ""),
                explanation=data.get(field_name(row_id, "explanation", indicator.pk), ""),
            )
            for indicator in row.indicators
        ]
        entries.append(
            SheetEntry(
                task_row=row.task_row,
                expected_version=_version(data.get(field_name(row_id, "version"))),
                inputs=inputs,
                funds=data.get(field_name(row_id, "funds"), ""),
                progress=data.get(field_name(row_id, "progress"), ""),
                problems=data.get(field_name(row_id, "problems"), ""),
            )
        )
    return entries


def read_no_data(data, row_id: int) -> dict[int, str]:
    """The lead unit's 本月无数据 choices for a row: unit id → reason, for the units ticked.

    Each ticked unit takes its own reason, or else the reason written for the row.
    """
    prefix = field_name(row_id, "nodata-")
    common = data.get(field_name(row_id, "nodata-reason"), "").strip()
    reasons = {}
    for key in data:
        unit_id = key.removeprefix(prefix)
        if key.startswith(prefix) and unit_id.isdigit():
            own = data.get(field_name(row_id, f"nodata-reason-{unit_id}"), "").strip()
            reasons[int(unit_id)] = own or common
    return reasons


class ChineseLabels:
    """Labels end in a full-width colon ("退回原因："): Form.__init__ would put back its ASCII one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)


class ReasonForm(ChineseLabels, RefusesControlCharacters, forms.Form):
    """The reason of a return, a reopening or a 补报; `label` names it ("退回原因")."""

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label

    reason = forms.CharField(
        label=gettext_lazy("原因"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy("请填写原因。"),
            "max_length": gettext_lazy("原因不能超过%(limit_value)s字。"),
        },
    )


class ForwardForm(ChineseLabels, RefusesControlCharacters, forms.Form):
    """The office's confirmation of what goes upstream, and its choice for the rows not ready."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
    close_not_ready = forms.BooleanField(
        label=gettext_lazy("未就绪的行按未报送处理（截止未报，之后只能补报）"), required=False
    )
    reason = forms.CharField(
        label=gettext_lazy("原因"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": gettext_lazy("如：按时未报单位按未报送处理")}),
    )
