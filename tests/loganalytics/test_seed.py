from __future__ import annotations

from datetime import date

from loganalytics.eventlog import aggregate, daily_summary, job_result, load_application, normalise


def _seed_model():
    raw = [
        {
            "event": "SparkListenerJobStart",
            "job_id": "a",
            "timestamp": "2024-03-01T10:00:00Z",
            "user": "alice",
        },
        *[
            {
                "event": "SparkListenerTaskEnd",
                "job_id": "a",
                "timestamp": "2024-03-01T10:00:05Z",
                "task_id": i,
                "duration_ms": 1000,
                "successful": i != 3,
            }
            for i in range(4)
        ],
        {
            "event": "SparkListenerJobEnd",
            "job_id": "a",
            "timestamp": "2024-03-01T10:00:30Z",
            "completion_time": "2024-03-01T10:00:30Z",
            "job_result": "JobSucceeded",
        },
        {
            "event": "SparkListenerJobStart",
            "job_id": "b",
            "timestamp": "2024-03-02T09:00:00Z",
            "user": "bob",
        },
    ]
    return aggregate([normalise(event) for event in raw])


def test_a_seed_job_result_has_the_seed_fields_with_retries_counted_per_attempt():
    model = _seed_model()

    result = job_result(model, model.jobs["a"])

    assert result == {
        "job_id": "a",
        "app_id": "default",
        "status": "SUCCEEDED",
        "start_time": "2024-03-01T10:00:00.000Z",
        "end_time": "2024-03-01T10:00:30.000Z",
        "duration_seconds": 30.0,
        "total_tasks": 4,
        "failed_tasks": 1,
        "success_rate": 0.75,
    }


def test_a_job_still_running_has_no_end_and_no_rate_until_a_task_ends():
    model = _seed_model()

    result = job_result(model, model.jobs["b"])

    assert (result["status"], result["end_time"], result["duration_seconds"]) == (
        "RUNNING",
        None,
        None,
    )
    assert (result["total_tasks"], result["success_rate"]) == (0, None)


def test_a_retried_native_task_counts_every_attempt(eventlog):
    model = load_application(eventlog("lz4_retries"))

    result = job_result(model, model.jobs[0])

    assert result["failed_tasks"] == 1
    assert result["total_tasks"] == result["failed_tasks"] + 8
    assert result["success_rate"] == round(8 / 9, 4)


def test_the_daily_summary_takes_only_the_jobs_submitted_that_day():
    summary = daily_summary([_seed_model()], date(2024, 3, 1))

    assert [job["job_id"] for job in summary["jobs"]] == ["a"]
    assert summary["summary"] == {
        "total_jobs": 1,
        "succeeded_jobs": 1,
        "failed_jobs": 0,
        "running_jobs": 0,
        "total_tasks": 4,
        "failed_tasks": 1,
        "success_rate": 0.75,
        "avg_duration_seconds": 30.0,
    }
