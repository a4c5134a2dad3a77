"""Which figures count: the one rule every board, export, score and API read asks.

A figure counts once a reviewer has passed its submission: approved by the task-force office,
verified by the statistics bureau, or forwarded upstream. Forwarded (已报送) is the stricter
basis the dashboards use once a month has been forwarded.
"""

from reporting.models import Submission

FORWARDED = Submission.Status.FORWARDED
# Figures a reviewer has passed: approved by the office, verified, or forwarded.
REVIEWED = [Submission.Status.APPROVED, Submission.Status.VERIFIED, Submission.Status.FORWARDED]
# Passed by a reviewer but not forwarded yet.
REVIEWED_NOT_FORWARDED = [Submission.Status.APPROVED, Submission.Status.VERIFIED]


def counted_statuses(*, forwarded_only: bool) -> list[str]:
    """The statuses whose figures a read counts: forwarded only, or every reviewed figure."""
    return [FORWARDED] if forwarded_only else REVIEWED
