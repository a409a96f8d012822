"""TrackedRun state transitions: conditional UPDATEs that concurrent actors cannot both win."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sparkhub.models import WorkerCheck
from sparkhub.runs import RunCancelled, RunStatus, execute_run, recover_stale_runs
from tests.sparkhub.factories import WorkerCheckFactory


@pytest.mark.django_db(transaction=True)
def test_claim_is_exclusive_when_two_workers_race_for_the_same_runs():
    runs = WorkerCheckFactory.create_batch(40)
    winners: dict[int, list[str]] = {run.pk: [] for run in runs}
    barrier = threading.Barrier(2)

    def worker(name: str) -> None:
        try:
            for run in runs:
                mine = WorkerCheck.objects.get(pk=run.pk)  # each worker loads its own copy
                barrier.wait(timeout=30)
                if mine.claim():
                    winners[run.pk].append(name)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert all(len(names) == 1 for names in winners.values()), winners
    assert WorkerCheck.objects.filter(status=RunStatus.RUNNING, attempts=1).count() == len(runs)


@pytest.mark.django_db
def test_a_finished_run_cannot_be_claimed_cancelled_or_failed_again():
    run = WorkerCheckFactory()
    assert run.claim()
    assert run.mark_succeeded("all good")

    assert not run.claim()
    assert not run.cancel()
    assert not run.mark_failed("late error")
    run.refresh_from_db()
    assert (run.status, run.progress, run.error) == (RunStatus.SUCCEEDED, 100, "")


@pytest.mark.django_db
def test_progress_on_a_cancelled_run_stops_the_work():
    run = WorkerCheckFactory()
    run.claim()
    WorkerCheck.objects.get(pk=run.pk).cancel()  # from the page, in another request

    with pytest.raises(RunCancelled):
        run.report_progress(50, "halfway")
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED


@pytest.mark.django_db
def test_execute_run_records_success_and_runs_the_work_only_once():
    run = WorkerCheckFactory()
    calls = []

    def work(claimed):
        calls.append(claimed.pk)
        claimed.report_progress(40, "working")
        return "finished fine"

    execute_run(WorkerCheck, run.pk, work)
    execute_run(WorkerCheck, run.pk, work)  # delivered twice

    run.refresh_from_db()
    assert calls == [run.pk]
    assert (run.status, run.progress_message) == (RunStatus.SUCCEEDED, "finished fine")
    assert run.started_at <= run.finished_at


@pytest.mark.django_db
def test_execute_run_records_the_error_and_reraises():
    run = WorkerCheckFactory()

    def work(_):
        raise ValueError("column 'amount' is not numeric")

    with pytest.raises(ValueError):
        execute_run(WorkerCheck, run.pk, work)

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "ValueError: column 'amount' is not numeric" in run.error


@pytest.mark.django_db
def test_a_running_run_without_heartbeat_is_failed_when_it_may_not_be_retried(settings):
    settings.RUN_STALE_AFTER_SECONDS = 60
    run = WorkerCheckFactory(attempts=WorkerCheck.max_attempts - 1)
    run.claim()
    WorkerCheck.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=61)
    )
    fresh = WorkerCheckFactory()
    fresh.claim()

    recovered = recover_stale_runs()

    run.refresh_from_db()
    fresh.refresh_from_db()
    assert run.status == RunStatus.FAILED and "stopped responding" in run.error
    assert fresh.status == RunStatus.RUNNING
    assert recovered == [f"{run} failed"]


@pytest.mark.django_db
def test_an_error_meant_for_the_user_is_recorded_without_a_traceback():
    from sparkhub.runs import RunError

    run = WorkerCheckFactory()

    def work(_):
        raise RunError("Column 'amount' is not numeric: choose another label.")

    with pytest.raises(RunError):
        execute_run(WorkerCheck, run.pk, work)

    run.refresh_from_db()
    assert run.error == "Column 'amount' is not numeric: choose another label."
