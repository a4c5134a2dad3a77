from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("export.xlsx", views.export, name="export"),
]
