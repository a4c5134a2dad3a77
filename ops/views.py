"""The error pages: plain Chinese pages, rendered without the request so they need no database.

403 and 404 show the reason given to PermissionDenied or Http404 when it is one of ours (in
Chinese); Django's own English messages ("No … matches the given query.") are left out.
"""

import sys

from django.http import HttpResponseBadRequest, HttpResponseForbidden, HttpResponseNotFound
from django.template.loader import render_to_string
from django.urls import Resolver404
from django.views.defaults import server_error as django_server_error

from ops.middleware import DATABASE_DOWN, database_unavailable_response


def _reason(exception) -> str:
    """The exception's message if it is meant for the user: ours are Chinese, Django's are not."""
    if exception is None or isinstance(exception, Resolver404) or not exception.args:
        return ""
    message = exception.args[0]
    if not isinstance(message, str) or not any("\u4e00" <= char <= "\u9fff" for char in message):
        return ""
    return message


def bad_request(request, exception=None, template_name="400.html"):
    """handler400: never the exception's text, which is Django's and English."""
    return HttpResponseBadRequest(render_to_string(template_name))


def permission_denied(request, exception=None, template_name="403.html"):
    return HttpResponseForbidden(render_to_string(template_name, {"reason": _reason(exception)}))


def page_not_found(request, exception=None, template_name="404.html"):
    return HttpResponseNotFound(render_to_string(template_name, {"reason": _reason(exception)}))


def server_error(request, template_name="500.html"):
    """handler500: the 503 page when the cause is the database, Django's plain 500 page otherwise."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN):
        return database_unavailable_response()
    return django_server_error(request, template_name=template_name)
