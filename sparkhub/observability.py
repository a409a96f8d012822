"""Correlation ids, JSON logs, Prometheus metrics and optional OpenTelemetry tracing."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Histogram

correlation_id: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="-")

HTTP_REQUESTS = Counter(
    "sparkhub_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "sparkhub_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@contextmanager
def bind_correlation_id(value: str) -> Iterator[None]:
    """Tag every log line in this context (a request, a run) with ``value``."""
    token = correlation_id.set(value)
    try:
        yield
    finally:
        correlation_id.reset(token)


class RequestContextMiddleware:
    """Give each request a correlation id and record its count and latency."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        started = time.perf_counter()
        # Not reset on the way out: Django logs 4xx/5xx responses after the middleware returns.
        # clear_correlation_id (on request_finished) resets it once the response is closed.
        correlation_id.set(request_id)
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        # The route pattern, not the path, keeps label cardinality bounded.
        route = (match.route or "/") if match else getattr(request, "metrics_route", "unmatched")
        HTTP_REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        HTTP_LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        response["X-Request-ID"] = request_id
        return response


def clear_correlation_id(**kwargs) -> None:
    correlation_id.set("-")


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = correlation_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        document = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": getattr(record, "correlation_id", correlation_id.get()),
        }
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return json.dumps(document, default=str)


def configure_tracing() -> None:
    """Export Django request spans over OTLP/HTTP to ``OTEL_EXPORTER_OTLP_ENDPOINT``."""
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": "sparkhub"}))
    # The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (and headers) itself.
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    DjangoInstrumentor().instrument()
