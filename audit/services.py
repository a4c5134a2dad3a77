"""Writing the audit log. Call `record` inside the transaction of the action it records."""

from django.db import transaction

from audit.models import AuditEvent


def client_address(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _unit_name(user) -> str:
    membership = getattr(user, "membership", None) if user is not None else None
    try:
        return membership.unit.name if membership and membership.unit else ""
    except AttributeError:
        return ""


def record(
    *,
    event: str,
    request=None,
    user=None,
    obj=None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    detail: dict | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one audit row. Raises if it cannot be written, so the surrounding action fails too."""
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    with transaction.atomic():
        return AuditEvent.objects.create(
            user=user if authenticated else None,
            username=(user.get_username() if authenticated else username)[:150],
            unit=_unit_name(user if authenticated else None)[:100],
            client_address=client_address(request),
            event=event,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            object_repr=str(obj)[:300] if obj is not None else "",
            outcome=outcome,
            detail=detail or {},
        )
