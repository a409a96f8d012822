"""mlbench speed: each task's Spark time next to the pandas/scikit-learn baseline.

    .venv/bin/python bench/mlbench.py [--rows 100000,500000] [--workers 2] [--repetitions 3]

For each size it writes the synthetic dataset, runs every task through the real benchmark
runner (a fresh Spark process per worker count, fixed partitions) and prints medians: Spark
compute time per worker count, the baseline's time, and Spark start-up and read time, which a
user pays once per job. Only cores the machine really has are used unless --workers says
otherwise.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mlbench.engine import TASK_NAMES
from mlbench.engine.machine import available_cores, machine_facts
from mlbench.engine.runner import run_benchmark
from mlbench.engine.synthetic import write_synthetic


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="100000,500000")
    parser.add_argument("--workers", default=str(available_cores()))
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--tasks", default=",".join(TASK_NAMES))
    args = parser.parse_args()
    sizes = [int(n) for n in args.rows.split(",")]
    workers = [int(n) for n in args.workers.split(",")]
    tasks = args.tasks.split(",")
    print(f"machine: {machine_facts()}")
    print(f"workers {workers}, repetitions {args.repetitions}, tasks {', '.join(tasks)}\n")
    with tempfile.TemporaryDirectory(prefix="mlbench-bench-") as scratch:
        for rows in sizes:
            path = write_synthetic(Path(scratch) / f"synthetic_{rows}.csv", rows)
            started = time.perf_counter()
            document = run_benchmark(
                job_id=f"bench-{rows}",
                path=path,
                fmt="csv",
                tasks=tasks,
                worker_counts=workers,
                repetitions=args.repetitions,
                baseline_repetitions=args.repetitions,
                spark_conf={"spark.driver.memory": "2g"},
                on_log=lambda line: print(f"  {line}", file=sys.stderr),
            )
            print_table(rows, document, workers, time.perf_counter() - started)
    return 0


def print_table(rows: int, document: dict, workers: list[int], wall: float) -> None:
    print(
        f"== {rows:,} rows, whole job {wall:.1f} s, status "
        f"{document['status']}, load {document['machine']['load_before']} -> "
        f"{document['machine']['load_after']}"
    )
    for run in document["runs"]:
        print(
            f"   N={run['workers']}: Spark start-up {run.get('startup_seconds', 0):.2f} s, "
            f"read+cache {run.get('read_seconds', 0):.2f} s"
        )
    print(f"   baseline read (pandas) {document.get('baseline_read_seconds', 0):.2f} s")
    spark_columns = "".join(f"{f'Spark N={n} s':>14}" for n in workers)
    print(f"   {'task':<22}{spark_columns}{'baseline s':>12}{'Spark/base':>12}  pays off")
    for task in document["settings"]["tasks"]:
        by_workers = document["summary"].get(task, {})
        cells = "".join(
            f"{by_workers[str(n)]['median_seconds']:>14.3f}"
            if str(n) in by_workers
            else f"{'failed':>14}"
            for n in workers
        )
        comparison = document["comparison"].get(task)
        if comparison:
            print(
                f"   {task:<22}{cells}{comparison['baseline_seconds']:>12.3f}"
                f"{comparison['spark_over_baseline']:>12.2f}  "
                f"{'yes' if comparison['spark_pays_off'] else 'no'}"
            )
        else:
            print(f"   {task:<22}{cells}{'-':>12}{'-':>12}")
    for error in document["errors"]:
        print(f"   error: {error['task']} (N={error['workers']}): {error['message']}")
    print()


if __name__ == "__main__":
    raise SystemExit(main())
