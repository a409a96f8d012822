from django.urls import path

from loganalytics import views

app_name = "loganalytics"

urlpatterns = [
    path("", views.index, name="index"),
    path("summary", views.daily_summary, name="summary"),
    path("compare", views.compare, name="compare"),
    path("applications/<str:app_id>/", views.application_detail, name="application"),
    path("applications/<str:app_id>/jobs/<path:job_id>/", views.job_detail, name="job"),
    path(
        "applications/<str:app_id>/stages/<int:stage_id>/<int:attempt>/",
        views.stage_detail,
        name="stage",
    ),
]
