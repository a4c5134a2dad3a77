"""/api/v1/exchange/: the receiving end of the exchange (included before api.urls in minsheng.urls)."""

from django.urls import path

from exchange import endpoints

app_name = "exchange_api"

urlpatterns = [
    path("receive/", endpoints.ReceiveView.as_view(), name="receive"),
]
