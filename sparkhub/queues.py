"""The only place sparkhub puts work on a queue.

Work is enqueued after the surrounding transaction commits, so a worker never looks for a row
that is not there yet; the RQ job id is computed from the row and stored on it first, so the row
always names its job (django-rq returns no job inside a transaction).
"""

from __future__ import annotations

import logging

import django_rq
from django.conf import settings
from django.db import transaction
from rq.command import send_stop_job_command
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job, JobStatus

from sparkhub.runs import TrackedRun

log = logging.getLogger(__name__)

QUEUE_NAMES = tuple(settings.QUEUE_TIMEOUTS)
_redis_checked = False


def ensure_redis() -> None:
    """Start the embedded Redis when this process first needs Redis (REDIS_URL unset).

    Lazy on purpose: commands that never touch Redis (explain, check, migrate) must not leave
    a server behind. Idempotent and guarded by a file lock across processes.
    """
    global _redis_checked
    if settings.USE_EMBEDDED_REDIS and not _redis_checked:
        settings.EMBEDDED_REDIS.ensure_running()
    _redis_checked = True


def get_queue(name: str):
    if name not in settings.QUEUE_TIMEOUTS:
        raise ValueError(f"unknown queue {name!r}; sparkhub has {', '.join(QUEUE_NAMES)}")
    ensure_redis()
    return django_rq.get_queue(name)


def enqueue_run(run: TrackedRun, task: str | None = None) -> str:
    """Queue ``task(run.pk)`` (default: the model's ``task``) once the transaction commits."""
    task_path = task or run.task
    job_id = run.rq_job_id()
    type(run).objects.filter(pk=run.pk).update(job_id=job_id)
    run.job_id = job_id
    queue_name = run.queue_name

    def push() -> None:
        queue = get_queue(queue_name)
        queue.enqueue(
            task_path,
            run.pk,
            job_id=job_id,
            job_timeout=settings.QUEUE_TIMEOUTS[queue_name],
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
            description=f"{run._meta.label} #{run.pk}",
        )

    transaction.on_commit(push, robust=True)
    return job_id


def job_is_known(job_id: str) -> bool:
    return bool(job_id) and Job.exists(job_id, connection=get_queue("default").connection)


def cancel_run(run: TrackedRun) -> bool:
    """Cancel a queued or running run: mark the row, then stop its RQ job after commit."""
    if not run.cancel():
        return False
    job_id = run.job_id

    def stop_job() -> None:
        connection = get_queue("default").connection
        try:
            job = Job.fetch(job_id, connection=connection)
        except NoSuchJobError:
            return
        try:
            if job.get_status() == JobStatus.STARTED:
                send_stop_job_command(connection, job_id)
            else:
                job.cancel()
        except InvalidJobOperation as error:
            log.info("RQ job %s already finished: %s", job_id, error)

    if job_id:
        transaction.on_commit(stop_job, robust=True)
    return True
