"""A plain Chinese 503 page instead of a stack trace when the database cannot be reached."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("ops.database")

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60


def database_unavailable_response() -> HttpResponse:
    """Rendered without the request: no context processor, session or user, so no query."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Turns a lost database in a view into the 503 page.

    Errors outside the view (sessions, authentication) reach handler500, which answers the
    same way (ops.views.server_error). Django closes a broken connection at the end of the
    request and opens a new one on the next, so pages recover by themselves once the
    database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            logger.error("Database unavailable: %s", exception, exc_info=exception)
            return database_unavailable_response()
        return None
