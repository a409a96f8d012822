"""The seed's mlbench API: upload a file, start a job, read its results and metrics."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from mlbench.engine import TASK_NAMES
from mlbench.models import BenchmarkJob, Dataset, Target
from mlbench.services import DatasetError, results_document, start_benchmark, upload_dataset


class DatasetSerializer(serializers.ModelSerializer):
    file_id = serializers.IntegerField(source="pk")

    class Meta:
        model = Dataset
        fields = [
            "file_id",
            "name",
            "original_name",
            "format",
            "size_bytes",
            "status",
            "row_count",
            "schema",
            "error",
        ]


class UploadRequest(serializers.Serializer):
    file = serializers.FileField()
    name = serializers.CharField(required=False, max_length=200)


class JobRequest(serializers.Serializer):
    file_id = serializers.IntegerField()
    tasks = serializers.ListField(child=serializers.ChoiceField(TASK_NAMES), allow_empty=False)
    worker_counts = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=[1, 2, 4, 8]
    )
    repetitions = serializers.IntegerField(required=False, default=3, min_value=1, max_value=20)
    options = serializers.DictField(required=False, default=dict)
    target = serializers.ChoiceField(Target.values, required=False, default=Target.LOCAL)


class FileUploadView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": UploadRequest},
        responses={201: DatasetSerializer},
        summary="Upload a dataset",
    )
    def post(self, request):
        payload = UploadRequest(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            dataset = upload_dataset(
                uploaded=payload.validated_data["file"],
                name=payload.validated_data.get("name", ""),
                requested_by=request.user,
            )
        except DatasetError as error:
            return Response({error.field: [str(error)]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(DatasetSerializer(dataset).data, status=status.HTTP_201_CREATED)


class JobListView(APIView):
    @extend_schema(
        request=JobRequest,
        responses={
            202: inline_serializer(
                "JobAccepted",
                {"job_id": serializers.IntegerField(), "status": serializers.CharField()},
            )
        },
        summary="Start a benchmark job",
    )
    def post(self, request):
        payload = JobRequest(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        dataset = Dataset.objects.filter(pk=data["file_id"]).first()
        if dataset is None:
            return Response({"file_id": ["No such file."]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            job = start_benchmark(
                dataset=dataset,
                tasks=data["tasks"],
                worker_counts=data["worker_counts"],
                repetitions=data["repetitions"],
                options=data["options"],
                target=data["target"],
                requested_by=request.user,
            )
        except DatasetError as error:
            return Response({error.field: [str(error)]}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"job_id": job.pk, "status": job.status}, status=status.HTTP_202_ACCEPTED)


class JobDetailView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="A job's status and results")
    def get(self, request, pk: int):
        job = BenchmarkJob.objects.filter(pk=pk).first()
        if job is None:
            return Response({"detail": "No such job."}, status=status.HTTP_404_NOT_FOUND)
        return Response(results_document(job))


class JobMetricsView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="Times, speedup and efficiency")
    def get(self, request, pk: int):
        job = BenchmarkJob.objects.filter(pk=pk).first()
        if job is None:
            return Response({"detail": "No such job."}, status=status.HTTP_404_NOT_FOUND)
        document = job.document or {}
        return Response(
            {
                "job_id": job.pk,
                "status": job.status,
                "summary": document.get("summary", {}),
                "baseline": document.get("baseline", {}),
                "comparison": document.get("comparison", {}),
                "runs": document.get("runs", []),
                "machine": document.get("machine", {}),
            }
        )
