"""``POST /logs/ingest``: the answer, and a fast path for API tokens.

Event forwarders post one event per request at the rate Spark emits them, so the cost of a
request decides how many events a second sparkhub takes. Django's full request stack (URL
resolution, a dozen middleware, DRF's negotiation) costs more than storing the event itself,
so :class:`IngestFastPath` answers token-authenticated posts to ``/logs/ingest`` before it,
with the same answers, the same authentication rules, database connection handling,
correlation ids and metrics. Anything else — a browser session, another path or method —
goes through Django as usual (:class:`loganalytics.api.IngestView`).
"""

from __future__ import annotations

import logging
import time
import uuid
from urllib.parse import parse_qs

import orjson
from django.conf import settings
from django.core.signals import request_finished, request_started
from rest_framework.exceptions import AuthenticationFailed

from loganalytics.eventlog import EventLogError
from loganalytics.services import IngestRejected, ingest_events
from sparkhub.authentication import CachedTokenAuthentication
from sparkhub.observability import (
    HTTP_LATENCY,
    HTTP_REQUESTS,
    SAFE_REQUEST_ID,
    bind_correlation_id,
)

PATH = "/logs/ingest"
ROUTE = "logs/ingest"  # the URL pattern's route, as the middleware labels metrics
logger = logging.getLogger(__name__)


def ingest_answer(body: bytes, *, app_id: str | None, user) -> tuple[int, dict]:
    """(HTTP status, JSON body) for an ingest request: 202 with the task id, or 400."""
    try:
        batch = ingest_events(body=body, app_id=app_id or None, requested_by=user)
    except IngestRejected as error:
        return 400, {
            "status": "rejected",
            "error": error.reason,
            "field": error.field,
            "errors": error.errors,
        }
    except EventLogError as error:
        return 400, {"status": "rejected", "error": error.reason, "field": error.field}
    answer = {"status": "received", "task_id": str(batch.task_id)}
    if batch.errors:
        answer["errors"] = batch.errors
        answer["accepted"] = batch.events_received - len(batch.errors)
    return 202, answer


class IngestFastPath:
    """WSGI middleware around Django's application (see the module's docstring)."""

    def __init__(self, application) -> None:
        self.application = application
        self.authentication = CachedTokenAuthentication()

    def __call__(self, environ, start_response):
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        if (
            environ.get("PATH_INFO") != PATH
            or environ.get("REQUEST_METHOD") != "POST"
            or not authorization.startswith("Token ")
        ):
            return self.application(environ, start_response)
        started = time.perf_counter()
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        # Django's own signals: they open, health-check and recycle database connections.
        request_started.send(sender=self.__class__, environ=environ)
        try:
            with bind_correlation_id(request_id):
                status, answer = self._answer(environ, authorization)
        except Exception:
            logger.exception("Internal Server Error: %s", PATH)
            status, answer = 500, {"detail": "Server error: the events were not stored."}
        finally:
            request_finished.send(sender=self.__class__)
        HTTP_REQUESTS.labels("POST", ROUTE, str(status)).inc()
        HTTP_LATENCY.labels("POST", ROUTE).observe(time.perf_counter() - started)
        payload = orjson.dumps(answer)
        start_response(
            f"{status} {_REASONS[status]}",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(payload))),
                ("X-Request-ID", request_id),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )
        return [payload]

    def _answer(self, environ, authorization: str) -> tuple[int, dict]:
        parts = authorization.split()
        if len(parts) != 2:
            return 403, {"detail": "Invalid token header."}
        try:
            user, _ = self.authentication.authenticate_credentials(parts[1])
        except AuthenticationFailed as error:
            return 403, {"detail": str(error.detail)}
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return 400, {"status": "rejected", "error": "bad Content-Length", "field": None}
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return 413, {
                "status": "rejected",
                "error": f"the body is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes: "
                "send the events in smaller batches",
                "field": None,
            }
        body = environ["wsgi.input"].read(length) if length else b""
        app_id = parse_qs(environ.get("QUERY_STRING", "")).get("app_id", [None])[0]
        return ingest_answer(body, app_id=app_id, user=user)


_REASONS = {
    202: "Accepted",
    400: "Bad Request",
    403: "Forbidden",
    413: "Content Too Large",
    500: "Internal Server Error",
}
