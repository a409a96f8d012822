"""The benchmark runner: a dataset x tasks x worker counts x repetitions.

Each worker count N runs in a fresh ``python -m mlbench.engine.worker`` process on
``local[N]`` (or with N one-core executors on a cluster), so Spark start-up is measured per N
and sessions never share a JVM. The number of data partitions and shuffle partitions is fixed
independently of N, so every N computes exactly the same thing and only the parallelism
changes. A last process runs the pandas/scikit-learn baseline on the columns Spark chose.

``seconds`` in each result is the task's compute time; Spark start-up and data reading are
reported separately per N under ``runs``.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mlbench.engine import TASK_NAMES
from mlbench.engine.childproc import child_env
from mlbench.engine.errors import MLBenchInputError
from mlbench.engine.machine import available_cores, load_average, machine_facts
from mlbench.engine.pdftext import pdf_as_text_file
from mlbench.engine.precheck import sample_file
from mlbench.engine.summary import compare_with_baseline, median, summarise
from mlbench.engine.worker import EVENT_PREFIX

DEFAULT_WORKER_COUNTS = (1, 2, 4, 8)
DEFAULT_REPETITIONS = 3
MIN_PARTITIONS = 16
# Metrics the baseline needs to repeat Spark's automatic column choices.
RESOLVED_OPTIONS = {
    "linear_regression": ("label", "features"),
    "logistic_regression": ("label", "features"),
    "kmeans": ("features", "k"),
    "fpgrowth": ("items_column", "min_support", "min_confidence"),
    "time_series": ("timestamp", "value", "frequency", "rolling_window"),
}

ProgressCallback = Callable[[int, int, str], None]
LogCallback = Callable[[str], None]
# Where a spec's events come from: by default a local worker process (see worker_events).
EventSource = Callable[[dict, float, Callable[[], bool] | None, LogCallback], Iterator[dict]]


class BenchmarkCancelled(Exception):
    """``should_cancel`` returned true; the running process was stopped."""


class BenchmarkFailed(RuntimeError):
    """A benchmark process crashed for a reason that is not the user's data."""


def run_benchmark(
    *,
    job_id: str | int,
    path: str | Path,
    fmt: str,
    tasks: Iterable[str],
    worker_counts: Iterable[int] = DEFAULT_WORKER_COUNTS,
    repetitions: int = DEFAULT_REPETITIONS,
    options: Mapping[str, Any] | None = None,
    schema_json: str | None = None,
    delimiter: str | None = None,
    partitions: int | None = None,
    master: str | None = None,
    spark_conf: Mapping[str, str] | None = None,
    baseline: bool = True,
    baseline_repetitions: int = 1,
    on_progress: ProgressCallback | None = None,
    on_log: LogCallback | None = None,
    should_cancel: Callable[[], bool] | None = None,
    timeout_seconds: float = 3600.0,
    event_source: EventSource | None = None,
) -> dict:
    """Run the benchmark and return the results document (see DESIGN.md section 4).

    Raises MLBenchInputError when the data cannot be loaded at all, BenchmarkCancelled when
    ``should_cancel`` says so, and BenchmarkFailed when a process crashes; a task that fails on
    this data is recorded under ``errors`` and the others carry on. ``master`` defaults to
    ``SPARK_MASTER``; see :func:`master_for` for how N workers are obtained on each kind.
    ``event_source`` replaces the local worker processes (mlbench.databricks_run replays what
    a Databricks run printed through it, so both build the document the same way).
    """
    tasks = _validated_tasks(tasks)
    worker_counts = sorted({int(n) for n in worker_counts})
    if not worker_counts or worker_counts[0] < 1:
        raise MLBenchInputError(
            "Worker counts must be whole numbers of at least 1.", field="worker_counts"
        )
    if repetitions < 1:
        raise MLBenchInputError("Repetitions must be at least 1.", field="repetitions")
    partitions = partitions or max(MIN_PARTITIONS, worker_counts[-1])
    # Like sparkhub.spark, an unset master means SPARK_MASTER (local[N] when that is local).
    master = master or os.environ.get("SPARK_MASTER", "").strip() or None
    options = dict(options or {})
    path = Path(path)
    if fmt == "pdf":
        path, fmt = pdf_as_text_file(path), "txt"
    # Bad files fail here in milliseconds instead of after a JVM start.
    delimiter = sample_file(path, fmt, delimiter=delimiter, records=False).delimiter
    job = _Job(
        document={
            "job_id": job_id,
            "status": "running",
            "results": [],
            "summary": {},
            "runs": [],
            "errors": [],
            "pictures": {},
            "baseline": {},
            "settings": {
                "tasks": tasks,
                "worker_counts": worker_counts,
                "repetitions": repetitions,
                "partitions": partitions,
                "options": options,
                "master": master or "local",
            },
        },
        base_spec={
            "path": str(path),
            "format": fmt,
            "schema_json": schema_json,
            "delimiter": delimiter,
            "tasks": tasks,
            "options": options,
            "partitions": partitions,
        },
        total_steps=len(tasks) * (len(worker_counts) + (1 if baseline else 0)),
        deadline=time.monotonic() + timeout_seconds,
        should_cancel=should_cancel,
        log=on_log or (lambda message: None),
        progress=on_progress or (lambda done, total, message: None),
        source=event_source or worker_events,
    )
    started_at = datetime.now(UTC)
    load_before = load_average()
    for workers in worker_counts:
        job.run_spark(workers, repetitions, *master_for(workers, master, partitions, spark_conf))
    if baseline:
        job.run_baseline(baseline_repetitions)
    document = job.document
    document["summary"] = summarise(document["results"], available_cores())
    document["comparison"] = compare_with_baseline(document["summary"], document["baseline"])
    document["machine"] = {
        **machine_facts(),
        "load_before": load_before,
        "load_after": load_average(),
    }
    document["started_at"] = started_at.isoformat()
    document["finished_at"] = datetime.now(UTC).isoformat()
    if not document["results"]:
        document["status"] = "failed"
    else:
        document["status"] = "partial" if document["errors"] else "succeeded"
    return document


