"""Refusing a request that the access policy does not allow."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require(allowed: bool, message: str | None = None) -> None:
    """403 with the reason, in Chinese, unless the policy allows it."""
    if not allowed:
        raise PermissionDenied(message or _("您没有执行此操作的权限。"))
