from django.contrib.auth import views as auth_views
from django.db import connection, transaction
from django.urls import reverse_lazy

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