def master_for(
    workers: int, master: str | None, partitions: int, extra: Mapping[str, str] | None = None
) -> tuple[str, dict[str, str]]:
    """The master URL and configuration that give a session exactly ``workers`` cores."""
    conf = {
        # Fixed partitioning: file splits, shuffles and default parallelism ignore N.
        "spark.default.parallelism": str(partitions),
        "spark.sql.shuffle.partitions": str(partitions),
        "spark.sql.files.minPartitionNum": str(partitions),
        "spark.sql.adaptive.coalescePartitions.enabled": "false",
        "spark.ui.enabled": "false",
    }
    if master and "{n}" in master:
        url = master.replace("{n}", str(workers))
    elif not master or master.startswith("local"):
        url = f"local[{workers}]"
        conf.update({"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"})
    else:
        url = master
        conf.update(
            {
                "spark.cores.max": str(workers),
                "spark.executor.cores": "1",
                "spark.executor.instances": str(workers),
                "spark.dynamicAllocation.enabled": "false",
            }
        )
    conf.update(extra or {})
    return url, conf


def _validated_tasks(tasks: Iterable[str]) -> list[str]:
    tasks = list(dict.fromkeys(tasks))
    unknown = [task for task in tasks if task not in TASK_NAMES]
    if unknown or not tasks:
        raise MLBenchInputError(
            f"Choose tasks from {', '.join(TASK_NAMES)}"
            + (f"; unknown: {', '.join(unknown)}." if unknown else "."),
            field="tasks",
        )
    return tasks


def _result_row(event: dict, workers: int) -> dict:
    return {
        "task": event["task"],
        "workers": workers,
        "repetition": event["repetition"],
        "seconds": event["seconds"],
        "cpu_seconds": event["cpu_seconds"],
        "metrics": event["metrics"],
    }


