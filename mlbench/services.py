"""mlbench workflows: upload and profile datasets, run benchmarks, report their results."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction

from mlbench.engine import TASK_NAMES
from mlbench.engine.errors import MLBenchInputError
from mlbench.engine.sniffing import sniff_format
from mlbench.models import BenchmarkJob, Dataset, Target
from sparkhub.queues import enqueue_run
from sparkhub.runs import RunCancelled, RunError, RunStatus

SNIFF_BYTES = 64 * 1024
MAX_WORKERS = 64
MAX_REPETITIONS = 20


class DatasetError(ValueError):
    """An upload or a benchmark request sparkhub refuses; the message says why."""

    def __init__(self, message: str, *, field: str = "file"):
        super().__init__(message)
        self.field = field


def upload_dataset(*, uploaded, name: str = "", requested_by=None, enqueue: bool = True) -> Dataset:
    """Check size and content, store the file, and queue its profiling (unless told not to:
    a benchmark profiles an unprofiled dataset itself)."""
    limit = settings.MAX_UPLOAD_SIZE_MB * 1024 * 1024
    if uploaded.size > limit:
        raise DatasetError(
            f"{uploaded.name} is {uploaded.size / 1e6:.1f} MB; the limit is "
            f"{settings.MAX_UPLOAD_SIZE_MB} MB (MAX_UPLOAD_SIZE_MB)."
        )
    uploaded.seek(0)
    head = uploaded.read(SNIFF_BYTES)
    uploaded.seek(0)
    try:
        fmt = sniff_format(uploaded.name, head)
    except MLBenchInputError as error:
        raise DatasetError(error.message) from None
    with transaction.atomic():
        dataset = Dataset(
            name=(name or Path(uploaded.name).stem)[:200],
            original_name=Path(uploaded.name).name[:255],
            format=fmt,
            size_bytes=uploaded.size,
            requested_by=requested_by,
            progress_message="Waiting to be profiled",
        )
        dataset.file.save(Path(uploaded.name).name, uploaded, save=False)
        dataset.save()
        if enqueue:
            enqueue_run(dataset)
    return dataset


def upload_local_file(*, path: Path, name: str = "", enqueue: bool = True) -> Dataset:
    with path.open("rb") as handle:
        return upload_dataset(uploaded=File(handle, name=path.name), name=name, enqueue=enqueue)


@contextmanager
def local_copy(dataset: Dataset) -> Iterator[Path]:
    """A path Spark can read: the file itself on local storage, a temporary copy from S3."""
    try:
        yield Path(dataset.file.path)
        return
    except NotImplementedError:
        pass  # remote storage has no local path
    suffix = Path(dataset.original_name).suffix
    with tempfile.TemporaryDirectory(prefix="mlbench-") as scratch:
        target = Path(scratch) / f"data{suffix}"
        with dataset.file.open("rb") as source, target.open("wb") as sink:
            shutil.copyfileobj(source, sink, 1024 * 1024)
        yield target


def profile_dataset(dataset: Dataset) -> str:
    """Worker side: schema (inferred on a sample, then fixed), row count and preview."""
    dataset.report_progress(10, "Profiling on Spark")
    profile = _profile(dataset)
    return f"{profile.get('row_count')} rows, {len(profile.get('schema', []))} columns"


def _profile(dataset: Dataset) -> dict:
    from mlbench.engine.profiling import profile_file

    with local_copy(dataset) as path:
        try:
            profile = profile_file(path, dataset.format)
        except MLBenchInputError as error:
            raise RunError(error.message) from None
    fields = {
        "kind": profile.get("kind", ""),
        "delimiter": profile.get("delimiter") or "",
        "schema": profile.get("schema", []),
        "schema_json": profile.get("schema_json") or "",
        "row_count": profile.get("row_count"),
        "preview": profile.get("preview", []),
    }
    Dataset.objects.filter(pk=dataset.pk).update(**fields)
    for name, value in fields.items():
        setattr(dataset, name, value)
    return profile


def start_benchmark(
    *,
    dataset: Dataset,
    tasks: Iterable[str],
    worker_counts: Iterable[int] = (1, 2, 4, 8),
    repetitions: int = 3,
    options: Mapping | None = None,
    target: str = Target.LOCAL,
    requested_by=None,
    enqueue: bool = True,
) -> BenchmarkJob:
    tasks, worker_counts = _checked(tasks, worker_counts, repetitions)
    target = _checked_target(target)
    with transaction.atomic():
        job = BenchmarkJob.objects.create(
            dataset=dataset,
            tasks=tasks,
            worker_counts=worker_counts,
            repetitions=repetitions,
            options=dict(options or {}),
            target=target,
            requested_by=requested_by,
            progress_message="Queued",
        )
        if enqueue:
            enqueue_run(job)
    return job


def execute_benchmark(job: BenchmarkJob) -> str:
    """Worker side: one process (or Databricks task) per worker count, then the baseline."""
    dataset = job.dataset
    if not dataset.is_profiled:
        # Benchmarks reuse the profile's fixed schema; make one if profiling has not run yet.
        job.report_progress(1, "Profiling the dataset first")
        _profile(dataset)
        if dataset.claim():  # nobody else profiled it: record that this run did
            dataset.mark_succeeded("Profiled with its first benchmark")

    def on_progress(done: int, total: int, message: str) -> None:
        job.report_progress(100 * done / max(total, 1), message)

    def should_cancel() -> bool:
        return BenchmarkJob.objects.filter(pk=job.pk, status=RunStatus.CANCELLED).exists()

    with local_copy(dataset) as path:
        if job.target == Target.DATABRICKS:
            document = _run_on_databricks(job, path, on_progress, should_cancel)
        else:
            document = _run_locally(job, path, on_progress, should_cancel)
    BenchmarkJob.objects.filter(pk=job.pk).update(document=document)
    if document["status"] == "failed":
        problems = "; ".join(e.get("message", "") for e in document.get("errors", []))
        raise RunError(problems or "No task produced a result.")
    done = len(document["results"])
    return f"{done} measurements" + (" (some tasks failed)" if document["errors"] else "")


def _benchmark_arguments(job: BenchmarkJob, path: Path, on_progress, should_cancel) -> dict:
    """What both runners (local and Databricks) are told about the job."""
    dataset = job.dataset
    return {
        "job_id": job.pk,
        "path": path,
        "fmt": dataset.format,
        "tasks": job.tasks,
        "worker_counts": job.worker_counts,
        "repetitions": job.repetitions,
        "options": job.options,
        "schema_json": dataset.schema_json or None,
        "delimiter": dataset.delimiter or None,
        "on_progress": on_progress,
        "on_log": job.append_log,
        "should_cancel": should_cancel,
    }


def _run_locally(job: BenchmarkJob, path: Path, on_progress, should_cancel) -> dict:
    from mlbench.engine.runner import BenchmarkCancelled, run_benchmark

    try:
        return run_benchmark(
            **_benchmark_arguments(job, path, on_progress, should_cancel),
            timeout_seconds=settings.QUEUE_TIMEOUTS["spark"],
        )
    except BenchmarkCancelled:
        raise RunCancelled(f"{job} was cancelled") from None
    except MLBenchInputError as error:
        raise RunError(error.message) from None


def _run_on_databricks(job: BenchmarkJob, path: Path, on_progress, should_cancel) -> dict:
    from mlbench.databricks import DatabricksError
    from mlbench.databricks_run import (
        DatabricksRunFailed,
        cancel_databricks_run,
        run_benchmark_on_databricks,
    )
    from mlbench.engine.runner import BenchmarkCancelled

    target = databricks_target()
    previous = ((job.document or {}).get("databricks") or {}).get("run_id")
    if previous:  # an earlier attempt's worker died while following it: do not pay twice
        try:
            cancel_databricks_run(target, int(previous))
        except DatabricksError as error:
            job.append_log(f"Databricks run {previous} of an earlier attempt: {error}")

    def on_submitted(info: dict) -> None:
        # Recorded at once, so a cancel from the page can stop the run on Databricks too.
        BenchmarkJob.objects.filter(pk=job.pk).update(document={"databricks": info})
        job.append_log(f"Databricks run {info['run_id']} on {info['host']}")

    try:
        return run_benchmark_on_databricks(
            target=target,
            **_benchmark_arguments(job, path, on_progress, should_cancel),
            on_submitted=on_submitted,
            # Stop (and cancel the Databricks run) before RQ's own time-out kills the worker.
            timeout_seconds=max(settings.QUEUE_TIMEOUTS["spark"] - 60, 60),
        )
    except BenchmarkCancelled:
        raise RunCancelled(f"{job} was cancelled") from None
    except MLBenchInputError as error:
        raise RunError(error.message) from None
    except (DatabricksError, DatabricksRunFailed) as error:
        raise RunError(str(error)) from None


def databricks_target():
    """Databricks settings for mlbench runs (see the README's mlbench on Databricks)."""
    from mlbench.databricks_run import DatabricksTarget

    return DatabricksTarget(
        host=settings.DATABRICKS_HOST,
        token=settings.DATABRICKS_TOKEN,
        upload_dir=settings.DATABRICKS_UPLOAD_DIR,
        cluster_id=settings.DATABRICKS_CLUSTER_ID,
        spark_version=settings.DATABRICKS_SPARK_VERSION,
        node_type_id=settings.DATABRICKS_NODE_TYPE_ID,
        poll_seconds=settings.DATABRICKS_POLL_SECONDS,
    )


def cancel_databricks_job_run(job_id: int) -> None:
    """Cancel the Databricks run of a cancelled job (called after the cancel commits)."""
    from mlbench.databricks_run import cancel_databricks_run

    job = BenchmarkJob.objects.filter(pk=job_id).first()
    run_id = ((job.document or {}).get("databricks") or {}).get("run_id") if job else None
    if run_id:
        cancel_databricks_run(databricks_target(), int(run_id))


def results_document(job: BenchmarkJob) -> dict:
    """The public results document: the engine's, with the row's status and progress."""
    document = dict(job.document or {})
    document.update(
        job_id=job.pk, status=job.status, progress=job.progress, message=job.progress_message
    )
    document.setdefault("results", [])
    document.setdefault("summary", {})
    if job.error:
        document["error"] = job.error
    return document


def _checked_target(target: str) -> str:
    if target not in Target.values:
        raise DatasetError(
            f"Unknown target {target!r}; choose {' or '.join(Target.values)}.", field="target"
        )
    if target == Target.DATABRICKS and not (settings.DATABRICKS_HOST and settings.DATABRICKS_TOKEN):
        raise DatasetError(
            "Set DATABRICKS_HOST and DATABRICKS_TOKEN to run benchmarks on Databricks.",
            field="target",
        )
    return target


def _checked(tasks, worker_counts, repetitions) -> tuple[list[str], list[int]]:
    tasks = [str(task) for task in tasks]
    unknown = [task for task in tasks if task not in TASK_NAMES]
    if not tasks or unknown:
        raise DatasetError(
            f"Unknown task(s) {', '.join(unknown) or '(none given)'}; choose from "
            f"{', '.join(TASK_NAMES)}.",
            field="tasks",
        )
    try:
        counts = sorted({int(n) for n in worker_counts})
    except (TypeError, ValueError):
        raise DatasetError("Worker counts must be whole numbers.", field="worker_counts") from None
    if not counts or counts[0] < 1 or counts[-1] > MAX_WORKERS:
        raise DatasetError(
            f"Worker counts must be between 1 and {MAX_WORKERS}.", field="worker_counts"
        )
    if not 1 <= int(repetitions) <= MAX_REPETITIONS:
        raise DatasetError(
            f"Repetitions must be between 1 and {MAX_REPETITIONS}.", field="repetitions"
        )
    return tasks, counts
