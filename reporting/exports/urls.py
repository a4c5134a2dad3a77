"""URLs of the exports page, the monthly report and the Excel import (added to reporting.urls)."""

from django.urls import path

from reporting.exports import views as export_views
from reporting.imports import views as import_views

urlpatterns = [
    path("exports/", export_views.exports, name="exports"),
    path("exports/monthly-report.xlsx", export_views.monthly_report, name="monthly_report"),
    path("exports/responsibility-matrix.xlsx", export_views.matrix, name="exports_matrix"),
    path("imports/", import_views.upload, name="import_upload"),
    path("imports/template.xlsx", import_views.template, name="import_template"),
    path("imports/<str:token>/", import_views.preview, name="import_preview"),
]
