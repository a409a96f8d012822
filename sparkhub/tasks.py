"""RQ entry points of the platform: unpack the id, call the service through execute_run."""

from sparkhub.models import WorkerCheck
from sparkhub.runs import execute_run
from sparkhub.services import perform_worker_check


def run_worker_check(run_id: int) -> None:
    execute_run(WorkerCheck, run_id, perform_worker_check)
