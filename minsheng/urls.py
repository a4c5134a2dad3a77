from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import LoginView, PasswordChangeView, text_size

# Uploaded files (evidence, imports) are never served as plain media: only
# through views that check who may see them.
urlpatterns = [
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/text-size/", text_size, name="text_size"),
    path("admin/", admin.site.urls),
    path("api/v1/exchange/", include("exchange.api_urls")),
    path("api/v1/", include("api.urls")),
    path("audit/", include("accounts.audit_urls")),
    path("beneficiaries/", include("beneficiaries.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("bulletins/", include("bulletins.urls")),
    path("exchange/", include("exchange.urls")),
    path("", include("reporting.urls")),
]

# Any uncaught error: a plain 500 page, or the 503 page when the database cannot be reached.
handler500 = "ops.views.server_error"
# Chinese pages that keep the reason of a refusal (templates/400.html, 403.html, 404.html).
handler400 = "ops.views.bad_request"
handler403 = "ops.views.permission_denied"
handler404 = "ops.views.page_not_found"
