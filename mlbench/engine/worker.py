"""One benchmark process: ``python -m mlbench.engine.worker SPEC.json``.

The runner starts one of these per worker count, so every N pays its own Spark start-up (which
is then measured honestly) and sessions never collide. It prints one event per line, prefixed
with :data:`EVENT_PREFIX`, as JSON:

- ``started``   Spark start-up seconds and CPU, Spark version, master, default parallelism
- ``read``      seconds and CPU to read, parse, partition and cache the data; row count
- ``result``    one task repetition: compute seconds, CPU seconds, metrics (and, for the first
                repetition, the task's ``picture`` for charts)
- ``error``     a task failed; ``user_error`` says whether the message is for the user
- ``fatal``     the data could not be loaded; the process exits non-zero
- ``finished``

With ``"mode": "baseline"`` the same protocol runs the pandas/scikit-learn baselines instead.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path
from types import SimpleNamespace

from mlbench.engine.errors import MLBenchInputError
from mlbench.engine.machine import process_tree_cpu_seconds

EVENT_PREFIX = "@@mlbench "


def emit(event: dict) -> None:
    sys.stdout.write(EVENT_PREFIX + json.dumps(event, default=str) + "\n")
    sys.stdout.flush()


class Stopwatch:
    """Wall-clock and process-tree CPU seconds since construction."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = process_tree_cpu_seconds()

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, process_tree_cpu_seconds() - self.cpu


def run_spark(spec: dict) -> None:
    from sparkhub.spark import start_spark_session

    watch = Stopwatch()
    started = start_spark_session(spec["app_name"], master=spec["master"], conf=spec["conf"])
    try:
        run_on_session(started.session, spec, startup_seconds=started.startup_seconds, watch=watch)
    finally:
        started.session.stop()


def run_on_session(spark, spec: dict, *, startup_seconds: float, watch: Stopwatch) -> None:
    """The benchmark on a session someone else started and stops (this worker, or Databricks,
    where the job must not stop the cluster's shared session); ``watch`` began before it."""
    from mlbench.engine.loaders import load_dataset
    from mlbench.engine.tasks import run_task

    spark.sparkContext.setLogLevel("ERROR")
    _, cpu = watch.read()
    emit(
        {
            "event": "started",
            "startup_seconds": startup_seconds,
            "cpu_seconds": cpu,
            "spark_version": spark.version,
            "master": spark.sparkContext.master,
            "default_parallelism": spark.sparkContext.defaultParallelism,
        }
    )
    watch = Stopwatch()
    data = load_dataset(
        spark,
        spec["path"],
        spec["format"],
        schema_json=spec.get("schema_json"),
        delimiter=spec.get("delimiter"),
        partitions=spec["partitions"],
        spark_path=spec.get("spark_path"),
    )
    data.df = data.df.cache()
    rows = data.df.count()
    seconds, cpu = watch.read()
    emit(
        {
            "event": "read",
            "read_seconds": seconds,
            "cpu_seconds": cpu,
            "rows": rows,
            "partitions": data.df.rdd.getNumPartitions(),
        }
    )
    for task in spec["tasks"]:
        _repeat(task, spec, lambda task=task: run_task(task, data, spec["options"]))
    data.df.unpersist()


def run_baseline(spec: dict) -> None:
    from mlbench.engine.baseline import load_frame, warm_up
    from mlbench.engine.baseline import run_baseline as baseline_task

    warm_up()
    watch = Stopwatch()
    frame = load_frame(spec["path"], spec["format"], spec.get("delimiter"))
    seconds, cpu = watch.read()
    emit({"event": "read", "read_seconds": seconds, "cpu_seconds": cpu, "rows": len(frame)})
    text = spec["format"] == "txt"
    for task in spec["tasks"]:
        options = {**spec["options"], **spec.get("resolved", {}).get(task, {})}
        _repeat(
            task,
            spec,
            lambda task=task, options=options: SimpleNamespace(
                metrics=baseline_task(task, frame, options, text=text), picture={}
            ),
        )


def _repeat(task: str, spec: dict, run) -> None:
    for repetition in range(spec["repetitions"]):
        watch = Stopwatch()
        try:
            outcome = run()
        except MLBenchInputError as error:
            emit(
                {
                    "event": "error",
                    "task": task,
                    "message": error.message,
                    "field": error.field,
                    "user_error": True,
                }
            )
            return
        except Exception as error:  # a crash in one task must not lose the others' results
            traceback.print_exc()
            first_line = (str(error).strip().splitlines() or [""])[0]
            emit(
                {
                    "event": "error",
                    "task": task,
                    "user_error": False,
                    "message": f"{type(error).__name__}: {first_line}"[:2000],
                }
            )
            return
        seconds, cpu = watch.read()
        event = {
            "event": "result",
            "task": task,
            "repetition": repetition,
            "seconds": seconds,
            "cpu_seconds": cpu,
            "metrics": outcome.metrics,
        }
        if repetition == 0:
            event["picture"] = outcome.picture
        emit(event)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        sys.stderr.write("usage: python -m mlbench.engine.worker SPEC.json\n")
        return 64
    spec = json.loads(Path(argv[0]).read_text())
    run = run_baseline if spec.get("mode") == "baseline" else run_spark
    code = reported(lambda: run(spec))
    if code == 0:
        emit({"event": "finished"})
    return code


def reported(work) -> int:
    """Run ``work``; a failure becomes a ``fatal`` event and exit code 2 (bad input) or 1."""
    try:
        work()
    except MLBenchInputError as error:
        emit({"event": "fatal", "message": error.message, "field": error.field, "user_error": True})
        return 2
    except Exception as error:
        traceback.print_exc()
        emit(
            {
                "event": "fatal",
                "message": f"{type(error).__name__}: {error}"[:2000],
                "user_error": False,
            }
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
