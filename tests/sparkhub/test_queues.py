"""Enqueue after commit, real RQ workers on real Redis, killed workers and cancellation."""

from __future__ import annotations

import pytest
from django.db import transaction
from rq.job import Job, JobStatus

from sparkhub.models import WorkerCheck
from sparkhub.queues import enqueue_run, get_queue
from sparkhub.runs import RunStatus
from sparkhub.services import start_worker_check
from tests.sparkhub.factories import UserFactory
from tests.sparkhub.helpers import kill_tree, manage, run_burst_worker, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.usefixtures("empty_queues")]

# Fast recovery for the tests: heartbeat every second, stale after four, check every two.
RECOVERY = {
    "RUN_HEARTBEAT_SECONDS": "1",
    "RUN_STALE_AFTER_SECONDS": "4",
    "WORKER_MAINTENANCE_SECONDS": "2",
}


def status_of(run) -> str:
    run.refresh_from_db()
    return run.status


def test_a_run_created_in_a_transaction_is_queued_only_after_commit(worker_env):
    with transaction.atomic():
        check = start_worker_check(queue="default")
        assert get_queue("default").count == 0, "enqueued before the row was committed"
    assert get_queue("default").count == 1
    check.refresh_from_db()
    assert check.job_id == f"sparkhub_workercheck-{check.pk}-0"

    output = run_burst_worker(worker_env, "default")

    check.refresh_from_db()
    assert check.status == RunStatus.SUCCEEDED, output
    assert check.result["queue"] == "default"
    assert check.progress == 100


def test_a_rolled_back_transaction_queues_nothing(worker_env):
    with pytest.raises(RuntimeError), transaction.atomic():
        start_worker_check(queue="default")
        raise RuntimeError("the form was invalid after all")

    assert get_queue("default").count == 0
    assert not WorkerCheck.objects.exists()


def test_a_failing_job_ends_failed_with_its_error_on_the_row(worker_env):
    with transaction.atomic():
        check = WorkerCheck.objects.create(queue="default")
        enqueue_run(check, task="tests.sparkhub.jobs.fail_worker_check")

    run_burst_worker(worker_env, "default")

    check.refresh_from_db()
    assert check.status == RunStatus.FAILED
    assert "RuntimeError: the data source refused the connection" in check.error
    assert check.finished_at is not None


def test_each_queue_is_served_by_its_own_name(worker_env):
    check = start_worker_check(queue="llm")

    run_burst_worker(worker_env, "default")
    assert status_of(check) == RunStatus.QUEUED
    run_burst_worker(worker_env, "llm")
    assert status_of(check) == RunStatus.SUCCEEDED


def test_a_run_whose_worker_is_killed_is_queued_again_and_finishes(worker_env):
    env = {**worker_env, **RECOVERY}
    check = start_worker_check(queue="default", hold_seconds=3)
    doomed = manage("rqworker", "default", env=env)
    try:
        assert wait_for(lambda: status_of(check) == RunStatus.RUNNING, timeout=60)
    finally:
        kill_tree(doomed)
    assert status_of(check) == RunStatus.RUNNING, "the row still says RUNNING after the kill"

    rescuer = manage("rqworker", "default", env=env)
    try:
        recovered = wait_for(lambda: status_of(check) == RunStatus.SUCCEEDED, timeout=30)
    finally:
        kill_tree(rescuer)
    assert recovered, rescuer.stdout.read()[-3000:]
    check.refresh_from_db()
    assert check.attempts == 2
    assert "Worker lost" in check.log_excerpt


def test_a_killed_run_on_its_last_attempt_is_marked_failed(worker_env):
    env = {**worker_env, **RECOVERY}
    check = start_worker_check(queue="default", hold_seconds=60)
    WorkerCheck.objects.filter(pk=check.pk).update(attempts=WorkerCheck.max_attempts - 1)
    doomed = manage("rqworker", "default", env=env)
    try:
        assert wait_for(lambda: status_of(check) == RunStatus.RUNNING, timeout=60)
    finally:
        kill_tree(doomed)

    rescuer = manage("rqworker", "default", env=env)
    try:
        assert wait_for(lambda: status_of(check) == RunStatus.FAILED, timeout=90)
    finally:
        kill_tree(rescuer)
    check.refresh_from_db()
    assert "stopped responding" in check.error


def test_cancelling_a_queued_run_means_it_never_runs(worker_env, client):
    client.force_login(UserFactory())
    check = start_worker_check(queue="default")

    response = client.post(f"/runs/sparkhub.workercheck/{check.pk}/cancel")
    run_burst_worker(worker_env, "default")

    assert response.status_code == 302
    check.refresh_from_db()
    assert check.status == RunStatus.CANCELLED
    assert check.result == {}


def test_cancelling_a_running_run_from_the_page_stops_its_job(worker_env, client):
    client.force_login(UserFactory())
    check = start_worker_check(queue="default", hold_seconds=120)
    worker = manage("rqworker", "default", env=worker_env)
    try:
        assert wait_for(lambda: status_of(check) == RunStatus.RUNNING, timeout=60)

        client.post(f"/runs/sparkhub.workercheck/{check.pk}/cancel")

        job = Job.fetch(check.job_id, connection=get_queue("default").connection)
        assert wait_for(lambda: job.get_status(refresh=True) == JobStatus.STOPPED, timeout=30)
    finally:
        kill_tree(worker)
    check.refresh_from_db()
    assert check.status == RunStatus.CANCELLED
    assert check.result == {}


def test_a_killed_run_is_recovered_even_while_every_live_worker_is_busy(worker_env):
    env = {**worker_env, **RECOVERY}
    orphan = start_worker_check(queue="default", hold_seconds=60)
    doomed = manage("rqworker", "default", env=env)
    try:
        assert wait_for(lambda: status_of(orphan) == RunStatus.RUNNING, timeout=60)
    finally:
        kill_tree(doomed)
    busy = start_worker_check(queue="default", hold_seconds=40)

    rescuer = manage("rqworker", "default", env=env)
    try:
        assert wait_for(lambda: status_of(busy) == RunStatus.RUNNING, timeout=60)
        recovered = wait_for(lambda: status_of(orphan) != RunStatus.RUNNING, timeout=30)
        still_busy = status_of(busy) == RunStatus.RUNNING
    finally:
        kill_tree(rescuer)
    assert recovered, "the orphaned run stayed RUNNING while the only worker was busy"
    assert still_busy
