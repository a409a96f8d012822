"""JSON logs carry the request's correlation id; OTLP tracing reaches a collector when set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from tests.sparkhub.helpers import REPO

REQUEST_A_MISSING_PAGE = """
import django
django.setup()
from django.test import Client
Client().get("/no-such-page/", HTTP_X_REQUEST_ID="req-42", HTTP_HOST="localhost")
"""


def run_django_snippet(code: str, **variables: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sparkhub.settings", **variables}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=90
    )


def test_json_logs_are_one_object_per_line_with_the_request_correlation_id():
    done = run_django_snippet(REQUEST_A_MISSING_PAGE, LOG_FORMAT="json")

    records = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    not_found = [r for r in records if r["logger"] == "django.request"]
    assert not_found, done.stderr
    assert not_found[0]["correlation_id"] == "req-42"
    assert not_found[0]["level"] == "WARNING"
    assert "/no-such-page/" in not_found[0]["message"]


class CollectorHandler(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        CollectorHandler.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_with_an_otlp_endpoint_request_spans_are_exported_to_the_collector():
    collector = HTTPServer(("127.0.0.1", 0), CollectorHandler)
    thread = threading.Thread(target=collector.serve_forever, daemon=True)
    thread.start()
    endpoint = f"http://127.0.0.1:{collector.server_port}"
    try:
        done = run_django_snippet(
            REQUEST_A_MISSING_PAGE
            + "from opentelemetry import trace\ntrace.get_tracer_provider().shutdown()\n",
            OTEL_EXPORTER_OTLP_ENDPOINT=endpoint,
        )
    finally:
        collector.shutdown()

    assert done.returncode == 0, done.stderr
    paths = [path for path, _ in CollectorHandler.received]
    assert "/v1/traces" in paths
    body = b"".join(body for path, body in CollectorHandler.received if path == "/v1/traces")
    assert b"sparkhub" in body  # the service.name resource attribute
