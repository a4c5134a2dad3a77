"""Refusals of the monthly workflow, with the one message for a locked month."""

from django.utils.translation import gettext as _

from core.errors import Refused

LOCKED_MESSAGE = _(
    "本月该项数据已提交或已审核锁定，不能修改。如需更正，请联系专班办公室（县人社局）退回或重新打开。"
)

CLOSED_MONTH_MESSAGE = _(
    "本月已由专班办公室上报并截止，不能再新增填报。如需补报，请联系专班办公室（县人社局）开放补报。"
)


class WorkflowError(Refused):
    """A refused step of the monthly workflow."""


class LockedError(WorkflowError):
    pass


class ConflictError(WorkflowError):
    pass
