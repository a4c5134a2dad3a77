from django.urls import include, path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", include("reporting.dashboards.urls")),
    path("", include("reporting.exports.urls")),
    path("report/", views.monthly_entry, name="entry"),
    path("review/", views.review_list, name="review_list"),
    path("review/<int:pk>/", views.review_detail, name="review_detail"),
    path("review/<int:pk>/<str:action>/", views.review_action, name="review_action"),
    path("review/month/<int:month_id>/forward/", views.forward_month, name="forward_month"),
]
