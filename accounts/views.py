from django.contrib.auth import views as auth_views
from django.db import connection, transaction
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import services


class LoginView(auth_views.LoginView):
    """Django's login, which first makes sure the database answers.

    The login form itself reads nothing, so with the database down it would show and fail only
    when submitted: a lost connection here raises, and the 503 page answers instead
    (ops.middleware.DatabaseUnavailableMiddleware).
    """

    def get(self, request, *args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return super().get(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; clears the first-login rule and writes the audit row with it."""

    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            services.password_changed(user=form.user, request=self.request)
        return response


TEXT_SIZE_COOKIE = "text_size"
TEXT_SIZES = ("large", "normal")


@require_POST
def text_size(request):
    """The 大字 switch: remember large or normal text in a cookie, then go back to the page.

    A plain form post, so it works without script; anyone may use it, signed in or not.
    """
    size = request.POST.get("size")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("reporting:home") if request.user.is_authenticated else reverse("login")
    response = redirect(back)
    if size == "large":
        response.set_cookie(TEXT_SIZE_COOKIE, "large", max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    elif size in TEXT_SIZES:
        response.delete_cookie(TEXT_SIZE_COOKIE, samesite="Lax")
    return response
