"""The seed HTTP API (ingest, job analytics, daily summary) and the History Server API."""

from __future__ import annotations

import json
import random

import orjson
import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from loganalytics.eventlog.readers import read_raw_events
from loganalytics.models import IngestBatch, SparkApplication, SparkEvent
from loganalytics.services import import_event_log
from tests.loganalytics.parity import differences
from tests.sparkhub.factories import UserFactory

pytestmark = pytest.mark.django_db

T0 = 1_767_261_600_000  # 2026-01-01T10:00:00Z


def seed_job(job_id, *, tasks, failed=(), start=T0, result="JobSucceeded", app_id=None):
    """The seed README's events for one job: start, one TaskEnd per task, end."""
    extra = {"app_id": app_id} if app_id else {}
    events = [
        {
            "event": "SparkListenerJobStart",
            "job_id": job_id,
            "timestamp": start,
            "user": "ana",
            **extra,
        }
    ]
    for task in range(tasks):
        events.append(
            {
                "event": "SparkListenerTaskEnd",
                "job_id": job_id,
                "task_id": task,
                "timestamp": start + 1000 + task,
                "duration_ms": 500 + task,
                "successful": task not in failed,
                **extra,
            }
        )
    events.append(
        {
            "event": "SparkListenerJobEnd",
            "job_id": job_id,
            "timestamp": start + 5000,
            "completion_time": start + 5000,
            "job_result": result,
            **extra,
        }
    )
    return events


@pytest.fixture
def api(client):
    cache.clear()  # throttling counters
    client.force_login(UserFactory())
    return client


def post(api, body, content_type="application/json", **params):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return api.post(f"/logs/ingest{'?' + query if query else ''}", data, content_type=content_type)


def test_one_seed_event_is_received_with_a_task_id_that_answers_with_the_job(api):
    response = post(api, seed_job("job-7", tasks=0)[0])

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "received" and len(body["task_id"]) == 36
    status = api.get(f"/analytics/jobs/{body['task_id']}")
    assert status.status_code == 200
    answer = status.json()
    assert (answer["task_id"], answer["status"]) == (body["task_id"], "success")
    assert answer["result"]["job_id"] == "job-7" and answer["result"]["status"] == "RUNNING"
    assert set(answer["result"]) >= {
        "job_id",
        "status",
        "start_time",
        "end_time",
        "duration_seconds",
        "total_tasks",
        "failed_tasks",
        "success_rate",
    }


def test_a_batch_as_ndjson_gives_the_seed_result_with_retries_counted(api):
    events = seed_job(1, tasks=5, failed={4})
    body = "\n".join(json.dumps(event) for event in events)

    task_id = post(api, body, content_type="application/x-ndjson").json()["task_id"]

    result = api.get(f"/analytics/jobs/{task_id}").json()["result"]
    assert result == {
        "job_id": "1",
        "app_id": "default",
        "status": "SUCCEEDED",
        "start_time": "2026-01-01T10:00:00.000Z",
        "end_time": "2026-01-01T10:00:05.000Z",
        "duration_seconds": 5.0,
        "total_tasks": 5,
        "failed_tasks": 1,
        "success_rate": 0.8,
    }
    assert api.get("/analytics/jobs/1").json() == result


def test_ingest_is_idempotent_and_order_free(api):
    events = seed_job(2, tasks=6, failed={1}) + seed_job(3, tasks=3, start=T0 + 60_000)
    post(api, events)
    in_order = api.get("/analytics/summary?date=2026-01-01").json()
    SparkApplication.objects.all().delete()

    shuffled = events * 2
    random.Random(7).shuffle(shuffled)
    for start in range(0, len(shuffled), 4):
        post(api, shuffled[start : start + 4])

    assert api.get("/analytics/summary?date=2026-01-01").json() == in_order
    assert SparkEvent.objects.count() == len(events)
    assert IngestBatch.objects.filter(events_added=0).exists()


def test_native_listener_json_from_a_log_can_be_posted_unchanged(api, eventlog, manifest):
    lines = [raw.data for raw in read_raw_events(eventlog("lz4_retries"))]
    app_id = manifest["lz4_retries"]["app_id"]

    post(
        api,
        b"\n".join(orjson.dumps(line) for line in reversed(lines)),
        content_type="application/x-ndjson",
        app_id=app_id,
    )

    jobs = api.get(f"/api/v1/applications/{app_id}/jobs").json()
    recorded = json.loads((eventlog("lz4_retries").parent / "shs" / "lz4_retries.json").read_text())
    assert differences(recorded["jobs"], jobs) == []


def test_a_bad_event_gets_a_400_naming_the_field(api):
    bad = {
        "event": "SparkListenerTaskEnd",
        "job_id": 1,
        "timestamp": T0,
        "task_id": 3,
        "duration_ms": "slow",
    }

    response = post(api, bad)

    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "duration_ms" and "duration_ms" in body["error"]
    assert SparkEvent.objects.count() == 0


