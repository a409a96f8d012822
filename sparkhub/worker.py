"""The RQ worker class sparkhub runs: rq's Worker plus a maintenance thread."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connection
from rq import Worker

log = logging.getLogger(__name__)


class SparkhubWorker(Worker):
    """Every WORKER_MAINTENANCE_SECONDS, fail or re-queue runs whose worker died and offer the
    periodic jobs (settings.PERIODIC_JOBS).

    This runs in a thread of the worker's main process, not in rq's own maintenance hook: rq
    only runs that between jobs, so with every worker busy on a long Spark job an orphaned run
    would wait for hours.
    """

    def __init__(self, *args, **kwargs):
        from sparkhub.queues import ensure_redis

        ensure_redis()  # before rq's first command on the connection
        super().__init__(*args, **kwargs)

    def work(self, *args, **kwargs):
        stop = threading.Event()
        thread = threading.Thread(
            target=self._maintain, args=(stop,), name="sparkhub-maintenance", daemon=True
        )
        thread.start()
        try:
            return super().work(*args, **kwargs)
        finally:
            stop.set()

    def _maintain(self, stop: threading.Event) -> None:
        from sparkhub.periodic import enqueue_due_jobs
        from sparkhub.runs import recover_stale_runs

        while not stop.wait(settings.WORKER_MAINTENANCE_SECONDS):
            try:
                recover_stale_runs()
                enqueue_due_jobs()
            except Exception:
                log.exception("Worker maintenance failed; will try again next interval")
            finally:
                connection.close()  # this thread's own connection; a fresh one next time
