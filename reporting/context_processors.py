from accounts import roles
from accounts.models import FIGURE_ROLES, READ_ALL_ROLES, Role
from reporting.models import Submission


def demo_data(request):
    """Every page that shows figures says plainly when demo figures are in the database."""
    if not request.user.is_authenticated:
        return {"demo_data_present": False}
    return {"demo_data_present": Submission.objects.filter(is_demo=True).exists()}


def navigation(request):
    """What the navigation bar links to, by the role sets of accounts.models; no role, no links."""
    role = roles.role_of(request.user) or ""
    return {
        "nav": {
            "liaison": role == Role.LIAISON,
            "reader": role in READ_ALL_ROLES,
            "figures": role in FIGURE_ROLES,
            "auditor": role == Role.AUDITOR,
        },
    }
