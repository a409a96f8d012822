"""mlbench speed: Spark next to the pandas/scikit-learn baseline, and sparkhub's overhead.

    .venv/bin/python bench/mlbench.py [--rows 100000,500000] [--workers 2] [--repetitions 3]
                                      [--mode both|engine|overhead]

``engine``: for each size it writes the synthetic dataset, runs every task through the real
benchmark runner (a fresh Spark process per worker count, fixed partitions) and prints medians:
Spark compute time per worker count, the baseline's time, and Spark start-up and read time, which
a user pays once per job. Only cores the machine really has are used unless --workers says
otherwise.

``overhead``: starts sparkhub as deployed (``manage.py serve``: gunicorn on 127.0.0.1, one RQ
worker, the embedded Redis, SQLite in a temporary directory; DATABASE_URL is honoured), uploads
the dataset through ``POST /api/files/upload``, waits for its profile, then per task submits
``POST /api/jobs`` and polls ``GET /api/jobs/{id}`` until it is over. From the job row's
timestamps: wall time from submission to the result row, minus the work the job measured itself
(Spark start-up, read and compute for every worker count, and the baseline's read and compute),
is sparkhub's overhead; the goal is under 10% of that work plus 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mlbench.engine import TASK_NAMES
from mlbench.engine.machine import available_cores, machine_facts
from mlbench.engine.runner import run_benchmark
from mlbench.engine.synthetic import write_synthetic

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="100000,500000")
    parser.add_argument("--workers", default=str(available_cores()))
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--tasks", default=",".join(TASK_NAMES))
    parser.add_argument("--mode", choices=("both", "engine", "overhead"), default="both")
    args = parser.parse_args()
    sizes = [int(n) for n in args.rows.split(",")]
    workers = [int(n) for n in args.workers.split(",")]
    tasks = args.tasks.split(",")
    print(f"machine: {machine_facts()}")
    print(f"workers {workers}, repetitions {args.repetitions}, tasks {', '.join(tasks)}\n")
    with tempfile.TemporaryDirectory(prefix="mlbench-bench-") as scratch:
        if args.mode in ("both", "overhead"):
            measure_overhead(Path(scratch), sizes, tasks, workers, args.repetitions)
        if args.mode == "overhead":
            return 0
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
    print_task_table([document], workers)
    print()


def print_task_table(documents: list[dict], workers: list[int]) -> None:
    """Median Spark compute time per worker count next to the baseline, a task a line."""
    spark_columns = "".join(f"{f'Spark N={n} s':>14}" for n in workers)
    print(f"   {'task':<22}{spark_columns}{'baseline s':>12}{'Spark/base':>12}  pays off")
    for document in documents:
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


# --- overhead: a job through the API, from submission to the result row ---------------------

TERMINAL = ("succeeded", "failed", "cancelled")
POLL_SECONDS = 0.2


def measure_overhead(scratch: Path, sizes, tasks, workers, repetitions) -> None:
    var = scratch / "var"
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(SPARKHUB_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="sparkhub.settings")
    os.environ.update(env)  # this process reads the rows the server writes
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    api = Api(port=free_port(), token=api_token())
    serve = ["serve", "--port", str(api.port), "--workers", "1", "--web-workers", "1"]
    server = subprocess.Popen(
        [sys.executable, "manage.py", *serve],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        api.wait_until_up(server)
        for rows in sizes:
            path = write_synthetic(scratch / f"synthetic_{rows}.csv", rows)
            measure_one_size(api, path, rows, tasks, workers, repetitions)
    finally:
        server.send_signal(signal.SIGTERM)  # serve stops its workers and Redis itself
        server.wait(timeout=60)


def measure_one_size(api, path: Path, rows: int, tasks, workers, repetitions) -> None:
    from mlbench.models import BenchmarkJob, Dataset

    uploaded = api.upload(path)
    dataset = wait_for_row(Dataset, uploaded["file_id"], timeout=1800)
    profile_wall = (dataset.finished_at - dataset.created_at).total_seconds()
    print(
        f"== overhead, {rows:,} rows through the API (workers {workers}, repetitions "
        f"{repetitions}); profiling after upload {profile_wall:.2f} s ({dataset.status})"
    )
    print(
        f"   {'task':<20}{'wall s':>8}{'Spark s':>9}{'baseline s':>11}{'overhead s':>11}"
        f"{'limit s':>9}  ok   queued / before / processes / after (s)"
    )
    documents = []
    for task in tasks:
        accepted = api.post_json(
            "/api/jobs",
            {
                "file_id": uploaded["file_id"],
                "tasks": [task],
                "worker_counts": workers,
                "repetitions": repetitions,
            },
        )
        deadline = time.monotonic() + 3600
        while api.get_json(f"/api/jobs/{accepted['job_id']}")["status"] not in TERMINAL:
            if time.monotonic() > deadline:
                raise RuntimeError(f"job {accepted['job_id']} did not finish within an hour")
            time.sleep(POLL_SECONDS)
        job = BenchmarkJob.objects.get(pk=accepted["job_id"])
        print_overhead_row(task, job)
        if job.document and job.document.get("finished_at"):
            documents.append(job.document)
    print(f"\n   the same jobs' Spark compute (median of {repetitions}) and the baseline:")
    print_task_table(documents, workers)
    runs = [run for document in documents for run in document["runs"]]
    if runs:
        startups = [run.get("startup_seconds", 0) for run in runs]
        reads = [run.get("read_seconds", 0) for run in runs]
        print(
            f"   per worker count: Spark start-up {min(startups):.1f}-{max(startups):.1f} s, "
            f"read+cache {min(reads):.1f}-{max(reads):.1f} s"
        )
    print()


def print_overhead_row(task: str, job) -> None:
    document = job.document or {}
    if not document.get("finished_at"):
        print(f"   {task:<20}{job.status}: {job.error[:200]}")
        return
    spark = sum(r.get("startup_seconds", 0) + r.get("read_seconds", 0) for r in document["runs"])
    spark += sum(r["seconds"] for r in document["results"])
    baseline = document.get("baseline", {}).get(task)
    baseline_work = document.get("baseline_read_seconds", 0) + (
        baseline["seconds"] * document["settings"].get("baseline_repetitions", 1) if baseline else 0
    )
    measured = spark + baseline_work
    wall = (job.finished_at - job.created_at).total_seconds()
    overhead = wall - measured
    limit = 0.10 * measured + 1.0
    engine_started = datetime.fromisoformat(document["started_at"])
    engine_finished = datetime.fromisoformat(document["finished_at"])
    queued = (job.started_at - job.created_at).total_seconds()
    before = (engine_started - job.started_at).total_seconds()
    processes = (engine_finished - engine_started).total_seconds() - measured
    after = (job.finished_at - engine_finished).total_seconds()
    print(
        f"   {task:<20}{wall:>8.2f}{spark:>9.2f}{baseline_work:>11.2f}{overhead:>11.2f}"
        f"{limit:>9.2f}  {'yes' if overhead < limit else 'NO ':<4} "
        f"{queued:.2f} / {before:.2f} / {processes:.2f} / {after:.2f}"
        + ("" if job.status == "succeeded" else f"  ({job.status})")
    )


def api_token() -> str:
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    user, _ = User.objects.get_or_create(username="mlbench-bench")
    return Token.objects.get_or_create(user=user)[0].key


def wait_for_row(model, pk: int, *, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = model.objects.get(pk=pk)
        if row.status in TERMINAL:
            return row
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"{model.__name__} {pk} did not finish within {timeout:g} s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Api:
    """sparkhub's REST API on 127.0.0.1 with a token (standard library only)."""

    def __init__(self, *, port: int, token: str):
        self.port = port
        self.token = token

    def wait_until_up(self, server: subprocess.Popen) -> None:
        for _ in range(300):  # bounded: 60 s
            if server.poll() is not None:
                raise RuntimeError(f"manage.py serve exited with {server.returncode}")
            try:
                with urllib.request.urlopen(self._url("/healthz"), timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("sparkhub did not start")

    def upload(self, path: Path) -> dict:
        boundary = uuid.uuid4().hex
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{path.name}"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        body += path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
        return self._send("/api/files/upload", body, f"multipart/form-data; boundary={boundary}")

    def post_json(self, path: str, payload: dict) -> dict:
        return self._send(path, json.dumps(payload).encode(), "application/json")

    def get_json(self, path: str) -> dict:
        return self._send(path, None, None)

    def _send(self, path: str, body: bytes | None, content_type: str | None) -> dict:
        request = urllib.request.Request(self._url(path), data=body)
        request.add_header("Authorization", f"Token {self.token}")
        if content_type:
            request.add_header("Content-Type", content_type)
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())

    def _url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


if __name__ == "__main__":
    raise SystemExit(main())
