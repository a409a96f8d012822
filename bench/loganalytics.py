"""Benchmark: parse and aggregate a big Spark event log, next to the real History Server.

    .venv/bin/python bench/loganalytics.py                 # 240k tasks (~1.2 GB of JSON), 3 repeats
    .venv/bin/python bench/loganalytics.py --tasks 20000 --no-shs     # a quick look

1. A real PySpark run (``local[2]``, in a subprocess) writes a seed event log.
2. Its jobs are repeated with new job, stage and task ids and shifted times until the log holds
   ``--tasks`` tasks, written as zstd (Spark 4's default codec) or plain.
3. Each repeat runs in a fresh process: read-only throughput, then read + normalise +
   aggregate, each with wall time, CPU time and peak RSS; the medians are printed.
4. The same log is imported into the database (``import_eventlog``'s service: every event
   stored, aggregated, findings written) in a fresh process, into ``DATABASE_URL`` (default: a
   temporary SQLite file); wall, the process's CPU, the CPU of the second process that parses a
   big log, the database server's CPU (PostgreSQL, read from /proc) and the peak RSS of both
   processes are printed.
5. The real History Server (from the pyspark package) replays the same log; its wall time, CPU
   time and peak RSS until ``/jobs`` answers are printed too (``--no-shs`` skips it).

``--keep-log DIR`` keeps the big log; ``--big-log PATH`` reuses one instead of building it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import orjson
import zstandard

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SEED_JOB = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {repo!r})
    from sparkhub.spark import start_spark_session
    conf = {{"spark.eventLog.dir": {uri!r}, "spark.eventLog.compress": "false",
            "spark.eventLog.rolling.enabled": "false", "spark.ui.enabled": "false",
            "spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1",
            "spark.sql.shuffle.partitions": "200"}}
    spark = start_spark_session("sparkhub-bench", master="local[2]", conf=conf).session
    sc = spark.sparkContext
    sc.parallelize(range(200_000), 200).map(lambda x: (x % 997, 1)).reduceByKey(
        lambda a, b: a + b, 200).count()
    spark.range(0, 200_000, numPartitions=100).selectExpr("id % 50 AS k").groupBy("k").count(
        ).collect()
    spark.stop()
""")

REPEATED = {
    "SparkListenerJobStart",
    "SparkListenerJobEnd",
    "SparkListenerStageSubmitted",
    "SparkListenerStageCompleted",
    "SparkListenerTaskStart",
    "SparkListenerTaskEnd",
}


