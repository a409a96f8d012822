from mlbench.models import BenchmarkJob, Dataset
from mlbench.services import execute_benchmark, profile_dataset
from sparkhub.runs import execute_run


def run_dataset_profile(run_id: int) -> None:
    execute_run(Dataset, run_id, profile_dataset)


def run_benchmark_job(run_id: int) -> None:
    execute_run(BenchmarkJob, run_id, execute_benchmark)
