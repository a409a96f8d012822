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
    def decorate(view):
        view.shs_operation = (operation_id, summary)
        return extend_schema_view(
            get=extend_schema(
                operation_id=operation_id,
                responses=OpenApiTypes.OBJECT,
                summary=f"{summary} (History Server shape)",
                tags=["history-server"],
            )
        )(view)

    return decorate


def _not_found(what: str) -> Response:
    return Response({"detail": what}, status=status.HTTP_404_NOT_FOUND)


def _bad_request(error: ValueError) -> Response:
    return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)


class HistoryServerView(APIView):
    """Base: resolves the application (attempt) to its model, or answers 404 like SHS.

    Below ``/applications/{appId}`` SHS answers for the attempt without an id, so an
    application whose attempts have ids (YARN) is 404 there and answers only under
    ``/applications/{appId}/{attemptId}/...`` (see :func:`attempt_qualified`).
    """

    def get(self, request, app_id: str, app_attempt_id: str = "", **kwargs):
        application = SparkApplication.objects.filter(
            app_id=app_id, attempt_id=app_attempt_id
        ).first()
        if application is None:
            attempt = f"/{app_attempt_id}" if app_attempt_id else ""
            return _not_found(f"no such app: {app_id}{attempt}")
        return self.answer(request, application_model(application), **kwargs)

    def answer(self, request, model, **kwargs) -> Response:
        raise NotImplementedError


def attempt_qualified(view: type[HistoryServerView]) -> type[HistoryServerView]:
    """``view`` under ``/applications/{appId}/{attemptId}/...``: the same answer, for the
    attempt named (SHS answers 404 for an attempt the application does not have, and for
    every attempt of an application without attempt ids, as in local mode)."""
    operation_id, summary = view.shs_operation
    qualified = type(f"Attempt{view.__name__}", (view,), {})
    return shs_schema(f"{operation_id}_of_attempt", f"{summary}, one application attempt")(
        qualified
    )


def _application_models(app_ids: list[str]) -> dict[str, list]:
    """The models of every attempt of these applications, by application id."""
    models: dict[str, list] = {app_id: [] for app_id in app_ids}
    for application in SparkApplication.objects.filter(app_id__in=app_ids):
        models[application.app_id].append(application_model(application))
    return models


@shs_schema("shs_applications", "Applications")
class ApplicationListView(APIView):
    def get(self, request):
        attempts = SparkApplication.objects.order_by("-started_at")
        wanted = request.query_params.get("status", "").lower()
        if wanted == "running":
            attempts = attempts.filter(ended_at__isnull=True)
        elif wanted == "completed":
            attempts = attempts.filter(ended_at__isnull=False)
        # An application is listed, with all its attempts, when one of them matches.
        app_ids = list(dict.fromkeys(attempts.values_list("app_id", flat=True)))
        limit = request.query_params.get("limit", "")
        if limit.isdigit():
            app_ids = app_ids[: int(limit)]
        models = _application_models(app_ids)
        return Response(
            eventlog.to_shs_applications([model for group in models.values() for model in group])
        )


@shs_schema("shs_application", "One application and its attempts")
class ApplicationView(APIView):
    def get(self, request, app_id: str):
        attempts = _application_models([app_id])[app_id]
        if not attempts:
            return _not_found(f"unknown app: {app_id}")
        return Response(eventlog.to_shs_application(*attempts))


@shs_schema("shs_application_attempt", "One attempt of an application")
class ApplicationAttemptView(HistoryServerView):
    def answer(self, request, model):
        attempt = eventlog.to_shs_application_attempt(model, model.app.attempt_id or "")
        if attempt is None:
            return _not_found(f"no such app: {model.app.app_id}")
        return Response(attempt)


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
        params = request.query_params
        try:
            options = eventlog.stage_list_options(
                details=params.get("details"),
                with_summaries=params.get("withSummaries"),
                quantiles=params.get("quantiles"),
                task_statuses=params.getlist("taskStatus"),
            )
        except ValueError as error:
            return _bad_request(error)
        return Response(eventlog.to_shs_stages(model, params.get("status"), **options))


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
            return _bad_request(error)
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
            return _bad_request(error)
        stage = eventlog.to_shs_stage_attempt(model, stage_id, attempt_id, **options)
        if stage is None:
            return _not_found(f"unknown attempt {attempt_id} of stage {stage_id}")
        return Response(stage)


@shs_schema("shs_task_summary", "Task metric quantiles of a stage attempt")
class TaskSummaryView(HistoryServerView):
    def answer(self, request, model, stage_id: int, attempt_id: int):
        quantiles = request.query_params.get("quantiles")
        try:
            wanted = eventlog.quantile_list(quantiles) if quantiles else eventlog.DEFAULT_QUANTILES
        except ValueError as error:
            return _bad_request(error)
        summary = eventlog.to_shs_task_summary(model, stage_id, attempt_id, wanted)
        if summary is None:
            return _not_found(f"no finished task in attempt {attempt_id} of stage {stage_id}")
        return Response(summary)


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
            return _bad_request(error)
        return Response(eventlog.to_shs_task_list(model, stage_id, attempt_id, **options))


@shs_schema("shs_executors", "Active executors")
class ExecutorListView(HistoryServerView):
    include_dead = False

    def answer(self, request, model):
        return Response(eventlog.to_shs_executors(model, include_dead=self.include_dead))


@shs_schema("shs_all_executors", "Every executor, removed ones too")
class AllExecutorListView(ExecutorListView):
    include_dead = True


@shs_schema("shs_environment", "Runtime, properties, classpath and resource profiles")
class EnvironmentView(HistoryServerView):
    def answer(self, request, model):
        environment = eventlog.to_shs_environment(model)
        if environment is None:
            return _not_found("the log has no environment")
        return Response(environment)
