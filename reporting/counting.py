"""Which figures count: the one rule every total, rate, status, ranking, score, export and API asks.

A figure counts for the outputs once the statistics bureau has verified it: its submission is
verified (已核验) or forwarded upstream (已报送). Drafts, submitted, returned and approved-only
figures, and rows closed unreported, count nowhere; a working view that shows them keeps them
apart as "待审核" and never inside a total. Every output states this basis in its heading
(`basis_heading`).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.models import Submission

Status = Submission.Status

# The statuses whose figures count.
COUNTED = (Status.VERIFIED, Status.FORWARDED)
# Figures in the reviewers' hands, not counted yet: shown apart as 待审核 where shown at all.
AWAITING_REVIEW = (Status.SUBMITTED, Status.APPROVED)
FORWARDED = Status.FORWARDED


def is_counted(status: str | None) -> bool:
    return status in COUNTED


def basis_sentence(output: str | None = None) -> str:
    """The basis in words, as every output's heading and notes say it; `output` names it (default 本表)."""
    return _("%(output)s只计已核验数据（县统计局已核验或已上报的数据）") % {"output": output or _("本表")}


def basis_heading(*, at: datetime | None = None) -> str:
    """ "本表只计已核验数据；截至2023年5月22日16时": the basis and when the output was made."""
    moment = timezone.localtime(at or timezone.now())
    return _("%(basis)s；截至%(year)s年%(month)s月%(day)s日%(hour)s时。") % {
        "basis": basis_sentence(),
        "year": moment.year,
        "month": moment.month,
        "day": moment.day,
        "hour": moment.hour,
    }
