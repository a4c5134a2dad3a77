"""One base for every refusal whose message is meant for the user, in Chinese.

Services raise a subclass named for what was refused (a workflow step, an upload, an
adjustment…); views catch `Refused` or the subclass and show `str(exc)` in the page, the
command prints it, the API returns it. A message may hold several lines, one problem each.
"""

from django.http import Http404


class Refused(Exception):
    """Refused; the message says why, for the user, in Chinese."""

    @property
    def messages(self) -> list[str]:
        """The message's lines: one problem each."""
        return [line for line in str(self).split("\n") if line.strip()]


class BadRequest(Refused):
    """A request that cannot be answered as asked (a month 13 in the address…): a 400 page with the message.

    Raised anywhere in a view; `core.middleware.RefusedMiddleware` turns it into the page, so
    nothing after the raise is saved.
    """

    status_code = 400


class OutOfScope(Http404):
    """404 from an access check: the object exists, but not for this user.

    Raised by the access helpers (`reporting.access`, `beneficiaries.access`) instead of a plain
    Http404, so the refusal is written to the audit log (audit.middleware) while a mistyped
    address or a deleted object is not.
    """
