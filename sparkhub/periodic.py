"""Periodic jobs without a separate scheduler process: every worker's maintenance tick offers
each due job, and a Redis key (SET NX with the job's period as expiry) lets exactly one worker
enqueue it per period, however many workers run."""

from __future__ import annotations

import logging

import django_rq
from django.conf import settings

log = logging.getLogger(__name__)


def enqueue_due_jobs() -> list[str]:
    """Queue every periodic job whose period has passed; returns the names queued now."""
    connection = django_rq.get_connection("default")
    queued = []
    for name, (task_path, every_seconds) in settings.PERIODIC_JOBS.items():
        if not connection.set(f"sparkhub:periodic:{name}", "1", nx=True, ex=every_seconds):
            continue
        django_rq.get_queue("default").enqueue(
            task_path,
            job_timeout=settings.QUEUE_TIMEOUTS["default"],
            result_ttl=600,
            description=f"periodic: {name}",
        )
        queued.append(name)
    if queued:
        log.info("Queued periodic job(s): %s", ", ".join(queued))
    return queued
