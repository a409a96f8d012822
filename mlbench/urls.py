from django.urls import path

from sparkhub.views import app_placeholder

app_name = "mlbench"

urlpatterns = [
    path("", app_placeholder, {"app_label": "mlbench"}, name="index"),
]
