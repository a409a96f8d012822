from django.urls import path

from lakehouse import views

app_name = "lakehouse"

urlpatterns = [
    path("", views.index, name="index"),
    path("pipelines/new", views.pipeline_new, name="pipeline-new"),
    path("pipelines/<slug:name>/", views.pipeline_detail, name="pipeline"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/status", views.run_status_partial, name="run-status"),
]
