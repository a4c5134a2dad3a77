from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

# Uploaded files (evidence, imports) are never served as plain media: only
# through views that check who may see them.
urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("beneficiaries/", include("beneficiaries.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("", include("reporting.urls")),
]
