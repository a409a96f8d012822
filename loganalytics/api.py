"""Log analytics JSON API: the seed endpoints and a Spark History Server compatible read API.

Seed: ``POST /logs/ingest``, ``GET /analytics/jobs/{id}``, ``GET /analytics/summary``.
History Server: ``GET /api/v1/applications/...`` with SHS field names, dates and semantics,
computed from the stored events, so tools written for the History Server work here.
"""

from __future__ import annotations

import uuid
from datetime import date

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from loganalytics import eventlog
from loganalytics.ingest_http import ingest_answer
from loganalytics.models import SparkApplication
from loganalytics.services import (
    find_job,
    ingest_task_status,
    spark_job_result,
    summary_for_day,
)
from loganalytics.store import application_model


class IngestView(APIView):
    # Listeners post at the rate Spark emits events; a request-rate throttle would drop events
    # (lose data) rather than protect anything, so ingest is authenticated but not throttled.
    throttle_classes: list = []

    @extend_schema(
        request={"application/json": OpenApiTypes.OBJECT, "application/x-ndjson": OpenApiTypes.STR},
        responses={202: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        parameters=[OpenApiParameter("app_id", str, description="application for id-less events")],
        summary="Ingest Spark listener events (one, a JSON array, or NDJSON)",
    )
    def post(self, request):
        # The raw body: the engine splits arrays and NDJSON itself, and DRF's JSON parser
        # would refuse NDJSON. Token clients are usually answered by IngestFastPath instead.
        code, answer = ingest_answer(
            request.body, app_id=request.query_params.get("app_id"), user=request.user
        )
        return Response(answer, status=code)


class JobAnalyticsView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("app_id", str, description="for a Spark job id")],
        responses=OpenApiTypes.OBJECT,
        summary="An ingest task's status and result, or a Spark job's analytics",
    )
    def get(self, request, job_id: str):
        try:
            task_id = uuid.UUID(job_id)
        except ValueError:
            task_id = None
        if task_id is not None:
            answer = ingest_task_status(task_id)
            if answer is None:
                return Response({"detail": "No such task."}, status=status.HTTP_404_NOT_FOUND)
            return Response(answer)
        result = spark_job_result(job_id=job_id, app_id=request.query_params.get("app_id"))
        if result is None:
            return Response({"detail": "No such job."}, status=status.HTTP_404_NOT_FOUND)
        return Response(result)


