"""How a submission stands against its month's deadline: the states every page, export and reminder names.

A row's state comes from its Submission (`first_submitted_at`, and `on_time`, judged once at the first
real submission against the working-day deadline), never typed. A lead unit's month on the
timeliness board adds two states of its own: sent back by a reviewer, and not due yet.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", _("按时")
    LATE = "late", _("逾期")
    RETURNED = "returned", _("被退回")
    MISSING = "missing", _("未报送")
    NOT_DUE = "not_due", _("未到截止日")
    SUBMITTED = "submitted", _("已提交")  # submitted before timeliness was recorded


# The states of a lead unit's month on the timeliness board, in the order of its legend.
UNIT_MONTH_STATES = (
    Timeliness.ON_TIME,
    Timeliness.LATE,
    Timeliness.RETURNED,
    Timeliness.MISSING,
    Timeliness.NOT_DUE,
)


def row_timeliness(*, first_submitted_at, on_time) -> Timeliness:
    """One task row's submission: missing, submitted (before timeliness was recorded), on time or late."""
    if first_submitted_at is None:
        return Timeliness.MISSING
    if on_time is None:
        return Timeliness.SUBMITTED
    return Timeliness.ON_TIME if on_time else Timeliness.LATE
