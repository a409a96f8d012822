from django.urls import path

from sparkhub.views import app_placeholder

app_name = "loganalytics"

urlpatterns = [
    path("", app_placeholder, {"app_label": "loganalytics"}, name="index"),
]
