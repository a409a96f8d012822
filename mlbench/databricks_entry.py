"""The Python file each Databricks task runs: one benchmark worker count on its cluster.

Uploaded as-is next to the engine zip and submitted as a ``spark_python_task`` with
``--engine ZIP --spec SPEC.json --data DATA``. Self-contained on purpose: it needs only the
standard library and the cluster's pyspark. ``addPyFile`` puts the engine zip on the path of
the driver and of every executor, so the tasks' Python code imports on the workers too.

It runs on the cluster's own SparkSession and never stops it (Databricks owns that session).
The engine's events are collected while it runs and printed together at the end, after
anything else the run wrote: ``runs/get-output`` returns the *last* 5 MB of a task's logs, so
the events survive even if Spark was chatty. Printing (rather than writing a result file to
DBFS) needs no write access from the cluster to any storage, which Unity Catalog workspaces
often refuse, and no extra round trips to read the file back.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import time
import urllib.parse

EVENT_PREFIX = "@@mlbench "  # the engine's worker protocol (mlbench.engine.worker)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", required=True, help="the mlbench engine zip")
    parser.add_argument("--spec", required=True, help="the benchmark spec (JSON)")
    parser.add_argument("--data", required=True, help="the dataset")
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession

    began = time.perf_counter()
    spark = SparkSession.builder.getOrCreate()
    startup_seconds = time.perf_counter() - began
    spark.sparkContext.addPyFile(args.engine)
    from mlbench.engine.worker import Stopwatch, emit, reported, run_on_session

    spec = json.loads(spark.read.text(args.spec, wholetext=True).first()[0])
    spec["path"], spec["spark_path"] = _driver_path(args.data), args.data
    for key, value in spec.get("conf", {}).items():
        if key.startswith("spark.sql."):  # only SQL settings can change on a running session
            spark.conf.set(key, value)

    captured = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(captured):
        code = reported(
            lambda: run_on_session(spark, spec, startup_seconds=startup_seconds, watch=Stopwatch())
        )
        if code == 0:
            emit({"event": "finished"})
    sys.stdout.write("\n")
    for line in captured.getvalue().splitlines():
        if line.startswith(EVENT_PREFIX):
            sys.stdout.write(line + "\n")
    sys.stdout.flush()
    return code


def _driver_path(uri: str) -> str:
    """Where the driver sees an uploaded file on its own disk (the engine checks the file
    there first): DBFS is mounted at /dbfs, volumes at /Volumes."""
    if uri.startswith("dbfs:/"):
        return "/dbfs/" + uri.removeprefix("dbfs:/")
    if uri.startswith("file:"):
        return urllib.parse.unquote(urllib.parse.urlsplit(uri).path)
    return uri


if __name__ == "__main__":
    # Exit explicitly only on failure: a clean return is the unambiguous success for a task.
    if exit_code := main():
        raise SystemExit(exit_code)
