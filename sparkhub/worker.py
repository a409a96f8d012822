"""The RQ worker class sparkhub runs: rq's Worker plus recovery of orphaned runs."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connections
from rq import Worker

log = logging.getLogger(__name__)


class SparkhubWorker(Worker):
    """Every maintenance interval, also fail or re-queue runs whose worker died, and offer the
    periodic jobs (settings.PERIODIC_JOBS).

    rq only runs maintenance between jobs or when its blocking dequeue times out, and that
    time-out is the worker TTL minus 15 s; a TTL just above the interval keeps idle workers
    checking on schedule.
    """

    def __init__(self, *args, **kwargs):
        interval = settings.WORKER_MAINTENANCE_SECONDS
        kwargs["maintenance_interval"] = interval
        # rqworker always passes its own --worker-ttl (420 s); ours must win to wake up in time.
        kwargs["worker_ttl"] = interval + 15
        super().__init__(*args, **kwargs)

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        from sparkhub.periodic import enqueue_due_jobs
        from sparkhub.runs import recover_stale_runs

        try:
            recover_stale_runs()
            enqueue_due_jobs()
        except Exception:
            log.exception("Worker maintenance failed; will try again next interval")
        finally:
            # The next job is forked from this process: it must not inherit a DB connection.
            connections.close_all()
