"""A benchmark job on Databricks: upload, submit one run, follow it, read its events back.

Django-free; the service passes in settings and callbacks. One ``runs/submit`` holds one task
per worker count N, each on its own new cluster of N workers (so every N is measured on a
cluster of that size, all in parallel), or, with ``DATABRICKS_CLUSTER_ID``, the single worker
count that existing cluster has. Each task runs :mod:`mlbench.databricks_entry` with the engine
zipped next to it and prints the engine's worker events; once the run is over they are replayed
through :func:`mlbench.engine.runner.run_benchmark`, which builds the results document exactly as
for a local run. The single-process baseline runs on the sparkhub worker itself: it answers
"would one ordinary machine have done?".
"""

from __future__ import annotations

import json
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlbench.databricks import FINAL_LIFE_CYCLE_STATES, DatabricksClient, python_task
from mlbench.engine.errors import MLBenchInputError
from mlbench.engine.pdftext import pdf_as_text_file
from mlbench.engine.precheck import sample_file
from mlbench.engine.runner import (
    MIN_PARTITIONS,
    BenchmarkCancelled,
    master_for,
    run_benchmark,
    worker_events,
)
from mlbench.engine.summary import compare_with_baseline, summarise
from mlbench.engine.worker import EVENT_PREFIX

MLBENCH_PACKAGE = Path(__file__).resolve().parent
ENTRY_SCRIPT = MLBENCH_PACKAGE / "databricks_entry.py"
TASK_KEY_PREFIX = "workers_"


class DatabricksRunFailed(RuntimeError):
    """The run could not start, failed or timed out on Databricks; the message says why."""


@dataclass(frozen=True)
class DatabricksTarget:
    """Where and how to run: the workspace, the upload folder and the cluster to use."""

    host: str
    token: str
    upload_dir: str = "dbfs:/sparkhub/mlbench"
    cluster_id: str = ""
    spark_version: str = ""
    node_type_id: str = ""
    poll_seconds: float = 10.0

    def client(self) -> DatabricksClient:
        return DatabricksClient(host=self.host, token=self.token)


@dataclass
class _TaskOutcome:
    workers: int
    task: dict  # the task's runs/get entry
    events: list[dict]


