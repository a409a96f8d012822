"""Root-level API routes: the seed endpoints and the History Server compatible /api/v1."""

from django.urls import path

from loganalytics import api

APPLICATION = "api/v1/applications/<str:app_id>"

urlpatterns = [
    path("logs/ingest", api.IngestView.as_view(), name="logs-ingest"),
    path("analytics/jobs/<path:job_id>", api.JobAnalyticsView.as_view(), name="analytics-job"),
    path("analytics/summary", api.SummaryView.as_view(), name="analytics-summary"),
    path("api/v1/applications", api.ApplicationListView.as_view(), name="shs-applications"),
    path(f"{APPLICATION}", api.ApplicationView.as_view(), name="shs-application"),
    path(f"{APPLICATION}/jobs", api.JobListView.as_view(), name="shs-jobs"),
    path(f"{APPLICATION}/jobs/<path:job_id>", api.JobView.as_view(), name="shs-job"),
    path(f"{APPLICATION}/stages", api.StageListView.as_view(), name="shs-stages"),
    path(f"{APPLICATION}/stages/<int:stage_id>", api.StageView.as_view(), name="shs-stage"),
    path(
        f"{APPLICATION}/stages/<int:stage_id>/<int:attempt_id>",
        api.StageAttemptView.as_view(),
        name="shs-stage-attempt",
    ),
    path(
        f"{APPLICATION}/stages/<int:stage_id>/<int:attempt_id>/taskSummary",
        api.TaskSummaryView.as_view(),
        name="shs-task-summary",
    ),
    path(f"{APPLICATION}/executors", api.ExecutorListView.as_view(), name="shs-executors"),
    path(
        f"{APPLICATION}/allexecutors", api.AllExecutorListView.as_view(), name="shs-all-executors"
    ),
]
