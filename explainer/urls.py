from django.urls import path

from sparkhub.views import app_placeholder

app_name = "explainer"

urlpatterns = [
    path("", app_placeholder, {"app_label": "explainer"}, name="index"),
]
