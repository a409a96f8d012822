"""Platform services: worker self-checks and the cross-app list of runs."""

from __future__ import annotations

import os
import platform
import socket
import time
from itertools import islice

from django.db import transaction

from sparkhub.models import WorkerCheck
from sparkhub.queues import enqueue_run
from sparkhub.runs import TrackedRun, tracked_run_models

MAX_HOLD_SECONDS = 3600


def start_worker_check(
    *, queue: str = "default", with_spark: bool = False, hold_seconds: int = 0, requested_by=None
) -> WorkerCheck:
    if not 0 <= hold_seconds <= MAX_HOLD_SECONDS:
        raise ValueError(f"hold_seconds must be between 0 and {MAX_HOLD_SECONDS}")
    with transaction.atomic():
        check = WorkerCheck.objects.create(
            queue=queue,
            with_spark=with_spark,
            hold_seconds=hold_seconds,
            requested_by=requested_by,
        )
        enqueue_run(check)
    return check


def perform_worker_check(check: WorkerCheck) -> str:
    """Runs on the worker: record where it ran, hold if asked, and time a tiny Spark job."""
    check.report_progress(5, "Worker picked it up")
    result = {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "python": platform.python_version(),
        "queue": check.queue,
    }
    for second in range(check.hold_seconds):
        check.report_progress(5 + 80 * second / check.hold_seconds, f"Holding ({second}s)")
        time.sleep(1)
    if check.with_spark:
        check.report_progress(85, "Starting Spark")
        result["spark"] = time_tiny_spark_job(check)
    WorkerCheck.objects.filter(pk=check.pk).update(result=result)
    return "Worker answered" + (" and Spark ran" if check.with_spark else "")


def time_tiny_spark_job(check: WorkerCheck) -> dict:
    from sparkhub.spark import start_spark_session

    started = start_spark_session(f"sparkhub-worker-check-{check.pk}")
    session = started.session
    try:
        check.record_spark_start(
            startup_seconds=started.startup_seconds,
            application_id=session.sparkContext.applicationId,
        )
        work_started = time.perf_counter()
        total = session.range(100_000).selectExpr("sum(id) AS total").collect()[0].total
        return {
            "work_seconds": round(time.perf_counter() - work_started, 3),
            "sum": total,
            "version": session.version,
        }
    finally:
        session.stop()


def recent_runs(limit: int = 20) -> list[TrackedRun]:
    """The newest runs of every app, newest first."""
    runs: list[TrackedRun] = []
    for model in tracked_run_models():
        heavy = getattr(model, "HEAVY_FIELDS", ())
        recent = model.objects.select_related("requested_by").defer(*heavy)
        runs.extend(recent.order_by("-created_at")[:limit])
    runs.sort(key=lambda run: run.created_at, reverse=True)
    return list(islice(runs, limit))
