from __future__ import annotations

import random

from loganalytics.eventlog import (
    aggregate,
    load_application,
    normalise,
    read_events,
    to_shs_executors,
    to_shs_jobs,
    to_shs_stages,
)


def _shs_view(model):
    return to_shs_jobs(model), to_shs_stages(model), to_shs_executors(model, include_dead=True)


def test_any_arrival_order_gives_the_same_answers_as_the_log_order(eventlog):
    events = list(read_events(eventlog("cluster_executor_loss")))
    shuffled = events[:]
    random.Random(7).shuffle(shuffled)

    in_order, out_of_order = aggregate(events), aggregate(shuffled)

    assert _shs_view(out_of_order) == _shs_view(in_order)


def test_every_event_sent_twice_counts_once(eventlog):
    events = list(read_events(eventlog("lz4_retries")))

    once = aggregate(events)
    twice = aggregate(events + list(read_events(eventlog("lz4_retries"))))

    assert twice.duplicate_count == len(events)
    assert _shs_view(twice) == _shs_view(once)


def test_a_duplicated_stage_completed_counts_the_first_one(eventlog):
    model = load_application(eventlog("duplicate_stage_completed"))

    stage = model.stages[(0, 0)]
    assert stage.status == "COMPLETE"
    assert stage.info["failure_reason"] is None
    assert to_shs_jobs(model)[0]["numFailedStages"] == 1  # only the real fetch failure


def test_a_job_counts_the_tasks_of_the_stages_it_skipped(eventlog):
    jobs = {job["jobId"]: job for job in to_shs_jobs(load_application(eventlog("plain_mixed")))}

    reused = jobs[2]  # reduced.count() after reduced.collect(): the map stage is skipped

    assert reused["numSkippedStages"] == 1
    assert reused["numTasks"] == reused["numCompletedTasks"] + reused["numSkippedTasks"]


def test_stage_retries_complete_more_attempts_than_partitions_but_not_more_indices(eventlog):
    model = load_application(eventlog("cluster_executor_loss"))
    job = to_shs_jobs(model)[0]

    assert job["status"] == "SUCCEEDED"
    assert job["numCompletedTasks"] > job["numTasks"]
    assert job["numCompletedIndices"] == job["numTasks"]
    assert sorted(model.stages) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert model.stages[(1, 0)].status == "FAILED"


def test_failed_attempts_inside_a_succeeded_job_are_still_counted(eventlog):
    jobs = {job["jobId"]: job for job in to_shs_jobs(load_application(eventlog("lz4_retries")))}

    assert jobs[0]["status"] == "SUCCEEDED"
    assert jobs[0]["numFailedTasks"] == 1
    assert jobs[1]["status"] == "FAILED"
    assert jobs[1]["numFailedTasks"] == 3  # local[2,3]: three attempts, then the job fails


def test_a_task_killed_after_its_job_ended_counts_for_the_job(eventlog):
    path = eventlog("plain_mixed")
    events = list(read_events(path))
    failed_job = next(e for e in events if e.kind == "JobEnd" and not e.fields["succeeded"])
    killed = next(e for e in events if e.kind == "TaskEnd" and e.fields["reason"] == "TaskKilled")

    job = next(
        j for j in to_shs_jobs(aggregate(events)) if j["jobId"] == failed_job.fields["job_id"]
    )

    assert events.index(killed) > events.index(failed_job)
    assert job["numKilledTasks"] == 1
    assert list(job["killedTasksSummary"].values()) == [1]


def test_one_aqe_query_runs_as_several_jobs(eventlog):
    events = list(read_events(eventlog("zstd_sql")))
    queries = [
        e
        for e in events
        if e.kind == "Other" and e.fields["name"].endswith("SparkListenerSQLExecutionStart")
    ]

    model = aggregate(events)

    assert len(queries) == 2
    assert len(model.jobs) > len(queries)
    assert {job.sql_execution_id for job in model.jobs.values()} == {0, 1}


def test_seed_events_in_any_order_make_one_job_with_its_tasks():
    raw = [
        {
            "event": "SparkListenerTaskEnd",
            "job_id": "j1",
            "timestamp": 1_700_000_005_000,
            "task_id": 1,
            "duration_ms": 2000,
            "successful": True,
        },
        {
            "event": "SparkListenerJobEnd",
            "job_id": "j1",
            "timestamp": 1_700_000_009_000,
            "completion_time": 1_700_000_009_000,
            "job_result": "JobSucceeded",
        },
        {
            "event": "SparkListenerJobStart",
            "job_id": "j1",
            "timestamp": 1_700_000_000_000,
            "user": "alice",
        },
        {
            "event": "SparkListenerTaskEnd",
            "job_id": "j1",
            "timestamp": 1_700_000_006_000,
            "task_id": 2,
            "duration_ms": 3000,
            "successful": False,
        },
    ]

    model = aggregate([normalise(event) for event in raw])

    job = to_shs_jobs(model)[0]
    assert (job["jobId"], job["status"], job["numTasks"]) == ("j1", "SUCCEEDED", 2)
    assert (job["numCompletedTasks"], job["numFailedTasks"]) == (1, 1)
    assert model.jobs["j1"].user == "alice"
