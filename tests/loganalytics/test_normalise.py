from __future__ import annotations

import pytest

from loganalytics.eventlog import DEFAULT_APP_ID, EventLogError, normalise


def test_a_seed_job_start_becomes_a_job_start_of_the_default_application():
    raw = {
        "job_id": "job-42",
        "event": "SparkListenerJobStart",
        "timestamp": "2024-01-01T10:00:00Z",
        "user": "alice",
    }

    event = normalise(raw)

    assert event.kind == "JobStart"
    assert event.app_id == DEFAULT_APP_ID
    assert event.time == 1704103200000
    assert event.fields["user"] == "alice"
    assert event.identity == "JobStart:job-42"


def test_a_seed_event_with_an_app_id_belongs_to_that_application():
    raw = {
        "event": "SparkListenerTaskEnd",
        "job_id": 7,
        "app_id": "etl-nightly",
        "timestamp": 1704103200,
        "task_id": 3,
        "duration_ms": 1500,
        "successful": False,
    }

    event = normalise(raw)

    assert event.app_id == "etl-nightly"
    assert event.time == 1704103200000  # epoch seconds are recognised as seconds
    assert event.fields["successful"] is False
    assert event.identity == "TaskEnd:seed:7:3"


def test_the_same_native_event_sent_twice_has_the_same_identity():
    raw = {
        "Event": "SparkListenerJobEnd",
        "Job ID": 3,
        "Completion Time": 1000,
        "Job Result": {"Result": "JobSucceeded"},
    }

    first, second = normalise(raw, app_id="app-1"), normalise(dict(raw), app_id="app-1")

    assert first.identity == second.identity == "JobEnd:3"


def test_unknown_native_events_are_kept_with_a_content_identity():
    raw = {"Event": "com.example.MyListenerEvent", "payload": [1, 2]}

    event = normalise(raw)

    assert event.kind == "Other"
    assert event.identity.startswith("Other:com.example.MyListenerEvent:")
    assert normalise(dict(raw)).identity == event.identity


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"event": "SparkListenerJobStart", "timestamp": 1}, "job_id"),
        ({"event": "SparkListenerJobStart", "job_id": 1, "timestamp": "yesterday"}, "timestamp"),
        (
            {
                "event": "SparkListenerTaskEnd",
                "job_id": 1,
                "timestamp": 1,
                "task_id": 2,
                "duration_ms": "fast",
            },
            "duration_ms",
        ),
        (
            {
                "event": "SparkListenerTaskEnd",
                "job_id": 1,
                "timestamp": 1,
                "task_id": 2,
                "successful": "yes",
            },
            "successful",
        ),
        (
            {"event": "SparkListenerJobEnd", "job_id": 1, "timestamp": 1, "job_result": "Maybe"},
            "job_result",
        ),
        ({"event": "SparkListenerStageSubmitted", "job_id": 1, "timestamp": 1}, "event"),
        (
            {"Event": "SparkListenerTaskStart", "Stage ID": 0, "Task Info": {"Task ID": True}},
            "Task Info.Task ID",
        ),
        ({"Event": "SparkListenerJobStart", "Job ID": 1, "Stage IDs": ["a"]}, "Stage IDs"),
        ({"Event": 12}, "Event"),
        ({"hello": "world"}, "Event"),
    ],
)
def test_invalid_events_raise_an_error_naming_the_field(raw, field):
    with pytest.raises(EventLogError) as raised:
        normalise(raw)

    assert raised.value.field == field
    assert f"'{field}'" in str(raised.value)


def test_a_task_end_without_metrics_counts_as_zero_metrics_like_spark_reads_it():
    raw = {
        "Event": "SparkListenerTaskEnd",
        "Stage ID": 1,
        "Stage Attempt ID": 0,
        "Task End Reason": {
            "Reason": "ExecutorLostFailure",
            "Executor ID": "1",
            "Exit Caused By App": True,
            "Loss Reason": "exit 137",
        },
        "Task Info": {
            "Task ID": 4,
            "Index": 0,
            "Attempt": 0,
            "Launch Time": 10,
            "Executor ID": "1",
            "Host": "h",
            "Finish Time": 20,
            "Failed": True,
        },
    }

    event = normalise(raw)

    assert set(event.fields["metrics"]) == {0}
    assert event.fields["error"] == (
        "ExecutorLostFailure (executor 1 exited caused by one of the running tasks) "
        "Reason: exit 137"
    )
