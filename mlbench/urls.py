from django.urls import path

from mlbench import views

app_name = "mlbench"

urlpatterns = [
    path("", views.index, name="index"),
    path("datasets/<int:pk>/", views.dataset_detail, name="dataset"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("<str:label>/<int:pk>/status", views.status_partial, name="status"),
]
