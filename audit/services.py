"""Writing the audit log. Call `record` inside the transaction of the action it records.

Signal handlers (logins, history of plan data and figures, role and permission changes)
have no request of their own: `AuditRequestMiddleware` makes the current one available
through `current_request()`, so their rows carry the user and the client address too.
"""

import ipaddress
import logging
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, transaction

from audit.models import AuditEvent

_current_request: ContextVar = ContextVar("audit_current_request", default=None)

# Written as the user of rows made outside a request (management commands, the shell).
NO_REQUEST_USERNAME = "（系统命令）"
# Detail values of a refusal are cut to this length; the reason is one of our fixed messages.
DETAIL_LIMIT = 200

logger = logging.getLogger("audit")


def current_request():
    return _current_request.get()


def set_current_request(request):
    """Make `request` the current one; returns the token to reset it with."""
    return _current_request.set(request)


def reset_current_request(token) -> None:
    _current_request.reset(token)


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the header named by CLIENT_IP_HEADER behind a proxy.

    Also the address django-axes and the admin address range use (AXES_CLIENT_IP_CALLABLE).
    A header value that is not one valid address is ignored rather than trusted.
    """
    if request is None:
        return None
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header:
        forwarded = request.META.get(header, "").split(",")[0].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or None


def _unit_name(user) -> str:
    membership = getattr(user, "membership", None) if user is not None else None
    try:
        return membership.unit.name if membership and membership.unit else ""
    except AttributeError:
        return ""


def _event_row(
    *,
    event: str,
    request=None,
    user=None,
    obj=None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    detail: dict | None = None,
    username: str = "",
) -> AuditEvent:
    """One audit row, not yet written."""
    request = request if request is not None else current_request()
    request_user = getattr(request, "user", None) if request is not None else None
    if user is None and request_user is not None and request_user.is_authenticated:
        user = request_user
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    if not authenticated and not username and request is None:
        username = NO_REQUEST_USERNAME
    return AuditEvent(
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
    row = _event_row(
        event=event, request=request, user=user, obj=obj, outcome=outcome, detail=detail, username=username
    )
    # No savepoint: a failed audit insert must fail the surrounding action anyway,
    # and a savepoint pair per row doubled the statements of a monthly save.
    with transaction.atomic(savepoint=False):
        row.save(force_insert=True)
    return row


def record_many(events: list[dict]) -> list[AuditEvent]:
    """Append several audit rows in one statement; each dict holds the arguments of `record`."""
    rows = [_event_row(**event) for event in events]
    if rows:
        with transaction.atomic(savepoint=False):
            AuditEvent.objects.bulk_create(rows)
    return rows


def record_export(*, request, exporter, **detail) -> AuditEvent:
    """The audit row of a file leaving the system: which export, its file name and its filters."""
    name = getattr(exporter, "identifier", "") or type(exporter).__name__
    return record(
        event="export",
        request=request,
        detail={"export": name, "file": str(exporter.get_filename()), **detail},
    )


def record_denied(request, *, status: int, reason: str = "", event: str = "access.denied", **detail):
    """One 拒绝 (denied) row for a refused request: address, view and reason, never the posted data.

    A database that cannot take the row must not hide the refusal's own answer: it is logged instead.
    """
    match = getattr(request, "resolver_match", None)
    try:
        record(
            event=event,
            request=request,
            outcome=AuditEvent.Outcome.DENIED,
            detail={
                "status": status,
                "method": request.method,
                "path": request.path[:DETAIL_LIMIT],
                "view": (match.view_name if match else "")[:DETAIL_LIMIT],
                "reason": reason[:DETAIL_LIMIT],
                **detail,
            },
        )
    except DatabaseError:
        logger.exception("Could not write the audit row of a refused request to %s", request.path)
