from lakehouse.models import PipelineRun
from lakehouse.services import execute_pipeline_run
from sparkhub.runs import execute_run


def run_pipeline_run(run_id: int) -> None:
    execute_run(PipelineRun, run_id, execute_pipeline_run)
