"""Root-level API routes: the seed endpoints and the History Server compatible /api/v1."""

from django.urls import path

from loganalytics import api

APPLICATION = "api/v1/applications/<str:app_id>"
ATTEMPT = f"{APPLICATION}/<str:app_attempt_id>"

# What SHS serves below an application, and below each of its attempts: (path, view, name).
APPLICATION_RESOURCES = [
    ("jobs", api.JobListView, "jobs"),
    ("jobs/<path:job_id>", api.JobView, "job"),
    ("stages", api.StageListView, "stages"),
    ("stages/<int:stage_id>", api.StageView, "stage"),
    ("stages/<int:stage_id>/<int:attempt_id>", api.StageAttemptView, "stage-attempt"),
    (
        "stages/<int:stage_id>/<int:attempt_id>/taskSummary",
        api.TaskSummaryView,
        "task-summary",
    ),
    ("stages/<int:stage_id>/<int:attempt_id>/taskList", api.TaskListView, "task-list"),
    ("executors", api.ExecutorListView, "executors"),
    ("allexecutors", api.AllExecutorListView, "all-executors"),
    ("environment", api.EnvironmentView, "environment"),
]

urlpatterns = [
    path("logs/ingest", api.IngestView.as_view(), name="logs-ingest"),
    path("analytics/jobs/<path:job_id>", api.JobAnalyticsView.as_view(), name="analytics-job"),
    path("analytics/summary", api.SummaryView.as_view(), name="analytics-summary"),
    path("api/v1/applications", api.ApplicationListView.as_view(), name="shs-applications"),
    path(APPLICATION, api.ApplicationView.as_view(), name="shs-application"),
    *[
        path(f"{APPLICATION}/{below}", view.as_view(), name=f"shs-{name}")
        for below, view, name in APPLICATION_RESOURCES
    ],
    # After every fixed name above, so that ".../jobs" is never read as an attempt "jobs".
    path(ATTEMPT, api.ApplicationAttemptView.as_view(), name="shs-application-attempt"),
    *[
        path(
            f"{ATTEMPT}/{below}", api.attempt_qualified(view).as_view(), name=f"shs-attempt-{name}"
        )
        for below, view, name in APPLICATION_RESOURCES
    ],
]
