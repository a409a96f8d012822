from django.urls import path

from sparkhub.views import app_placeholder

app_name = "lakehouse"

urlpatterns = [
    path("", app_placeholder, {"app_label": "lakehouse"}, name="index"),
]
