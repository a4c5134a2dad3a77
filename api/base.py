"""What every endpoint shares: the audit row of each call (client, endpoint, result)."""

from django.db import DatabaseError
from rest_framework.views import APIView

from api.errors import ApiProblem
from api.permissions import client_of
from audit.models import AuditEvent
from audit.services import logger, record
from core.text import NULL_CHARACTER_MESSAGE, unstorable_text_in

OUTCOMES = {401: AuditEvent.Outcome.DENIED, 403: AuditEvent.Outcome.DENIED, 429: AuditEvent.Outcome.DENIED}


def outcome_of(status_code: int) -> str:
    if status_code < 400:
        return AuditEvent.Outcome.SUCCESS
    return OUTCOMES.get(status_code, AuditEvent.Outcome.FAILURE)


class ApiView(APIView):
    """An endpoint of /api/v1/: each answer, refusals included, leaves one audit row."""

    # core.middleware leaves an address holding a NUL to us: refused below as problem+json.
    answers_bad_addresses = True
    # False where the view's own validation refuses such text item by item, with the item named.
    refuses_unstorable_body = True

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A NUL or a lone surrogate, in the address or anywhere in a JSON body (a key included),
        # fails inside PostgreSQL as a 500 wherever it is filtered on or stored (the idempotency
        # record keeps the answer, which names the fields).
        body = request.data if request.method in ("POST", "PUT", "PATCH") else None
        if unstorable_text_in(request.query_params) or (
            self.refuses_unstorable_body and unstorable_text_in(body)
        ):
            raise ApiProblem(str(NULL_CHARACTER_MESSAGE), status_code=400, code="null_character")

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
