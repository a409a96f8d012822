"""Job functions only the tests enqueue (RQ imports them by dotted path in the worker)."""

from sparkhub.models import WorkerCheck
from sparkhub.runs import execute_run


def fail_worker_check(run_id: int) -> None:
    def work(check):
        check.report_progress(30, "About to fail")
        raise RuntimeError("the data source refused the connection")

    execute_run(WorkerCheck, run_id, work)
