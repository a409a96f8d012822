"""Lakehouse API for schedulers: start a pipeline run, then poll it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from lakehouse.models import Pipeline, PipelineRun
from lakehouse.services import PipelineConfigError, start_pipeline_run


class StartRunRequest(serializers.Serializer):
    overrides = serializers.JSONField(required=False, help_text='{"key": value} or ["key=value"]')
    dry_run = serializers.BooleanField(required=False, default=False)

    def validate_overrides(self, value):
        if value in (None, ""):
            return []
        if isinstance(value, dict):
            return value
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return value
        raise serializers.ValidationError('Give {"key": value} or ["key=value", …].')


class PipelineRunSerializer(serializers.ModelSerializer):
    steps = serializers.SerializerMethodField()

    class Meta:
        model = PipelineRun
        fields = [
            "id",
            "pipeline_name",
            "status",
            "progress",
            "progress_message",
            "error",
            "dry_run",
            "overrides",
            "created_at",
            "started_at",
            "finished_at",
            "spark_application_id",
            "steps",
            "report",
        ]

    def get_steps(self, run) -> list[dict]:
        return [
            {
                "name": s.name,
                "status": s.status,
                "rows_in": s.rows_in,
                "rows_out": s.rows_out,
                "rows_rejected": s.rows_rejected,
                "duration_seconds": s.duration_seconds,
                "error": s.error,
            }
            for s in run.step_runs.all()
        ]


class StartRunView(APIView):
    @extend_schema(
        request=StartRunRequest, responses={202: PipelineRunSerializer}, summary="Start a run"
    )
    def post(self, request, name: str):
        pipeline = Pipeline.objects.filter(name=name).first()
        if pipeline is None:
            return Response({"detail": f"No pipeline named {name!r}."}, status=404)
        payload = StartRunRequest(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            run = start_pipeline_run(
                pipeline=pipeline,
                overrides=payload.validated_data.get("overrides") or [],
                dry_run=payload.validated_data["dry_run"],
                requested_by=request.user,
            )
        except PipelineConfigError as error:
            return Response({"config": error.problems}, status=status.HTTP_400_BAD_REQUEST)
        return Response(PipelineRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunStatusView(APIView):
    @extend_schema(responses=PipelineRunSerializer, summary="A run's status, steps and report")
    def get(self, request, pk: int):
        run = PipelineRun.objects.filter(pk=pk).first()
        if run is None:
            return Response({"detail": "No such run."}, status=404)
        return Response(PipelineRunSerializer(run).data)


class PipelineListView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "PipelineSummary",
            {
                "name": serializers.CharField(),
                "description": serializers.CharField(),
                "shipped": serializers.BooleanField(),
            },
            many=True,
        ),
        summary="Pipelines",
    )
    def get(self, request):
        return Response(list(Pipeline.objects.values("name", "description", "shipped")))
