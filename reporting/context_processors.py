from accounts import roles
from accounts.models import Role
from reporting.models import Submission

READER_ROLES = [Role.OFFICE, Role.STATISTICS, Role.LEADER]
ADMIN_ROLES = [Role.SYSADMIN, Role.SECURITY, Role.AUDITOR]


def demo_data(request):
    """Every page that shows figures says plainly when demo figures are in the database."""
    if not request.user.is_authenticated:
        return {"demo_data_present": False}
    return {"demo_data_present": Submission.objects.filter(is_demo=True).exists()}


def navigation(request):
    """The user's role for the navigation bar; a user without a role gets no role links."""
    return {
        "user_role": roles.role_of(request.user) or "",
        "reader_roles": READER_ROLES,
        "admin_roles": ADMIN_ROLES,
    }
