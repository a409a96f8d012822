"""The explainer's JSON API: submit code, then read its status and result."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.validators import ProhibitSurrogateCharactersValidator
from rest_framework.views import APIView

from explainer.models import Submission
from explainer.services import SubmissionError, submit_code


class StrictCharField(serializers.CharField):
    """A string, not something DRF would coerce into one (a number, a boolean).

    DRF's surrogate check walks the string in Python, character by character (15 ms for 36 KB
    of code); encoding to UTF-8 refuses lone surrogates just the same, in C.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitSurrogateCharactersValidator)
        ]

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            raise serializers.ValidationError("Text must not contain lone surrogates.") from None
        return super().to_internal_value(data)


class ExplainRequest(serializers.Serializer):
    code = StrictCharField(required=False, allow_blank=False, trim_whitespace=False)
    files = serializers.DictField(child=StrictCharField(trim_whitespace=False), required=False)
    title = serializers.CharField(required=False, max_length=200)

    def validate(self, attrs):
        if not attrs.get("code") and not attrs.get("files"):
            raise serializers.ValidationError({"code": "Send code, or files as {name: source}."})
        return attrs


def result_document(submission: Submission) -> dict:
    return {
        "analysis": submission.analysis,
        "explanation": {
            "source": submission.explanation_source,
            "text": submission.offline_explanation,
            "llm": submission.llm_explanation or None,
            "llm_error": submission.llm_error or None,
            "model": submission.llm_model or None,
            "tokens": {"prompt": submission.prompt_tokens, "output": submission.output_tokens},
        },
        "documentation": submission.documentation,
    }


class ExplainView(APIView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "explain"

    @extend_schema(
        request=ExplainRequest,
        responses=inline_serializer(
            "ExplainAccepted",
            {
                "job_id": serializers.UUIDField(),
                "status": serializers.CharField(),
                "cached": serializers.BooleanField(),
            },
        ),
        summary="Explain PySpark code",
    )
    def post(self, request):
        payload = ExplainRequest(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        files = data.get("files") or {"main.py": data["code"]}
        try:
            submission, cached = submit_code(
                files=files, title=data.get("title", ""), requested_by=request.user
            )
        except SubmissionError as error:
            return Response({"code": [str(error)]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {
                "job_id": str(submission.public_id),
                "status": submission.seed_status,
                "cached": cached,
            },
            status=status.HTTP_200_OK
            if submission.seed_status == "finished"
            else status.HTTP_202_ACCEPTED,
        )


class StatusResponse(serializers.Serializer):
    job_id = serializers.UUIDField()
    status = serializers.ChoiceField(["pending", "finished", "failed"])
    progress = serializers.IntegerField()
    message = serializers.CharField()
    error = serializers.CharField(required=False)
    result = inline_serializer(
        "ExplainResult",
        {
            "analysis": serializers.DictField(),
            "explanation": serializers.DictField(),
            "documentation": serializers.CharField(),
        },
        required=False,
    )


class StatusView(APIView):
    @extend_schema(summary="Status and result of an explanation", responses=StatusResponse)
    def get(self, request, job_id):
        submission = Submission.objects.filter(public_id=job_id).first()
        if submission is None:
            return Response({"detail": "No such job."}, status=status.HTTP_404_NOT_FOUND)
        body = {
            "job_id": str(submission.public_id),
            "status": submission.seed_status,
            "progress": submission.progress,
            "message": submission.progress_message,
        }
        if submission.seed_status == "failed":
            body["error"] = submission.error
        if submission.analysis:
            body["result"] = result_document(submission)
        return Response(body)
