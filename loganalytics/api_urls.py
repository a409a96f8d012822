"""Root-level API routes: the seed endpoints and the History Server compatible /api/v1."""

from django.urls import path

from loganalytics import api

APPLICATION = "api/v1/applications/<str:app_id>"
ATTEMPT = f"{APPLICATION}/<str:app_attempt_id>"

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
    path(
        f"{APPLICATION}/stages/<int:stage_id>/<int:attempt_id>/taskList",
        api.TaskListView.as_view(),
        name="shs-task-list",
    ),
    # Qualified by the application's attempt id (YARN); after the fixed names above, so that
    # ".../jobs" is never read as an attempt called "jobs".
    path(f"{ATTEMPT}", api.ApplicationAttemptView.as_view(), name="shs-application-attempt"),
    path(f"{ATTEMPT}/jobs", api.AttemptJobListView.as_view(), name="shs-attempt-jobs"),
    path(f"{ATTEMPT}/jobs/<path:job_id>", api.AttemptJobView.as_view(), name="shs-attempt-job"),
    path(f"{ATTEMPT}/stages", api.AttemptStageListView.as_view(), name="shs-attempt-stages"),
    path(
        f"{ATTEMPT}/stages/<int:stage_id>",
        api.AttemptStageView.as_view(),
        name="shs-attempt-stage",
    ),
    path(
        f"{ATTEMPT}/stages/<int:stage_id>/<int:attempt_id>",
        api.AttemptStageAttemptView.as_view(),
        name="shs-attempt-stage-attempt",
    ),
    path(
        f"{ATTEMPT}/stages/<int:stage_id>/<int:attempt_id>/taskSummary",
        api.AttemptTaskSummaryView.as_view(),
        name="shs-attempt-task-summary",
    ),
    path(
        f"{ATTEMPT}/stages/<int:stage_id>/<int:attempt_id>/taskList",
        api.AttemptTaskListView.as_view(),
        name="shs-attempt-task-list",
    ),
    path(
        f"{ATTEMPT}/executors",
        api.AttemptExecutorListView.as_view(),
        name="shs-attempt-executors",
    ),
    path(
        f"{ATTEMPT}/allexecutors",
        api.AttemptAllExecutorListView.as_view(),
        name="shs-attempt-all-executors",
    ),
]
