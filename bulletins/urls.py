from django.urls import path

from bulletins import views

app_name = "bulletins"

urlpatterns = [
    path("notice.docx", views.notice, name="notice"),
    path("supervision.docx", views.supervision, name="supervision"),
]