def run_benchmark_on_databricks(
    *,
    target: DatabricksTarget,
    job_id: int | str,
    path: str | Path,
    fmt: str,
    tasks: Iterable[str],
    worker_counts: Iterable[int],
    repetitions: int,
    options: Mapping[str, Any] | None = None,
    schema_json: str | None = None,
    delimiter: str | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    on_log: Callable[[str], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
    on_submitted: Callable[[dict], None] | None = None,
    timeout_seconds: float = 3600.0,
    entry_script: Path = ENTRY_SCRIPT,
    sleep: Callable[[float], None] = time.sleep,
) -> dict:
    """Run the benchmark on Databricks and return the results document (DESIGN.md section 4).

    Raises MLBenchInputError for data the engine refuses, BenchmarkCancelled when
    ``should_cancel`` says so (the Databricks run is cancelled first), and DatabricksRunFailed
    or DatabricksError otherwise. ``on_submitted`` receives ``{host, run_id}`` as soon as the run
    exists, so that a cancel from elsewhere can stop it.
    """
    deadline = time.monotonic() + timeout_seconds
    tasks = list(dict.fromkeys(tasks))
    worker_counts = sorted({int(n) for n in worker_counts})
    options = dict(options or {})
    log = on_log or (lambda line: None)
    progress = _MonotonicProgress(on_progress)
    cancelled = should_cancel or (lambda: False)
    path = Path(path)
    if fmt == "pdf":
        path, fmt = pdf_as_text_file(path), "txt"
    # Bad files fail here, before anything is uploaded or a cluster is paid for.
    delimiter = sample_file(path, fmt, delimiter=delimiter, records=False).delimiter
    partitions = max(MIN_PARTITIONS, worker_counts[-1])
    total_steps = len(tasks) * (len(worker_counts) + 1)

    client = target.client()
    clusters = _clusters_for(client, target, worker_counts, partitions)
    progress(0, total_steps, "Uploading to Databricks")
    folder = f"{target.upload_dir.rstrip('/')}/job-{job_id}"
    spec = {
        "mode": "spark",
        "format": fmt,
        "schema_json": schema_json,
        "delimiter": delimiter,
        "tasks": tasks,
        "options": options,
        "repetitions": repetitions,
        "partitions": partitions,
        "conf": _partition_conf(partitions),
    }
    remote = _upload(client, folder, path, fmt, spec, entry_script, log)
    if cancelled():
        raise BenchmarkCancelled("The benchmark was cancelled.")
    parameters = ["--engine", remote["engine"], "--spec", remote["spec"], "--data", remote["data"]]
    submitted = [
        python_task(
            f"{TASK_KEY_PREFIX}{n}",
            python_file=remote["entry"],
            parameters=parameters,
            **clusters[n],
        )
        for n in worker_counts
    ]
    run_id = client.submit(
        run_name=f"sparkhub mlbench job {job_id}",
        tasks=submitted,
        timeout_seconds=max(int(deadline - time.monotonic()), 60),
    )
    log(f"Databricks: submitted run {run_id} with {len(submitted)} task(s)")
    if on_submitted:
        on_submitted({"host": client.host, "run_id": run_id})
    run = _follow(
        client,
        run_id,
        deadline=deadline,
        poll_seconds=target.poll_seconds,
        should_cancel=cancelled,
        steps_per_task=len(tasks),
        total_steps=total_steps,
        progress=progress,
        log=log,
        sleep=sleep,
    )
    outcomes = _outcomes(client, run)

    def replay(spec: dict, deadline: float, should_cancel, log) -> Iterator[dict]:
        if spec["mode"] == "baseline":
            return worker_events(spec, deadline, should_cancel, log)
        return iter(outcomes[spec["workers"]].events)

    document = run_benchmark(
        job_id=job_id,
        path=path,
        fmt=fmt,
        tasks=tasks,
        worker_counts=worker_counts,
        repetitions=repetitions,
        options=options,
        schema_json=schema_json,
        delimiter=delimiter,
        partitions=partitions,
        master="databricks",
        on_progress=progress,
        on_log=log,
        should_cancel=should_cancel,
        timeout_seconds=max(deadline - time.monotonic(), 1),
        event_source=replay,
    )
    _describe_databricks(document, client, run, outcomes, clusters, folder)
    return document


def cancel_databricks_run(target: DatabricksTarget, run_id: int) -> None:
    """Stop a run from outside the worker (the job was cancelled on the page or the admin)."""
    target.client().cancel_run(run_id)


def build_engine_zip(destination: Path) -> Path:
    """``mlbench/__init__.py`` and ``mlbench/engine/**.py``: the Django-free code clusters need."""
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(MLBENCH_PACKAGE / "__init__.py", "mlbench/__init__.py")
        for source in sorted((MLBENCH_PACKAGE / "engine").rglob("*.py")):
            archive.write(source, f"mlbench/{source.relative_to(MLBENCH_PACKAGE).as_posix()}")
    return destination


def parse_events(logs: str) -> list[dict]:
    """The engine's events in a task's logs; everything else the run printed is ignored."""
    events = []
    for line in logs.splitlines():
        if line.startswith(EVENT_PREFIX):
            try:
                events.append(json.loads(line[len(EVENT_PREFIX) :]))
            except json.JSONDecodeError:
                continue  # a line cut by the 5 MB limit on logs
    return events


# --- steps ------------------------------------------------------------------------------------


def _clusters_for(
    client: DatabricksClient, target: DatabricksTarget, worker_counts: list[int], partitions: int
) -> dict[int, dict]:
    """Per worker count, the ``python_task`` cluster arguments."""
    if target.cluster_id:
        cluster = client.get_cluster(target.cluster_id)
        size = cluster.get("num_workers")
        if "autoscale" in cluster or worker_counts != [size]:
            shape = "autoscales" if "autoscale" in cluster else f"has {size} worker(s)"
            raise DatabricksRunFailed(
                f"Cluster {target.cluster_id} (DATABRICKS_CLUSTER_ID) {shape}, and an existing "
                "cluster cannot change size between measurements: ask for exactly its worker "
                f"count{'' if size is None else f' ({size})'}, or unset DATABRICKS_CLUSTER_ID "
                "so that sparkhub starts one cluster per worker count."
            )
        return {size: {"cluster_id": target.cluster_id}}
    if not (target.spark_version and target.node_type_id):
        raise DatabricksRunFailed(
            "Set DATABRICKS_SPARK_VERSION and DATABRICKS_NODE_TYPE_ID (a new cluster per worker "
            "count), or DATABRICKS_CLUSTER_ID (one existing cluster), to run on Databricks."
        )
    return {
        n: {
            "new_cluster": {
                "spark_version": target.spark_version,
                "node_type_id": target.node_type_id,
                "num_workers": n,
                "spark_conf": _partition_conf(partitions),
            }
        }
        for n in worker_counts
    }


def _partition_conf(partitions: int) -> dict[str, str]:
    """The same fixed partitioning as local runs (a new cluster gets it at start-up too)."""
    _, conf = master_for(1, "local", partitions)
    return {k: v for k, v in conf.items() if k.startswith(("spark.default.", "spark.sql."))}


def _upload(client, folder, path: Path, fmt: str, spec: dict, entry_script: Path, log) -> dict:
    with tempfile.TemporaryDirectory(prefix="mlbench-databricks-") as scratch:
        spec_path = Path(scratch) / "spec.json"
        spec_path.write_text(json.dumps(spec))
        files = {
            "engine": build_engine_zip(Path(scratch) / "mlbench_engine.zip"),
            "entry": entry_script,
            "spec": spec_path,
            "data": path,
        }
        names = {
            "engine": "mlbench_engine.zip",
            "entry": "mlbench_entry.py",
            "spec": "spec.json",
            "data": f"data.{fmt}",
        }
        remote = {}
        for key, local in files.items():
            remote[key] = client.upload_file(local, f"{folder}/{names[key]}")
    log(f"Databricks: uploaded the engine, the entry script and the data to {folder}")
    return remote


def _follow(
    client,
    run_id: int,
    *,
    deadline: float,
    poll_seconds: float,
    should_cancel,
    steps_per_task: int,
    total_steps: int,
    progress,
    log,
    sleep,
) -> dict:
    """Poll ``runs/get`` until the run ends, reporting each task's state on the job.

    Whatever stops the following (a cancel, the time limit, the worker's own time-out or any
    error) cancels the Databricks run first: a run nobody watches would keep clusters busy.
    """
    states: dict[str, str] = {}
    finished = False
    try:
        while True:
            run = client.get_run(run_id)
            life = run.get("state", {}).get("life_cycle_state", "UNKNOWN")
            for task in run.get("tasks", []):
                state = task.get("state", {})
                text = state.get("life_cycle_state", "UNKNOWN")
                if state.get("state_message"):
                    text += f" ({state['state_message']})"
                if states.get(task["task_key"]) != text:
                    states[task["task_key"]] = text
                    log(f"Databricks {task['task_key']}: {text}")
            done = sum(
                1
                for task in run.get("tasks", [])
                if task.get("state", {}).get("life_cycle_state") in FINAL_LIFE_CYCLE_STATES
            )
            if life in FINAL_LIFE_CYCLE_STATES:
                finished = True
                return run
            progress(done * steps_per_task, total_steps, f"Databricks run {run_id}: {life}")
            if should_cancel():
                raise BenchmarkCancelled("The benchmark was cancelled.")
            if time.monotonic() > deadline:
                raise DatabricksRunFailed(
                    f"Databricks run {run_id} was still {life} at the job's time limit; "
                    "it was cancelled."
                )
            sleep(poll_seconds)
    finally:
        if not finished:
            try:
                client.cancel_run(run_id)
                log(f"Databricks: cancelled run {run_id}")
            except Exception as error:  # the original failure matters more than this one
                log(f"Databricks: could not cancel run {run_id}: {error}")


def _outcomes(client, run: dict) -> dict[int, _TaskOutcome]:
    """Each task's events; raises for the first task that did not produce results."""
    run_id = run["run_id"]
    outcomes: dict[int, _TaskOutcome] = {}
    for task in sorted(run.get("tasks", []), key=lambda t: int(t["task_key"].split("_")[-1])):
        workers = int(task["task_key"].removeprefix(TASK_KEY_PREFIX))
        output = client.get_run_output(task["run_id"])
        events = parse_events(output.get("logs") or "")
        fatal = next((e for e in events if e.get("event") == "fatal"), None)
        if fatal and fatal.get("user_error"):
            raise MLBenchInputError(fatal["message"], field=fatal.get("field"))
        state = task.get("state", {})
        result = state.get("result_state") or state.get("life_cycle_state", "UNKNOWN")
        where = f"Databricks run {run_id}, {workers} worker(s)"
        if fatal:
            raise DatabricksRunFailed(f"{where}: the benchmark failed: {fatal['message']}")
        if result != "SUCCESS":
            reason = state.get("state_message") or "no reason given"
            detail = (output.get("error") or "").strip()
            raise DatabricksRunFailed(
                f"{where} ended {result}: {reason}" + (f" ({detail[:500]})" if detail else "")
            )
        if not any(e.get("event") == "finished" for e in events):
            cut = " (its logs were truncated at 5 MB)" if output.get("logs_truncated") else ""
            raise DatabricksRunFailed(f"{where} succeeded but printed no complete results{cut}.")
        outcomes[workers] = _TaskOutcome(workers=workers, task=task, events=events)
    return outcomes


def _describe_databricks(document, client, run, outcomes, clusters, folder) -> None:
    """Say where each N ran, and judge scaling by cluster size rather than this machine."""
    worker_counts = sorted(outcomes)
    document["settings"]["master"] = "databricks"
    document["databricks"] = {
        "host": client.host,
        "run_id": run["run_id"],
        "run_page_url": run.get("run_page_url", ""),
        "upload_dir": folder,
        "clusters": {str(n): clusters[n] for n in worker_counts},
        "baseline": "ran on the sparkhub worker machine, not on Databricks",
        "cpu_seconds": "driver process only; executors run on other machines",
    }
    for row in document.get("runs", []):
        outcome = outcomes.get(row["workers"])
        if outcome is None:
            continue
        row["master"] = f"databricks {outcome.task['task_key']}"
        row["task_run_id"] = outcome.task["run_id"]
        if outcome.task.get("setup_duration") is not None:
            row["cluster_setup_seconds"] = outcome.task["setup_duration"] / 1000
    # Every N had a cluster of its own size: none of them is oversubscribed.
    document["summary"] = summarise(document["results"], max(worker_counts, default=1))
    document["comparison"] = compare_with_baseline(document["summary"], document["baseline"])


class _MonotonicProgress:
    """Progress that never goes back: the replay counts steps again from zero."""

    def __init__(self, report: Callable[[int, int, str], None] | None) -> None:
        self.report = report
        self.best = -1

    def __call__(self, done: int, total: int, message: str) -> None:
        if self.report and done >= self.best:
            self.best = done
            self.report(done, total, message)