def run_spark_seed(work: Path) -> Path:
    logs = work / "seed-logs"
    logs.mkdir()
    script = SEED_JOB.format(repo=str(REPO), uri=logs.as_uri())
    subprocess.run(
        [sys.executable, "-c", script],
        check=True,
        timeout=600,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    (log,) = [p for p in logs.iterdir() if not p.name.startswith(".")]
    return log


def _shift(event: dict, jobs: int, stages: int, tasks: int, millis: int) -> dict:
    """The same event, as if it happened ``millis`` later in another run of the same jobs."""
    kind = event["Event"]
    if "Job ID" in event:
        event["Job ID"] += jobs
    if kind == "SparkListenerJobStart":
        event["Stage IDs"] = [s + stages for s in event["Stage IDs"]]
        event["Submission Time"] += millis
        for info in event["Stage Infos"]:
            info["Stage ID"] += stages
            for key in ("Submission Time", "Completion Time"):
                if key in info:
                    info[key] += millis
    elif kind == "SparkListenerJobEnd":
        event["Completion Time"] += millis
    elif "Stage Info" in event:
        info = event["Stage Info"]
        info["Stage ID"] += stages
        for key in ("Submission Time", "Completion Time"):
            if key in info:
                info[key] += millis
    else:
        event["Stage ID"] += stages
        info = event["Task Info"]
        info["Task ID"] += tasks
        for key in ("Launch Time", "Finish Time", "Getting Result Time"):
            if info.get(key):
                info[key] += millis
    return event


def build_big_log(seed: Path, target_tasks: int, out: Path, codec: str) -> dict:
    from loganalytics.eventlog.readers import iter_lines  # any codec or layout Spark writes

    lines = list(iter_lines(seed))
    events = [orjson.loads(line) for line in lines]
    repeated = [e for e in events if e["Event"] in REPEATED]
    repeated_lines = [line for line, e in zip(lines, events, strict=True) if e["Event"] in REPEATED]
    head = [
        e
        for e in events
        if e["Event"] not in REPEATED and e["Event"] != "SparkListenerApplicationEnd"
    ]
    app_end = next(e for e in events if e["Event"] == "SparkListenerApplicationEnd")
    tasks_per_copy = sum(1 for e in repeated if e["Event"] == "SparkListenerTaskEnd")
    jobs = 1 + max(e["Job ID"] for e in repeated if "Job ID" in e)
    stages = 1 + max(e["Stage Info"]["Stage ID"] for e in repeated if "Stage Info" in e)
    task_ids = 1 + max(e["Task Info"]["Task ID"] for e in repeated if "Task Info" in e)
    times = [e["Submission Time"] for e in repeated if "Submission Time" in e]
    times += [e["Completion Time"] for e in repeated if e["Event"] == "SparkListenerJobEnd"]
    span = max(times) - min(times) + 1000
    copies = max(1, -(-target_tasks // tasks_per_copy))
    path = out / ("big-eventlog.zstd" if codec == "zstd" else "big-eventlog")
    with path.open("wb") as raw:
        sink = zstandard.ZstdCompressor(level=3).stream_writer(raw) if codec == "zstd" else raw
        for event in head:
            sink.write(orjson.dumps(event) + b"\n")
        for copy in range(copies):
            for line in repeated_lines:
                event = _shift(
                    orjson.loads(line), copy * jobs, copy * stages, copy * task_ids, copy * span
                )
                sink.write(orjson.dumps(event) + b"\n")
        app_end["Timestamp"] += copies * span
        sink.write(orjson.dumps(app_end) + b"\n")
        if codec == "zstd":
            sink.close()
    return {
        "path": str(path),
        "tasks": copies * tasks_per_copy,
        "copies": copies,
        "file_bytes": path.stat().st_size,
    }


def count_tasks(path: Path) -> int:
    from loganalytics.eventlog.readers import iter_lines

    return sum(1 for line in iter_lines(path) if b'"SparkListenerTaskEnd"' in line)


MEASURE = textwrap.dedent("""
    import json, resource, sys, time
    sys.path.insert(0, {repo!r})
    from loganalytics.eventlog import aggregate, read_events
    from loganalytics.eventlog.readers import read_raw_events
    started, cpu = time.perf_counter(), time.process_time()
    if {mode!r} == "read":
        count = sum(1 for _ in read_raw_events({path!r}))
    else:
        model = aggregate(read_events({path!r}))
        count = model.event_count
    print(json.dumps({{"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                       "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                       "events": count}}))
""")


IMPORT = textwrap.dedent("""
    import json, os, resource, sys, time
    sys.path.insert(0, {repo!r})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sparkhub.settings")
    import django
    django.setup()
    from django.db import connection
    from loganalytics.models import SparkApplication
    from loganalytics.services import import_event_log
    with connection.cursor() as cursor:  # start from nothing, outside the timing
        cursor.execute("DELETE FROM loganalytics_applicationfinding")
        cursor.execute("DELETE FROM loganalytics_sparkevent")
    SparkApplication.objects.all().delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM loganalytics_sparkevent")
    database_cpu = {database_cpu}
    before = database_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    run = import_event_log(path={path!r})
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the parsing process, for big logs
    print(json.dumps({{"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                       "child_cpu": children.ru_utime + children.ru_stime,
                       "database_cpu": database_cpu() - before,
                       "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                       "child_rss_mb": children.ru_maxrss / 1024,
                       "events": run.events_read}}))
""")

DATABASE_CPU = """lambda: sum(
    (lambda f: (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK"))(
        open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split())
    for p in os.listdir("/proc")
    if p.isdigit() and os.path.exists(f"/proc/{p}/comm")
    and open(f"/proc/{p}/comm").read().strip() in ("postgres", "postmaster"))"""


def measure_import(path: str, repeats: int, env: dict) -> dict:
    subprocess.run([sys.executable, str(REPO / "manage.py"), "migrate", "-v0"], check=True, env=env)
    runs = []
    for _ in range(repeats):
        script = IMPORT.format(repo=str(REPO), path=path, database_cpu=DATABASE_CPU)
        output = subprocess.run(
            [sys.executable, "-c", script],
            check=True,
            timeout=3600,
            capture_output=True,
            text=True,
            env=env,
        ).stdout
        runs.append(json.loads(output.strip().splitlines()[-1]))
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def measure(path: str, mode: str, repeats: int) -> dict:
    runs = []
    for _ in range(repeats):
        script = MEASURE.format(repo=str(REPO), path=path, mode=mode)
        output = subprocess.run(
            [sys.executable, "-c", script], check=True, timeout=3600, capture_output=True, text=True
        ).stdout
        runs.append(json.loads(output))
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def measure_history_server(path: str, app_id: str, work: Path) -> dict:
    from tests.loganalytics.history_server import running_history_server

    started = time.perf_counter()
    with running_history_server([Path(path)], work / "shs") as shs:
        shs.wait_for_applications({app_id}, timeout=1800)
        shs.get(f"applications/{app_id}/jobs", timeout=1800)
        wall = time.perf_counter() - started
        pid_files = list((work / "shs" / "shs-pid").glob("*.pid"))
        pid = pid_files[0].read_text().strip() if pid_files else ""
        status = Path(f"/proc/{pid}/status").read_text() if pid else ""
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split() if pid else []
    peak_kb = next(
        (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")), 0
    )
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(stat[11]) + int(stat[12])) / ticks if stat else 0.0
    return {"wall": wall, "cpu": cpu, "rss_mb": peak_kb / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=240_000, help="tasks in the big log")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--codec", choices=["zstd", "plain"], default="zstd")
    parser.add_argument("--seed-log", type=Path, help="reuse this log instead of running Spark")
    parser.add_argument(
        "--no-shs", dest="shs", action="store_false", help="skip timing the real History Server"
    )
    parser.add_argument("--keep-log", type=Path, help="keep the big log in this directory")
    parser.add_argument("--big-log", type=Path, help="reuse this big log (and its seed log)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sparkhub-bench-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        if args.big_log:
            seed = args.seed_log or args.big_log
            big = {"path": str(args.big_log), "tasks": count_tasks(args.big_log)}
            big["file_bytes"] = args.big_log.stat().st_size
        else:
            seed = args.seed_log or run_spark_seed(work)
            big = build_big_log(seed, args.tasks, args.keep_log or work, args.codec)
        spark_seconds = time.perf_counter() - started
        from loganalytics.eventlog.readers import iter_lines

        app_id = next(
            orjson.loads(line)["App ID"]
            for line in iter_lines(seed)
            if b"SparkListenerApplicationStart" in line
        )

        plain_bytes = sum(len(line) + 1 for line in iter_lines(big["path"]))
        origin = "given" if args.seed_log or args.big_log else f"{spark_seconds:.0f}s of real Spark"
        print(f"seed log: {seed.name} ({origin})")
        print(
            f"big log: {big['tasks']:,} tasks, {plain_bytes / 1e6:,.0f} MB of JSON, "
            f"{big['file_bytes'] / 1e6:,.1f} MB on disk ({args.codec})"
        )
        for mode, label in (("read", "read only"), ("aggregate", "read+normalise+aggregate")):
            result = measure(big["path"], mode, args.repeats)
            print(
                f"{label:>26}: {result['wall']:6.1f} s wall, {result['cpu']:6.1f} s CPU, "
                f"{result['rss_mb']:6.0f} MB peak RSS, "
                f"{plain_bytes / 1e6 / result['wall']:6.0f} MB/s, "
                f"{result['events'] / result['wall']:,.0f} events/s "
                f"(median of {args.repeats})"
            )
        env = dict(os.environ, SPARKHUB_VAR_DIR=str(work / "var"))
        database = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
        result = measure_import(big["path"], args.repeats, env)
        print(
            f"{'import into ' + database:>26}: {result['wall']:6.1f} s wall, "
            f"{result['cpu']:6.1f} s CPU + {result['child_cpu']:.1f} s in the parsing process "
            f"+ {result['database_cpu']:.1f} s database CPU, "
            f"{result['rss_mb']:6.0f} MB peak RSS "
            f"(parsing process {result['child_rss_mb']:.0f} MB), "
            f"{result['events'] / result['wall']:,.0f} events/s (median of {args.repeats})"
        )
        if args.shs:
            result = measure_history_server(big["path"], app_id, work)
            print(
                f"{'Spark History Server':>26}: {result['wall']:6.1f} s wall, "
                f"{result['cpu']:6.1f} s CPU, {result['rss_mb']:6.0f} MB peak RSS"
            )


if __name__ == "__main__":
    main()
