"""The leaders' dashboards, mounted under /dashboard/ inside the reporting namespace."""

from django.urls import path

from reporting.dashboards import views as dashboard_views

urlpatterns = [
    path("", dashboard_views.overview, name="dashboard"),
    path("indicators/", dashboard_views.indicators, name="dashboard_indicators"),
    path("indicators/<int:pk>/", dashboard_views.indicator_detail, name="dashboard_indicator"),
    path("leaders/", dashboard_views.leaders, name="dashboard_leaders"),
    path("leaders/<str:key>/", dashboard_views.leader, name="dashboard_leader"),
    path("units/", dashboard_views.units, name="dashboard_units"),
    path("units/<int:pk>/", dashboard_views.unit, name="dashboard_unit"),
    path("timeliness/", dashboard_views.timeliness, name="dashboard_timeliness"),
    path("escalations/", dashboard_views.escalations, name="dashboard_escalations"),
    path("escalations/notice.xlsx", dashboard_views.notice_export, name="dashboard_notice_export"),
]
