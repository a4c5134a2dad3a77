"""Who may see the exchange's pages: received figures for readers of all figures; pushes for the office."""

from accounts.models import READ_ALL_ROLES, Role
from accounts.roles import role_of


def can_read_received(user) -> bool:
    """The figures other installations pushed here: read like this installation's own figures."""
    return role_of(user) in READ_ALL_ROLES


def can_read_pushes(user) -> bool:
    """The record of this installation's pushes upstream: the office's, who forwards the months."""
    return role_of(user) == Role.OFFICE
