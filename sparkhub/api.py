"""Platform API: the runs every app has queued, as scripts and dashboards see them."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from sparkhub.services import recent_runs


class RunSerializer(serializers.Serializer):
    kind = serializers.CharField(source="_meta.label_lower")
    id = serializers.IntegerField(source="pk")
    status = serializers.CharField()
    progress = serializers.IntegerField()
    progress_message = serializers.CharField()
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()
    job_id = serializers.CharField()


class RecentRunsView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("limit", int, description="How many runs (1-200)")],
        responses=RunSerializer(many=True),
    )
    def get(self, request):
        try:
            limit = max(1, min(200, int(request.query_params.get("limit", 20))))
        except ValueError:
            return Response({"limit": "must be a whole number"}, status=400)
        return Response(RunSerializer(recent_runs(limit), many=True).data)
