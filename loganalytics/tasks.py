import logging

import django_rq

from loganalytics.models import EventLogImport
from loganalytics.services import perform_import, scan_eventlog_dir
from sparkhub.runs import execute_run

log = logging.getLogger(__name__)
# A scan imports synchronously and a big new log can take minutes: one scanner at a time.
SCAN_LOCK_SECONDS = 3600


def run_event_log_import(run_id: int) -> None:
    execute_run(EventLogImport, run_id, perform_import)


def watch_eventlog_dir() -> list[str]:
    """The periodic job (settings.PERIODIC_JOBS): import new or grown logs of SPARK_EVENTLOG_DIR."""
    lock = django_rq.get_connection("default").lock(
        "sparkhub:lock:watch-eventlogs", timeout=SCAN_LOCK_SECONDS, blocking=False
    )
    if not lock.acquire(blocking=False):
        log.info("Another worker is scanning the event-log directory; skipping")
        return []
    try:
        changed = scan_eventlog_dir()
    finally:
        lock.release()
    for line in changed:
        log.info("Event log: %s", line)
    return changed
