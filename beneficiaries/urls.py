from django.urls import path

from beneficiaries import views

app_name = "beneficiaries"

urlpatterns = [
    path("", views.index, name="index"),
    path("rows/<int:pk>/", views.row_detail, name="row"),
    path("rows/<int:pk>/new/", views.entry_create, name="entry_create"),
    path("rows/<int:pk>/export.xlsx", views.row_export, name="row_export"),
    path("rows/<int:pk>/import/", views.import_upload, name="import_upload"),
    path("rows/<int:pk>/import-template.xlsx", views.import_template, name="import_template"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/remove/", views.entry_remove, name="entry_remove"),
    path("entries/<int:pk>/reveal/", views.entry_reveal, name="entry_reveal"),
    path("entries/<int:pk>/history/", views.entry_history, name="entry_history"),
    path("imports/<int:pk>/", views.import_preview, name="import_preview"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/discard/", views.import_discard, name="import_discard"),
    path("pairs/", views.pairs, name="pairs"),
    path("pairs/<int:pk>/remove/", views.pair_remove, name="pair_remove"),
    path("grassroots/", views.grassroots_index, name="grassroots_index"),
    path("grassroots/<int:pk>/", views.grassroots_detail, name="grassroots"),
    path("grassroots/<int:pk>/export.xlsx", views.grassroots_export, name="grassroots_export"),
]
