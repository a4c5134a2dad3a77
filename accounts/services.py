"""The first-login password rule, earlier passwords, and account unlocking, with their audit rows."""

from django.contrib.auth.hashers import is_password_usable
from django.db import transaction
from django.utils import timezone

from accounts.models import PasswordHistory, PasswordState
from audit.services import record

# Kept in the session at login so pages need no query to know it.
SESSION_MUST_CHANGE = "accounts_must_change_password"
SESSION_LOGIN_AT = "accounts_login_at"


@transaction.atomic
def require_password_change(*, user, request=None) -> None:
    """The user must choose a new password at the next login (new account, or a reset)."""
    PasswordState.objects.update_or_create(user=user, defaults={"must_change": True})
    record(event="account.password_must_change", request=request, obj=user)


@transaction.atomic
def password_changed(*, user, request=None) -> None:
    PasswordState.objects.update_or_create(
        user=user, defaults={"must_change": False, "changed_at": timezone.now()}
    )
    record(event="account.password_changed", request=request, obj=user)
    if request is not None:
        request.session[SESSION_MUST_CHANGE] = False


def must_change_password(user) -> bool:
    return PasswordState.objects.filter(user=user, must_change=True).exists()


@transaction.atomic
def unlock(*, user, request=None) -> int:
    """Lift a lockout after failed logins before its 30 minutes are up."""
    from axes.utils import reset

    count = reset(username=user.get_username())
    record(event="account.unlocked", request=request, obj=user, detail={"attempts_cleared": count})
    return count


def remember_replaced_password(*, user, encoded: str) -> None:
    """Keep the hash of the password just replaced; only the newest PasswordHistory.KEPT are kept."""
    if not is_password_usable(encoded):
        return
    PasswordHistory.objects.create(user=user, password=encoded)
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[PasswordHistory.KEPT :]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()