class SummaryView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("date", str, required=True, description="YYYY-MM-DD")],
        responses=OpenApiTypes.OBJECT,
        summary="Jobs submitted on one day (UTC) and their totals",
    )
    def get(self, request):
        try:
            day = date.fromisoformat(request.query_params.get("date", ""))
        except ValueError:
            return Response(
                {"date": ["Give the day as date=YYYY-MM-DD."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(summary_for_day(day))


# ------------------------------------------------------------------------ History Server API


def shs_schema(operation_id: str, summary: str):
    return extend_schema_view(
        get=extend_schema(
            operation_id=operation_id,
            responses=OpenApiTypes.OBJECT,
            summary=f"{summary} (History Server shape)",
            tags=["history-server"],
        )
    )


def _not_found(what: str) -> Response:
    return Response({"detail": what}, status=status.HTTP_404_NOT_FOUND)


class HistoryServerView(APIView):
    """Base: resolves ``app_id`` to its model, or answers 404 like the History Server."""

    def get(self, request, app_id: str, **kwargs):
        application = SparkApplication.objects.filter(app_id=app_id).first()
        if application is None:
            return _not_found(f"unknown app: {app_id}")
        return self.answer(request, application_model(application), **kwargs)

    def answer(self, request, model, **kwargs) -> Response:
        raise NotImplementedError


@shs_schema("shs_applications", "Applications")
class ApplicationListView(APIView):
    def get(self, request):
        applications = SparkApplication.objects.order_by("-started_at")
        wanted = request.query_params.get("status", "").lower()
        if wanted == "running":
            applications = applications.filter(ended_at__isnull=True)
        elif wanted == "completed":
            applications = applications.filter(ended_at__isnull=False)
        limit = request.query_params.get("limit", "")
        if limit.isdigit():
            applications = applications[: int(limit)]
        models = [application_model(application) for application in applications]
        return Response(eventlog.to_shs_applications(models))


@shs_schema("shs_application", "One application")
class ApplicationView(HistoryServerView):
    def answer(self, request, model):
        return Response(eventlog.to_shs_application(model))


@shs_schema("shs_jobs", "An application's jobs")
class JobListView(HistoryServerView):
    def answer(self, request, model):
        return Response(eventlog.to_shs_jobs(model, request.query_params.get("status")))


@shs_schema("shs_job", "One job")
class JobView(HistoryServerView):
    def answer(self, request, model, job_id: str):
        job = find_job(model, job_id)
        if job is None:
            return _not_found(f"unknown job: {job_id}")
        return Response(eventlog.to_shs_job(job))


@shs_schema("shs_stages", "Every stage attempt")
class StageListView(HistoryServerView):
    def answer(self, request, model):
        return Response(eventlog.to_shs_stages(model, request.query_params.get("status")))


def _stage_options(request) -> dict:
    """``details`` (default true, anything but "true" is false, as in SHS) and ``taskStatus``."""
    return {
        "details": request.query_params.get("details", "true").lower() == "true",
        "task_statuses": eventlog.task_statuses(
            request.query_params.getlist("taskStatus"), "taskStatus"
        ),
    }


@shs_schema("shs_stage", "Every attempt of one stage, with tasks")
class StageView(HistoryServerView):
    def answer(self, request, model, stage_id: int):
        try:
            options = _stage_options(request)
        except ValueError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        attempts = eventlog.to_shs_stage_attempts(model, stage_id, **options)
        if not attempts:
            return _not_found(f"unknown stage: {stage_id}")
        return Response(attempts)


@shs_schema("shs_stage_attempt", "One stage attempt, with tasks")
class StageAttemptView(HistoryServerView):
    def answer(self, request, model, stage_id: int, attempt_id: int):
        try:
            options = _stage_options(request)
        except ValueError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        stage = eventlog.to_shs_stage_attempt(model, stage_id, attempt_id, **options)
        if stage is None:
            return _not_found(f"unknown attempt {attempt_id} of stage {stage_id}")
        return Response(stage)


@shs_schema("shs_task_summary", "Task metric quantiles of a stage attempt")
class TaskSummaryView(HistoryServerView):
    def answer(self, request, model, stage_id: int, attempt_id: int):
        quantiles = request.query_params.get("quantiles")
        try:
            wanted = tuple(float(q) for q in quantiles.split(",")) if quantiles else None
        except ValueError:
            return Response({"detail": "quantiles must be numbers like 0.05,0.5,0.95"}, 400)
        if wanted is not None and not all(0 <= q <= 1 for q in wanted):
            return Response({"detail": "quantiles must lie between 0 and 1"}, 400)
        if wanted is None:
            summary = eventlog.to_shs_task_summary(model, stage_id, attempt_id)
        else:
            summary = eventlog.to_shs_task_summary(model, stage_id, attempt_id, wanted)
        if summary is None:
            return _not_found(f"no finished task in attempt {attempt_id} of stage {stage_id}")
        return Response(summary)


@shs_schema("shs_executors", "Active executors")
class ExecutorListView(HistoryServerView):
    include_dead = False

    def answer(self, request, model):
        return Response(eventlog.to_shs_executors(model, include_dead=self.include_dead))


@shs_schema("shs_all_executors", "Every executor, removed ones too")
class AllExecutorListView(ExecutorListView):
    include_dead = True


@shs_schema("shs_task_list", "One page of a stage attempt's tasks")
class TaskListView(HistoryServerView):
    def answer(self, request, model, stage_id: int, attempt_id: int):
        params = request.query_params
        try:
            options = eventlog.task_list_options(
                offset=params.get("offset"),
                length=params.get("length"),
                sort_by=params.get("sortBy"),
                statuses=params.getlist("status"),
            )
        except ValueError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(eventlog.to_shs_task_list(model, stage_id, attempt_id, **options))


# ------------------------------------------- History Server paths qualified by an attempt id


class AttemptQualified:
    """``/api/v1/applications/{appId}/{attemptId}/...`` answers like the path without the
    attempt, for the application's own attempt; for any other attempt (every attempt of an
    application that has no attempt id, as in local mode) it is 404, as in SHS."""

    def get(self, request, app_id: str, app_attempt_id: str, **kwargs):
        application = SparkApplication.objects.filter(app_id=app_id).first()
        model = None if application is None else application_model(application)
        if model is None or not eventlog.has_attempt(model, app_attempt_id):
            return _not_found(f"no such app: {app_id}/{app_attempt_id}")
        return self.answer(request, model, **kwargs)


@shs_schema("shs_application_attempt", "One attempt of an application")
class ApplicationAttemptView(HistoryServerView):
    def answer(self, request, model, app_attempt_id: str):
        attempt = eventlog.to_shs_application_attempt(model, app_attempt_id)
        if attempt is None:
            return _not_found(f"unknown app {model.app.app_id}, attempt {app_attempt_id}")
        return Response(attempt)


@shs_schema("shs_attempt_jobs", "An application attempt's jobs")
class AttemptJobListView(AttemptQualified, JobListView):
    pass


@shs_schema("shs_attempt_job", "One job of an application attempt")
class AttemptJobView(AttemptQualified, JobView):
    pass


@shs_schema("shs_attempt_stages", "Every stage attempt of an application attempt")
class AttemptStageListView(AttemptQualified, StageListView):
    pass


@shs_schema("shs_attempt_stage", "Every attempt of one stage of an application attempt")
class AttemptStageView(AttemptQualified, StageView):
    pass


@shs_schema("shs_attempt_stage_attempt", "One stage attempt of an application attempt")
class AttemptStageAttemptView(AttemptQualified, StageAttemptView):
    pass


@shs_schema("shs_attempt_task_summary", "Task metric quantiles, application attempt path")
class AttemptTaskSummaryView(AttemptQualified, TaskSummaryView):
    pass


@shs_schema("shs_attempt_task_list", "One page of tasks, application attempt path")
class AttemptTaskListView(AttemptQualified, TaskListView):
    pass


@shs_schema("shs_attempt_executors", "Active executors of an application attempt")
class AttemptExecutorListView(AttemptQualified, ExecutorListView):
    pass


@shs_schema("shs_attempt_all_executors", "Every executor of an application attempt")
class AttemptAllExecutorListView(AttemptQualified, AllExecutorListView):
    pass