def test_a_batch_with_bad_lines_stores_the_good_ones_and_reports_the_bad_by_index(api):
    events = seed_job(4, tasks=2)
    lines = [
        json.dumps(events[0]),
        "{not json",
        json.dumps({"event": "SparkListenerJobEnd"}),
        *map(json.dumps, events[1:]),
    ]

    response = post(api, "\n".join(lines), content_type="application/x-ndjson")

    assert response.status_code == 202
    body = response.json()
    assert [error["index"] for error in body["errors"]] == [1, 2]
    assert body["errors"][1]["field"] == "job_id"
    assert body["accepted"] == len(events)
    assert SparkEvent.objects.count() == len(events)


@pytest.mark.parametrize("body", ["", "not json at all", "[]", "42", '{"Event": 5}'])
def test_bodies_without_any_valid_event_are_refused(api, body):
    response = post(api, body)

    assert response.status_code == 400
    assert response.json()["status"] == "rejected"


def test_a_body_over_the_upload_limit_is_refused_without_a_server_error(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    events = seed_job(5, tasks=40)

    response = post(api, events)

    assert response.status_code == 400
    assert SparkEvent.objects.count() == 0


def test_application_ids_that_could_not_be_linked_to_are_refused_per_event(api):
    good = seed_job(6, tasks=1, app_id="etl-nightly")
    bad = seed_job(6, tasks=1, app_id="../etc/passwd")[0]

    refused = post(api, bad)
    mixed = post(api, [*good[:1], bad, *good[1:]]).json()

    assert refused.status_code == 400 and refused.json()["field"] == "app_id"
    assert [(e["index"], e["field"]) for e in mixed["errors"]] == [(1, "app_id")]
    assert list(SparkApplication.objects.values_list("app_id", flat=True)) == ["etl-nightly"]


def test_unknown_task_ids_and_jobs_are_404(api):
    assert api.get("/analytics/jobs/8d5ad5f0-1a2b-4c3d-9e8f-000000000000").status_code == 404
    assert api.get("/analytics/jobs/12345").status_code == 404


def test_the_daily_summary_has_the_seed_fields(api):
    post(api, seed_job("a", tasks=4, failed={0}) + seed_job("b", tasks=2, result="JobFailed"))
    post(api, seed_job("c", tasks=1, start=T0 + 86_400_000))

    body = api.get("/analytics/summary?date=2026-01-01").json()

    assert body["date"] == "2026-01-01"
    assert [job["job_id"] for job in body["jobs"]] == ["a", "b"]
    assert body["summary"]["total_jobs"] == 2
    assert body["summary"]["succeeded_jobs"] == 1 and body["summary"]["failed_jobs"] == 1
    assert body["summary"]["total_tasks"] == 6 and body["summary"]["failed_tasks"] == 1
    assert api.get("/analytics/summary?date=yesterday").status_code == 400


def test_the_api_needs_authentication_and_accepts_a_token(client):
    assert client.post("/logs/ingest", "{}", content_type="application/json").status_code in (
        401,
        403,
    )
    token = Token.objects.create(user=UserFactory())

    response = client.post(
        "/logs/ingest",
        json.dumps(seed_job(9, tasks=1)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )

    assert response.status_code == 202


@pytest.mark.parametrize("scenario", ["lz4_retries", "cluster_executor_loss", "rolling_zstd"])
def test_the_history_server_api_answers_what_the_real_history_server_recorded(
    api, scenario, eventlog, manifest, shs_answers
):
    import_event_log(path=eventlog(scenario))
    recorded = shs_answers(scenario)
    base = f"/api/v1/applications/{manifest[scenario]['app_id']}"

    answers = {
        "application": api.get(base).json(),
        "jobs": api.get(f"{base}/jobs").json(),
        "stages": api.get(f"{base}/stages").json(),
        "executors": api.get(f"{base}/executors").json(),
        "allexecutors": api.get(f"{base}/allexecutors").json(),
    }
    for key in recorded["stage_attempt"]:
        answers.setdefault("stage_attempt", {})[key] = api.get(f"{base}/stages/{key}").json()
    for key in recorded["stage"]:
        answers.setdefault("stage", {})[key] = api.get(f"{base}/stages/{key}").json()

    for name, answer in answers.items():
        assert differences(recorded[name], answer, name) == []
    job_id = recorded["jobs"][0]["jobId"]
    assert differences(recorded["jobs"][0], api.get(f"{base}/jobs/{job_id}").json()) == []
    listed = api.get("/api/v1/applications").json()
    assert differences([recorded["application"]], listed) == []


def test_the_task_summary_and_404s_follow_the_history_server(api, eventlog, manifest, shs_answers):
    import_event_log(path=eventlog("lz4_retries"))
    base = f"/api/v1/applications/{manifest['lz4_retries']['app_id']}"
    key, expected = next(
        (k, v) for k, v in shs_answers("lz4_retries")["task_summary"].items() if v is not None
    )

    assert differences(expected, api.get(f"{base}/stages/{key}/taskSummary").json()) == []
    halves = api.get(f"{base}/stages/{key}/taskSummary?quantiles=0.5").json()
    assert len(halves["executorRunTime"]) == 1
    assert api.get("/api/v1/applications/nope").status_code == 404
    assert api.get(f"{base}/jobs/999").status_code == 404
    assert api.get(f"{base}/stages/999").status_code == 404
    assert api.get(f"{base}/stages/0/9").status_code == 404
