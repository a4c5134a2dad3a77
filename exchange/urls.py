from django.urls import path

from exchange import views

app_name = "exchange"

urlpatterns = [
    path("received/", views.received, name="received"),
    path("received/<str:sender_code>/<int:year>/<int:month>/", views.received_month, name="received_month"),
    path("pushes/", views.pushes, name="pushes"),
]
