"""No page behind login is kept by a browser's or a proxy's cache."""

from django.db import DatabaseError
from django.utils.cache import patch_cache_control


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
