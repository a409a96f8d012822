"""The History Server paths qualified by an application attempt, and the task list, over HTTP.

Compared with the real History Server's recorded answers (see make_eventlogs.py).
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from loganalytics.services import import_event_log
from tests.loganalytics.parity import differences
from tests.sparkhub.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    cache.clear()  # throttling counters
    client.force_login(UserFactory())
    return client


def history_server_answers(api, base: str, recorded: dict) -> dict:
    """sparkhub's HTTP answers to every request the recording holds, under ``base``."""
    answers = {
        "jobs": api.get(f"{base}/jobs").json(),
        "stages": api.get(f"{base}/stages").json(),
        "executors": api.get(f"{base}/executors").json(),
        "allexecutors": api.get(f"{base}/allexecutors").json(),
        "stage": {key: api.get(f"{base}/stages/{key}").json() for key in recorded["stage"]},
        "stage_attempt": {
            key: api.get(f"{base}/stages/{key}").json() for key in recorded["stage_attempt"]
        },
        "task_summary": {
            key: api.get(f"{base}/stages/{key}/taskSummary").json()
            for key, summary in recorded["task_summary"].items()
            if summary is not None
        },
        "task_list": {},
        "stage_query": {
            key: api.get(f"{base}/stages/{key}").json() for key in recorded["stage_query"]
        },
    }
    for key in recorded["task_list"]:
        stage, _, query = key.partition("?")
        answers["task_list"][key] = api.get(f"{base}/stages/{stage}/taskList?{query}").json()
    return answers


def recorded_subset(recorded: dict) -> dict:
    wanted = ("jobs", "stages", "executors", "allexecutors", "stage", "stage_attempt")
    subset = {key: recorded[key] for key in (*wanted, "task_list", "stage_query")}
    subset["task_summary"] = {k: v for k, v in recorded["task_summary"].items() if v is not None}
    return subset


def test_an_applications_own_attempt_answers_what_the_history_server_recorded(
    api, eventlog, manifest, shs_answers
):
    entry = manifest["cluster_attempt"]
    import_event_log(path=eventlog("cluster_attempt"))
    recorded = shs_answers("cluster_attempt")
    base = f"/api/v1/applications/{entry['app_id']}/{entry['attempt_id']}"

    answers = history_server_answers(api, base, recorded)
    attempt = api.get(base).json()
    job_id = recorded["jobs"][0]["jobId"]

    assert differences(recorded_subset(recorded), answers, "cluster_attempt") == []
    assert differences(recorded["application_attempt"], attempt) == []
    assert differences(recorded["jobs"][0], api.get(f"{base}/jobs/{job_id}").json()) == []
    assert attempt["attemptId"] == "1"


@pytest.mark.parametrize("scenario", ["lz4_retries", "cluster_attempt"])
def test_an_attempt_the_application_does_not_have_is_404_like_in_the_history_server(
    api, scenario, eventlog, manifest, shs_answers
):
    import_event_log(path=eventlog(scenario))
    base = f"/api/v1/applications/{manifest[scenario]['app_id']}"

    statuses = {
        path: api.get(f"{base}/{path}").status_code
        for path in shs_answers(scenario)["unknown_attempt"]
    }

    assert statuses == shs_answers(scenario)["unknown_attempt"]
    assert set(statuses.values()) == {404}


def test_task_lists_and_stage_options_answer_what_the_history_server_recorded(
    api, eventlog, manifest, shs_answers
):
    import_event_log(path=eventlog("lz4_retries"))
    recorded = shs_answers("lz4_retries")
    base = f"/api/v1/applications/{manifest['lz4_retries']['app_id']}"

    answers = history_server_answers(api, base, recorded)

    assert differences(recorded_subset(recorded), answers, "lz4_retries") == []
    failed = [key for key, tasks in recorded["task_list"].items() if "status=FAILED" in key]
    assert any(recorded["task_list"][key] for key in failed)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("sortBy=slowest", "sortBy"),
        ("status=done", "status"),
        ("offset=first", "offset"),
        ("length=-1", "length"),
    ],
)
def test_a_task_list_parameter_that_is_not_what_the_history_server_accepts_is_a_400(
    api, eventlog, manifest, query, parameter
):
    import_event_log(path=eventlog("lz4_retries"))
    base = f"/api/v1/applications/{manifest['lz4_retries']['app_id']}"

    response = api.get(f"{base}/stages/0/0/taskList?{query}")

    assert response.status_code == 400
    assert response.json()["detail"].startswith(parameter)


def test_a_task_list_of_an_unknown_stage_is_empty_and_a_bad_task_status_is_a_400(
    api, eventlog, manifest
):
    import_event_log(path=eventlog("lz4_retries"))
    base = f"/api/v1/applications/{manifest['lz4_retries']['app_id']}"

    assert api.get(f"{base}/stages/999/0/taskList").json() == []
    assert api.get(f"{base}/stages/0?taskStatus=done").status_code == 400
