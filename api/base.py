"""What every endpoint shares: the audit row of each call (client, endpoint, result)."""

from django.db import DatabaseError
from rest_framework.views import APIView

from api.permissions import client_of
from audit.models import AuditEvent
from audit.services import logger, record

OUTCOMES = {401: AuditEvent.Outcome.DENIED, 403: AuditEvent.Outcome.DENIED, 429: AuditEvent.Outcome.DENIED}


def outcome_of(status_code: int) -> str:
    if status_code < 400:
        return AuditEvent.Outcome.SUCCESS
    return OUTCOMES.get(status_code, AuditEvent.Outcome.FAILURE)


class ApiView(APIView):
    """An endpoint of /api/v1/: each answer, refusals included, leaves one audit row."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        self.audit_call(request, response)
        return response

    def audit_detail(self, request, response) -> dict:
        """More of what the call did, for the audit row (a view adds its own)."""
        return getattr(self, "_audit_detail", {})

    def audit_call(self, request, response) -> None:
        client = client_of(request) or getattr(request, "_api_client", None)
        match = getattr(request, "resolver_match", None)
        detail = {
            "client": client.name if client else "",
            "endpoint": f"{request.method} {request.path}"[:200],
            "view": match.view_name if match else "",
            "status": response.status_code,
            **self.audit_detail(request, response),
        }
        if isinstance(response.data, dict) and response.status_code >= 400:
            detail["code"] = response.data.get("code", "")
        try:
            record(
                event="api.call",
                request=request._request,
                user=client.user if client else None,
                username="" if client else "（无有效令牌）",
                outcome=outcome_of(response.status_code),
                detail=detail,
            )
        except DatabaseError:
            logger.exception("Could not write the audit row of an API call to %s", request.path)
