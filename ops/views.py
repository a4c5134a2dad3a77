import sys

from django.views.defaults import server_error as django_server_error

from ops.middleware import DATABASE_DOWN, database_unavailable_response


def server_error(request, template_name="500.html"):
    """handler500: the 503 page when the cause is the database, Django's plain 500 page otherwise."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN):
        return database_unavailable_response()
    return django_server_error(request, template_name=template_name)
