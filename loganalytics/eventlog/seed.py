"""The seed API's per-job result and daily summary, computed from the application model.

What the task counts mean when Spark retries tasks (the README quotes this):

``total_tasks``
    Task *attempts* that ended for the job: successful, failed and killed attempts, each retry
    counted separately. It equals the History Server's ``numCompletedTasks + numFailedTasks +
    numKilledTasks`` for the job. Attempts still running are not counted.
``failed_tasks``
    Attempts that failed (an exception, a lost executor, a fetch failure). Killed attempts
    (a cancelled stage, the loser of a speculative race) are not failures.
``success_rate``
    Successful attempts divided by ``total_tasks``, between 0 and 1 (4 decimals); ``None``
    when no attempt has ended. A job whose 4 partitions succeed after one retry has
    ``total_tasks`` 5, ``failed_tasks`` 1 and ``success_rate`` 0.8: it measures how much of the
    work Spark did succeeded, not whether the job did (that is ``status``).

``status`` is ``RUNNING``, ``SUCCEEDED`` or ``FAILED`` (the History Server's job statuses);
times are ISO 8601 in UTC (``2024-01-01T10:00:00.000Z``); ``duration_seconds`` is ``None``
until the job ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from .model import ApplicationModel, Job


def iso_time(millis: int | None) -> str | None:
    if millis is None:
        return None
    moment = datetime.fromtimestamp(millis / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}Z"


def _task_counts(model: ApplicationModel, job: Job) -> tuple[int, int, int]:
    """(successful, failed, killed) attempts that ended for ``job``."""
    succeeded = failed = killed = 0
    for task in model.job_tasks(job):
        if not task.finished:
            continue
        if task.failed:
            failed += 1
        elif task.killed:
            killed += 1
        else:
            succeeded += 1
    return succeeded, failed, killed


def job_result(model: ApplicationModel, job: Job) -> dict[str, Any]:
    """The seed's ``result`` for one job (see the module docstring for the definitions)."""
    succeeded, failed, killed = _task_counts(model, job)
    total = succeeded + failed + killed
    counts = job.snapshot or {}
    end = counts.get("completion_time", job.completion_time)
    start = job.submission_time
    duration = (end - start) / 1000 if end is not None and start is not None else None
    return {
        "job_id": job.job_id,
        "app_id": model.app.app_id,
        "status": counts.get("status", job.status),
        "start_time": iso_time(start),
        "end_time": iso_time(end),
        "duration_seconds": duration,
        "total_tasks": total,
        "failed_tasks": failed,
        "success_rate": round(succeeded / total, 4) if total else None,
    }


def daily_summary(models: Iterable[ApplicationModel], day: date) -> dict[str, Any]:
    """Jobs submitted on ``day`` (UTC) across ``models``, and their totals.

    ``summary.success_rate`` is successful attempts over all ended attempts of those jobs, the
    same definition as a single job's; ``avg_duration_seconds`` averages finished jobs only.
    """
    results, successful = [], 0
    for model in models:
        for job in model.jobs.values():
            if job.submission_time is None:
                continue
            submitted = datetime.fromtimestamp(job.submission_time / 1000, tz=UTC).date()
            if submitted == day:
                results.append(job_result(model, job))
                successful += _task_counts(model, job)[0]
    results.sort(key=lambda r: (r["start_time"] or "", r["app_id"], str(r["job_id"])))
    total = sum(r["total_tasks"] for r in results)
    durations = [r["duration_seconds"] for r in results if r["duration_seconds"] is not None]
    return {
        "date": day.isoformat(),
        "summary": {
            "total_jobs": len(results),
            "succeeded_jobs": sum(1 for r in results if r["status"] == "SUCCEEDED"),
            "failed_jobs": sum(1 for r in results if r["status"] == "FAILED"),
            "running_jobs": sum(1 for r in results if r["status"] == "RUNNING"),
            "total_tasks": total,
            "failed_tasks": sum(r["failed_tasks"] for r in results),
            "success_rate": round(successful / total, 4) if total else None,
            "avg_duration_seconds": round(sum(durations) / len(durations), 3)
            if durations
            else None,
        },
        "jobs": results,
    }
