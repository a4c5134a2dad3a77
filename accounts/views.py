from django.contrib.auth import views as auth_views
from django.db import transaction
from django.urls import reverse_lazy

from accounts import services


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; clears the first-login rule and writes the audit row with it."""

    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            services.password_changed(user=form.user, request=self.request)
        return response
