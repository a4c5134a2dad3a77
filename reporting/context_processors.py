from django.utils.functional import SimpleLazyObject

from accounts import roles
from accounts.models import FIGURE_ROLES, READ_ALL_ROLES, Role
from reporting import todo
from reporting.models import Submission


def demo_data(request):
    """Every page that shows figures says plainly when demo figures are in the database."""
    if not request.user.is_authenticated:
        return {"demo_data_present": False}
    return {"demo_data_present": Submission.objects.filter(is_demo=True).exists()}


def _nav_counts(request) -> dict[str, int]:
    """The counts beside the links (reporting.todo.nav_counts), read once per request at most."""
    if not hasattr(request, "_nav_counts"):
        request._nav_counts = todo.nav_counts(request.user) if request.user.is_authenticated else {}
    return request._nav_counts


def navigation(request):
    """What the navigation bar links to, by the role sets of accounts.models; no role, no links.

    The counts ("审核报送（12）") are read only when a page shows the navigation, and once per request.
    """
    role = roles.role_of(request.user) or ""
    return {
        "nav": {
            "liaison": role == Role.LIAISON,
            "reader": role in READ_ALL_ROLES,
            "figures": role in FIGURE_ROLES,
            "auditor": role == Role.AUDITOR,
            "counts": SimpleLazyObject(lambda: _nav_counts(request)),
        },
    }
