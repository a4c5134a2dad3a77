from django.core.exceptions import PermissionDenied

from audit.services import record_denied, reset_current_request, set_current_request
from core.errors import OutOfScope


class AuditRequestMiddleware:
    """Makes the request available to audit rows written by signal handlers.

    It also writes a 拒绝 (denied) row for every refusal a view raises: any PermissionDenied
    (403, the admin's included) and the 404 of an access check (`core.errors.OutOfScope`), but
    not the 404 of an unknown address. The row holds the address, the view and the reason, never
    the posted data.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_current_request(request)
        try:
            return self.get_response(request)
        finally:
            reset_current_request(token)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            status = 403
        elif isinstance(exception, OutOfScope):
            status = 404
        else:
            return None
        record_denied(request, status=status, reason=str(exception))
        return None
