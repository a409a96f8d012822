"""The History Server paths qualified by an application attempt, the task list, the
environment and stage summaries, over HTTP.

Compared with the real History Server's recorded answers (see make_eventlogs.py).
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.cache import cache

from loganalytics.models import SparkApplication
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
        "stage_list": {
            query: api.get(f"{base}/stages?{query}").json() for query in recorded["stage_list"]
        },
        "environment": api.get(f"{base}/environment").json(),
    }
    for key in recorded["task_list"]:
        stage, _, query = key.partition("?")
        answers["task_list"][key] = api.get(f"{base}/stages/{stage}/taskList?{query}").json()
    return answers


def recorded_subset(recorded: dict) -> dict:
    wanted = ("jobs", "stages", "executors", "allexecutors", "stage", "stage_attempt")
    subset = {
        key: recorded[key]
        for key in (*wanted, "task_list", "stage_query", "stage_list", "environment")
    }
    subset["task_summary"] = {k: v for k, v in recorded["task_summary"].items() if v is not None}
    return subset


def import_both_attempts(eventlog) -> None:
    import_event_log(path=eventlog("cluster_attempt"))
    import_event_log(path=eventlog("cluster_attempt_2"))


@pytest.mark.parametrize("scenario", ["cluster_attempt", "cluster_attempt_2"])
def test_each_attempt_answers_what_the_history_server_recorded_on_its_own_paths(
    api, scenario, eventlog, manifest, shs_answers
):
    entry = manifest[scenario]
    import_both_attempts(eventlog)
    recorded = shs_answers(scenario)
    base = f"/api/v1/applications/{entry['app_id']}/{entry['attempt_id']}"

    answers = history_server_answers(api, base, recorded)
    attempt = api.get(base).json()
    job_id = recorded["jobs"][0]["jobId"]

    assert differences(recorded_subset(recorded), answers, scenario) == []
    assert differences(recorded["application_attempt"], attempt) == []
    assert differences(recorded["jobs"][0], api.get(f"{base}/jobs/{job_id}").json()) == []
    assert attempt["attemptId"] == entry["attempt_id"]


def test_two_attempts_in_two_logs_are_one_application_with_two_attempts(
    api, eventlog, manifest, shs_answers
):
    app_id = manifest["cluster_attempt"]["app_id"]
    import_both_attempts(eventlog)
    recorded = shs_answers("cluster_attempt")["application"]

    application = api.get(f"/api/v1/applications/{app_id}").json()
    listed = api.get("/api/v1/applications").json()

    assert differences(recorded, application) == []
    assert [a["attemptId"] for a in application["attempts"]] == ["2", "1"]
    assert differences([recorded], listed) == []
    assert SparkApplication.objects.filter(app_id=app_id).count() == 2


def test_an_application_with_attempt_ids_answers_404_without_an_attempt_like_shs(
    api, eventlog, manifest, shs_answers
):
    import_both_attempts(eventlog)
    base = f"/api/v1/applications/{manifest['cluster_attempt']['app_id']}"
    recorded = shs_answers("cluster_attempt")["unqualified"]

    statuses = {path: api.get(f"{base}/{path}").status_code for path in recorded}

    assert statuses == recorded
    assert set(statuses.values()) == {404}


@pytest.mark.parametrize("scenario", ["lz4_retries", "cluster_attempt"])
def test_attempt_2_paths_answer_what_the_history_server_recorded(
    api, scenario, eventlog, manifest, shs_answers
):
    for name, entry in manifest.items():  # every attempt of the application
        if entry["app_id"] == manifest[scenario]["app_id"]:
            import_event_log(path=eventlog(name))
    base = f"/api/v1/applications/{manifest[scenario]['app_id']}"

    statuses = {
        path: api.get(f"{base}/{path}").status_code
        for path in shs_answers(scenario)["unknown_attempt"]
    }

    assert statuses == shs_answers(scenario)["unknown_attempt"]
    assert set(statuses.values()) == ({404} if scenario == "lz4_retries" else {200})


def test_rows_imported_before_attempts_were_kept_get_their_attempt_id_from_their_log(eventlog):
    migration = importlib.import_module("loganalytics.migrations.0003_application_attempts")
    run = import_event_log(path=eventlog("cluster_attempt_2"))
    SparkApplication.objects.filter(pk=run.application.pk).update(attempt_id="")

    migration.fill_attempt_ids(apps, None)

    assert SparkApplication.objects.get(pk=run.application.pk).attempt_id == "2"


def test_the_environment_redacts_like_the_history_server(api, eventlog, manifest, shs_answers):
    import_both_attempts(eventlog)
    entry = manifest["cluster_attempt_2"]
    recorded = shs_answers("cluster_attempt_2")["environment"]

    environment = api.get(f"/api/v1/applications/{entry['app_id']}/2/environment").json()

    assert differences(recorded, environment) == []
    properties = dict(environment["hadoopProperties"] + environment["systemProperties"])
    assert properties["fs.s3a.secret.key"] == "*********(redacted)"
    assert properties["sparkhub.fixture.command"] == "*********(redacted)"


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
