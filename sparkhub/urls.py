from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import user_passes_test
from django.urls import include, path
from django_rq.urls import urlpatterns as rq_urlpatterns
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from explainer import api as explainer_api
from lakehouse import api as lakehouse_api
from mlbench import api as mlbench_api
from sparkhub import api, views

admin.site.site_header = "sparkhub admin"
admin.site.site_title = "sparkhub admin"
admin.site.index_title = "Operations console"

# django-rq only checks is_staff; its dashboard shows job arguments and can delete queues.
superuser_required = user_passes_test(lambda user: user.is_active and user.is_superuser)
for pattern in rq_urlpatterns:
    pattern.callback = superuser_required(pattern.callback)

handler404 = "sparkhub.views.error_404"
handler500 = "sparkhub.views.error_500"

urlpatterns = [
    path("", views.home, name="home"),
    path("runs/recent", views.recent_runs_partial, name="recent-runs"),
    path("runs/<str:label>/<int:pk>/", views.run_detail, name="run-detail"),
    path("runs/<str:label>/<int:pk>/status", views.run_status_partial, name="run-status"),
    path("runs/<str:label>/<int:pk>/cancel", views.run_cancel, name="run-cancel"),
    path("system/worker-check", views.worker_check_start, name="worker-check"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("metrics", views.metrics, name="metrics"),
    path("admin/django_rq/", include("django_rq.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/runs/", api.RecentRunsView.as_view(), name="api-runs"),
    path("explainer/", include("explainer.urls")),
    path("explain/pyspark", explainer_api.ExplainView.as_view(), name="explain-pyspark"),
    path("status/<uuid:job_id>", explainer_api.StatusView.as_view(), name="explain-status"),
    path("loganalytics/", include("loganalytics.urls")),
    path("", include("loganalytics.api_urls")),
    path("mlbench/", include("mlbench.urls")),
    path("api/files/upload", mlbench_api.FileUploadView.as_view(), name="api-file-upload"),
    path("api/jobs", mlbench_api.JobListView.as_view(), name="api-jobs"),
    path("api/jobs/<int:pk>", mlbench_api.JobDetailView.as_view(), name="api-job"),
    path("api/jobs/<int:pk>/metrics", mlbench_api.JobMetricsView.as_view(), name="api-job-metrics"),
    path("lakehouse/", include("lakehouse.urls")),
    path(
        "api/lakehouse/pipelines/", lakehouse_api.PipelineListView.as_view(), name="api-pipelines"
    ),
    path(
        "api/lakehouse/pipelines/<slug:name>/runs",
        lakehouse_api.StartRunView.as_view(),
        name="api-pipeline-run",
    ),
    path("api/lakehouse/runs/<int:pk>", lakehouse_api.RunStatusView.as_view(), name="api-run"),
]