@dataclass
class _Job:
    """The document being filled in and the callbacks of one benchmark run."""

    document: dict
    base_spec: dict
    total_steps: int
    deadline: float
    should_cancel: Callable[[], bool] | None
    log: LogCallback
    progress: ProgressCallback
    source: EventSource
    done: int = 0

    def step(self, message: str, count: int = 1) -> None:
        self.done += count
        self.progress(self.done, self.total_steps, message)

    def events(self, spec: dict):
        return self.source(spec, self.deadline, self.should_cancel, self.log)

    def record_error(self, event: dict, workers: int, **extra) -> None:
        self.document["errors"].append(
            {
                "task": event["task"],
                "workers": workers,
                "message": event["message"],
                "user_error": event["user_error"],
                **extra,
            }
        )

    def run_spark(self, workers: int, repetitions: int, master_url: str, conf: dict) -> None:
        spec = {
            **self.base_spec,
            "mode": "spark",
            "workers": workers,
            "repetitions": repetitions,
            "master": master_url,
            "conf": conf,
            "app_name": f"mlbench-{self.document['job_id']}-n{workers}",
        }
        run = {"workers": workers, "master": master_url}
        prefix = f"N={workers}:"
        self.log(f"{prefix} starting Spark on {master_url}")
        for event in self.events(spec):
            kind = event["event"]
            if kind == "started":
                run.update(
                    startup_seconds=event["startup_seconds"],
                    startup_cpu_seconds=event["cpu_seconds"],
                    spark_version=event["spark_version"],
                    default_parallelism=event["default_parallelism"],
                )
                self.log(
                    f"{prefix} Spark {event['spark_version']} started in "
                    f"{event['startup_seconds']:.2f} s"
                )
            elif kind == "read":
                run.update(
                    read_seconds=event["read_seconds"],
                    read_cpu_seconds=event["cpu_seconds"],
                    rows=event["rows"],
                    partitions=event["partitions"],
                )
                self.log(
                    f"{prefix} read {event['rows']} rows into {event['partitions']} "
                    f"partitions in {event['read_seconds']:.2f} s"
                )
            elif kind == "result":
                self.document["results"].append(_result_row(event, workers))
                if event.get("picture"):
                    self.document["pictures"].setdefault(event["task"], event["picture"])
                self.log(
                    f"{prefix} {event['task']} repetition {event['repetition'] + 1}/"
                    f"{repetitions} took {event['seconds']:.3f} s"
                )
                if event["repetition"] == repetitions - 1:
                    self.step(f"{event['task']} on {workers} workers")
            elif kind == "error":
                self.record_error(event, workers)
                self.log(f"{prefix} {event['task']} failed: {event['message']}")
                self.step(f"{event['task']} on {workers} workers failed")
        self.document["runs"].append(run)

    def run_baseline(self, repetitions: int) -> None:
        """The pandas/scikit-learn baseline for every task that succeeded on Spark, on the
        columns Spark chose."""
        first_metrics: dict[str, dict] = {}
        for row in self.document["results"]:
            first_metrics.setdefault(row["task"], row["metrics"])
        tasks = [task for task in self.base_spec["tasks"] if task in first_metrics]
        skipped = len(self.base_spec["tasks"]) - len(tasks)
        if skipped:
            self.step("baseline skipped for tasks that failed on Spark", skipped)
        if not tasks:
            return
        resolved = {
            task: {
                name: first_metrics[task][name]
                for name in RESOLVED_OPTIONS.get(task, ())
                if first_metrics[task].get(name) is not None
            }
            for task in tasks
        }
        if "rolling_window" in resolved.get("time_series", {}):
            resolved["time_series"]["window"] = resolved["time_series"].pop("rolling_window")
        spec = {
            **self.base_spec,
            "mode": "baseline",
            "tasks": tasks,
            "repetitions": repetitions,
            "resolved": resolved,
        }
        self.log("baseline: running pandas/scikit-learn in one process")
        timings: dict[str, list[dict]] = {}
        for event in self.events(spec):
            if event["event"] == "read":
                self.document["baseline_read_seconds"] = event["read_seconds"]
            elif event["event"] == "result":
                timings.setdefault(event["task"], []).append(event)
                if event["repetition"] == repetitions - 1:
                    self.step(f"{event['task']} baseline")
            elif event["event"] == "error":
                self.record_error(event, 0, baseline=True)
                self.step(f"{event['task']} baseline failed")
        for task, events in timings.items():
            self.document["baseline"][task] = {
                "seconds": median(e["seconds"] for e in events),
                "cpu_seconds": median(e["cpu_seconds"] for e in events),
                "metrics": events[0]["metrics"],
            }


def worker_events(spec: dict, deadline: float, should_cancel, log) -> Iterator[dict]:
    """Start a worker process and yield its events; stop it on cancel, time-out or crash."""
    with tempfile.TemporaryDirectory(prefix="mlbench-") as scratch:
        spec_path = Path(scratch) / "spec.json"
        spec_path.write_text(json.dumps(spec))
        stderr_path = Path(scratch) / "stderr.log"
        with stderr_path.open("wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "mlbench.engine.worker", str(spec_path)],
                stdout=subprocess.PIPE,
                stderr=stderr,
                env=child_env(),
                start_new_session=True,
                text=True,
                bufsize=1,
            )
            lines: queue.Queue = queue.Queue()
            reader = threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True)
            reader.start()
            fatal = None
            finished = False
            try:
                while not finished:
                    if should_cancel and should_cancel():
                        raise BenchmarkCancelled("The benchmark was cancelled.")
                    if time.monotonic() > deadline:
                        raise BenchmarkFailed(
                            "The benchmark ran past its time limit and was stopped."
                        )
                    try:
                        line = lines.get(timeout=0.5)
                    except queue.Empty:
                        continue
                    if line is None:
                        break
                    if not line.startswith(EVENT_PREFIX):
                        log(line.rstrip())
                        continue
                    event = json.loads(line[len(EVENT_PREFIX) :])
                    if event["event"] == "fatal":
                        fatal = event
                    else:
                        # After "finished" (sent once Spark has stopped and its event log is
                        # closed) only process exits remain: about a second not worth waiting.
                        finished = event["event"] == "finished"
                        yield event
            finally:
                if process.poll() is None:
                    # The worker's JVM and Python daemons share its session; stop them all.
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if finished:
            return
        if fatal and fatal.get("user_error"):
            raise MLBenchInputError(fatal["message"], field=fatal.get("field"))
        if fatal or process.returncode != 0:
            tail = stderr_path.read_text(errors="replace").strip().splitlines()[-15:]
            reason = fatal["message"] if fatal else f"exit code {process.returncode}"
            raise BenchmarkFailed(f"The benchmark process failed ({reason}).\n" + "\n".join(tail))


def _pump(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)
