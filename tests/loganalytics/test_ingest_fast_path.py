"""Token-authenticated ``POST /logs/ingest`` answered before Django's request stack."""

from __future__ import annotations

import io
import json

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from rest_framework.authtoken.models import Token

from loganalytics.ingest_http import IngestFastPath
from loganalytics.models import IngestBatch, SparkEvent
from sparkhub.observability import HTTP_REQUESTS
from tests.loganalytics.test_django_api import seed_job
from tests.sparkhub.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def app():
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield IngestFastPath(get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token():
    return Token.objects.create(user=UserFactory())


def call(app, body: bytes, *, authorization="", path="/logs/ingest", query="", method="POST"):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "HTTP_HOST": "localhost",
        "CONTENT_TYPE": "application/x-ndjson",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "SCRIPT_NAME": "",
        "HTTP_X_REQUEST_ID": "req-42",
    }
    if authorization:
        environ["HTTP_AUTHORIZATION"] = authorization
    answer = {}

    def start_response(status, headers):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    chunks = app(environ, start_response)
    body = b"".join(chunks)
    getattr(chunks, "close", lambda: None)()
    answer["json"] = json.loads(body) if body else None
    return answer


def ndjson(events) -> bytes:
    return "\n".join(json.dumps(event) for event in events).encode()


def test_events_are_stored_and_answered_with_the_seed_receipt(app, token):
    answer = call(app, ndjson(seed_job(1, tasks=3)), authorization=f"Token {token.key}")

    assert answer["status"] == 202
    assert answer["json"]["status"] == "received"
    assert answer["headers"]["X-Request-ID"] == "req-42"
    receipt = IngestBatch.objects.get(task_id=answer["json"]["task_id"])
    assert receipt.requested_by == token.user
    assert (receipt.events_received, receipt.events_added) == (5, 5)
    assert SparkEvent.objects.count() == 5


def test_the_same_events_again_store_nothing(app, token):
    body = ndjson(seed_job(1, tasks=3))
    call(app, body, authorization=f"Token {token.key}")
    again = call(app, body, authorization=f"Token {token.key}")

    assert again["status"] == 202
    assert IngestBatch.objects.get(task_id=again["json"]["task_id"]).events_added == 0
    assert SparkEvent.objects.count() == 5


def test_a_bad_token_is_refused_and_stores_nothing(app):
    answer = call(app, ndjson(seed_job(1, tasks=1)), authorization="Token not-a-token")

    assert answer["status"] == 403
    assert answer["json"] == {"detail": "Invalid token."}
    assert SparkEvent.objects.count() == 0


def test_bad_lines_are_reported_by_index_and_good_ones_kept(app, token):
    events = seed_job(1, tasks=2)
    events[1] = {**events[1], "duration_ms": "slow"}
    answer = call(app, ndjson(events), authorization=f"Token {token.key}")

    assert answer["status"] == 202
    assert answer["json"]["accepted"] == len(events) - 1
    assert [error["index"] for error in answer["json"]["errors"]] == [1]
    assert answer["json"]["errors"][0]["field"] == "duration_ms"


def test_a_body_with_no_valid_event_is_a_400_naming_the_field(app, token):
    answer = call(app, b'{"event": "SparkListenerJobStart"}', authorization=f"Token {token.key}")

    assert answer["status"] == 400
    assert answer["json"]["status"] == "rejected"
    assert answer["json"]["field"] == "job_id"


def test_the_app_id_parameter_names_the_application(app, token):
    call(app, ndjson(seed_job(1, tasks=1)), authorization=f"Token {token.key}", query="app_id=a-1")

    assert set(SparkEvent.objects.values_list("application__app_id", flat=True)) == {"a-1"}


def test_a_body_over_the_limit_is_refused(app, token, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    answer = call(app, ndjson(seed_job(1, tasks=5)), authorization=f"Token {token.key}")

    assert answer["status"] == 413
    assert SparkEvent.objects.count() == 0


def test_requests_without_a_token_go_through_django(app, client):
    answer = call(app, ndjson(seed_job(1, tasks=1)))  # no credentials: DRF refuses

    assert answer["status"] in (401, 403)
    assert "detail" in answer["json"]
    assert call(app, b"", path="/logs/ingest", method="GET")["status"] in (401, 403, 405)


def test_answers_are_counted_in_the_metrics(app, token):
    counter = HTTP_REQUESTS.labels("POST", "logs/ingest", "202")
    before = counter._value.get()
    call(app, ndjson(seed_job(1, tasks=1)), authorization=f"Token {token.key}")

    assert counter._value.get() == before + 1


def test_token_posts_never_reach_django(token):
    def django(environ, start_response):
        raise AssertionError("the request went through Django's stack")

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        answer = call(
            IngestFastPath(django), ndjson(seed_job(1, tasks=1)), authorization=f"Token {token.key}"
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert answer["status"] == 202
