"""Answers every page gets: a `core.errors.BadRequest` as a 400 page, and no caching behind login."""

from django.db import DatabaseError
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from core.errors import BadRequest
from core.text import NULL_CHARACTER_MESSAGE, unstorable_text_in


class RefusedMiddleware:
    """A `BadRequest` raised by a view, answered as the 400 page with its message.

    An address holding a NUL is refused before the view runs, unless the view's class answers
    such refusals in its own format (`answers_bad_addresses`, the API's problem+json).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(getattr(view_func, "cls", None), "answers_bad_addresses", False):
            return None
        if unstorable_text_in(request.GET):
            return render(request, "400.html", {"messages_list": [NULL_CHARACTER_MESSAGE]}, status=400)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, BadRequest):
            context = {"messages_list": exception.messages}
            return render(request, "400.html", context, status=exception.status_code)
        return None


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    try:
        return user is not None and user.is_authenticated
    except DatabaseError:
        return True  # the user could not be read (the 503 page): not knowing, keep it out of caches


class NoStoreForUsersMiddleware:
    """`Cache-Control: no-store, private` on every answer to a signed-in user.

    Figures, review pages and personal data must not stay on a shared office computer or in a
    proxy. Answers to anonymous visitors (the public notice, the login page, static files) keep
    whatever caching their view chose.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _signed_in(request):
            patch_cache_control(response, no_store=True, private=True)
        return response
