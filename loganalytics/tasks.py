from loganalytics.models import EventLogImport
from loganalytics.services import perform_import
from sparkhub.runs import execute_run


def run_event_log_import(run_id: int) -> None:
    execute_run(EventLogImport, run_id, perform_import)
