"""Generate the real Spark event logs committed under tests/loganalytics/eventlogs/.

Each scenario runs real PySpark in its own subprocess (one SparkSession per process, each with
its own master), so the test suite never has to start Spark to read these logs:

    .venv/bin/python tests/loganalytics/make_eventlogs.py            # regenerate everything
    .venv/bin/python tests/loganalytics/make_eventlogs.py --only lz4_retries

The scenarios cover every codec Spark 4 writes, rolling directories, task retries
(``local[2,3]``), a failed job whose sibling task is killed after the job ended, AQE (one action,
several jobs), skipped stages, forced spills, skew, and executor loss with a map-stage retry
(``local-cluster``). Derived fixtures (an ``.inprogress`` log cut mid-line, a rolling directory
split into several files, a duplicated ``StageCompleted``, an application attempt id as YARN
writes it, and that application's second attempt in a log of its own) are made from the real
logs afterwards. ``manifest.json`` maps each scenario to its path, application id and attempt
id.

Last, the real History Server (from the pyspark package, on 127.0.0.1) replays every fixture and
its REST answers are recorded under ``eventlogs/shs/``: the reference the parity tests compare
sparkhub with. ``--derive-only`` redoes the derived fixtures and the recording without Spark.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
OUT = HERE / "eventlogs"

# name -> (master, extra Spark conf, workload)
SCENARIOS: dict[str, tuple[str, dict[str, str], str]] = {
    "plain_mixed": (
        "local[2]",
        {"spark.eventLog.compress": "false"},
        "mixed",
    ),
    "zstd_sql": (
        "local[2]",
        {"spark.eventLog.compress": "true", "spark.eventLog.compression.codec": "zstd"},
        "sql",
    ),
    "lz4_retries": (
        "local[2,3]",
        {"spark.eventLog.compress": "true", "spark.eventLog.compression.codec": "lz4"},
        "retries",
    ),
    "snappy_shuffle": (
        "local[2]",
        {"spark.eventLog.compress": "true", "spark.eventLog.compression.codec": "snappy"},
        "shuffle",
    ),
    "lzf_shuffle": (
        "local[2]",
        {"spark.eventLog.compress": "true", "spark.eventLog.compression.codec": "lzf"},
        "shuffle",
    ),
    "rolling_zstd": (
        "local[2]",
        {
            "spark.eventLog.compress": "true",
            "spark.eventLog.compression.codec": "zstd",
            "spark.eventLog.rolling.enabled": "true",
            "spark.eventLog.rolling.maxFileSize": "10m",
        },
        "sql",
    ),
    "cluster_executor_loss": (
        "local-cluster[2,1,1024]",
        {"spark.eventLog.compress": "false", "spark.executor.memory": "512m"},
        "executor_loss",
    ),
}


# ---------------------------------------------------------------- workloads (run inside Spark)


def _fail_first_attempt(index, rows):
    from pyspark import TaskContext

    if index == 1 and TaskContext.get().attemptNumber() == 0:
        raise RuntimeError("sparkhub fixture: first attempt fails on purpose")
    return rows


def _always_fail_partition_zero(index, rows):
    if index == 0:
        raise ValueError("sparkhub fixture: this partition always fails")
    return rows


def _fail_fast_or_sleep(index, rows):
    # Partition 0 fails at once; partition 1 is still sleeping when the job fails, so Spark
    # kills it and its TaskEnd(TaskKilled) arrives after the JobEnd.
    if index == 0:
        raise ValueError("sparkhub fixture: fail fast")
    time.sleep(3)
    return rows


def _skewed_sleep(index, rows):
    time.sleep(1.2 if index == 0 else 0.05)
    return rows


def _shuffle_jobs(spark) -> None:
    sc = spark.sparkContext
    pairs = sc.parallelize(range(4000), 4).map(lambda x: (x % 7, x))
    reduced = pairs.reduceByKey(lambda a, b: a + b, 3)
    reduced.collect()
    reduced.count()  # the map stage is skipped: its shuffle output is reused


def _workload_mixed(spark) -> None:
    sc = spark.sparkContext
    sc.setJobDescription("count a range")
    sc.parallelize(range(1000), 2).count()
    sc.setJobDescription(None)
    _shuffle_jobs(spark)
    sc.parallelize(range(100), 4).mapPartitionsWithIndex(_skewed_sleep).count()
    # Forced spills: the JVM sorter spills every 1000 rows (numElementsForceSpillThreshold).
    spark.range(0, 20000, numPartitions=2).selectExpr("(id * 7919) % 20000 AS k").orderBy(
        "k"
    ).write.format("noop").mode("overwrite").save()
    with contextlib.suppress(Exception):  # the failure is the point of this job
        sc.parallelize(range(10), 2).mapPartitionsWithIndex(_fail_fast_or_sleep).collect()
    time.sleep(4)  # let the killed task's TaskEnd reach the log before the next job
    spark.range(0, 2000).selectExpr("id % 5 AS k", "id").groupBy("k").count().collect()


def _workload_sql(spark) -> None:
    left = spark.range(0, 5000).selectExpr("id % 50 AS k", "id AS v")
    right = spark.range(0, 50).selectExpr("id AS k", "id * 2 AS w")
    left.join(right, "k").groupBy("w").sum("v").orderBy("w").collect()
    spark.range(0, 3000).selectExpr("id % 3 AS k").distinct().count()


def _workload_retries(spark) -> None:
    sc = spark.sparkContext
    sc.parallelize(range(200), 4).mapPartitionsWithIndex(_fail_first_attempt).map(
        lambda x: (x % 3, 1)
    ).reduceByKey(lambda a, b: a + b).collect()
    with contextlib.suppress(Exception):  # the failure is the point of this job
        sc.parallelize(range(20), 2).mapPartitionsWithIndex(_always_fail_partition_zero).count()
    sc.parallelize(range(100), 2).count()


def _workload_shuffle(spark) -> None:
    _shuffle_jobs(spark)


def _kill_own_executor_once(marker: str):
    def run(index, rows):
        # Kill this executor's JVM (the Python worker's grand-parent) once, during the reduce
        # stage, so its map outputs are lost and Spark re-runs part of the map stage.
        if index == 0 and not os.path.exists(marker):
            Path(marker).write_text("killed")
            for pid in _ancestor_pids():
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                if b"CoarseGrainedExecutorBackend" in cmdline:
                    os.kill(pid, 9)
                    time.sleep(30)
        return rows

    return run


def _ancestor_pids() -> list[int]:
    pids, pid = [], os.getpid()
    while pid > 1:
        stat = Path(f"/proc/{pid}/stat").read_text()
        pid = int(stat.rsplit(")", 1)[1].split()[1])
        pids.append(pid)
    return pids


def _workload_executor_loss(spark) -> None:
    sc = spark.sparkContext
    marker = os.path.join(tempfile.mkdtemp(prefix="sparkhub-kill-"), "done")
    deadline = time.monotonic() + 60
    while sc._jsc.sc().getExecutorIds().size() < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    pairs = sc.parallelize(range(4000), 4).map(lambda x: (x % 11, x))
    pairs.reduceByKey(lambda a, b: a + b, 2).mapPartitionsWithIndex(
        _kill_own_executor_once(marker)
    ).collect()


WORKLOADS = {
    "mixed": _workload_mixed,
    "sql": _workload_sql,
    "retries": _workload_retries,
    "shuffle": _workload_shuffle,
    "executor_loss": _workload_executor_loss,
}


def run_scenario(name: str, eventlog_dir: Path) -> None:
    """Runs inside the child process: one SparkSession, one workload, then stop."""
    sys.path.insert(0, str(REPO))
    from sparkhub.spark import start_spark_session

    master, extra, workload = SCENARIOS[name]
    conf = {
        "spark.eventLog.dir": eventlog_dir.as_uri(),
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": "4",
        "spark.sql.adaptive.enabled": "true",
        "spark.shuffle.spill.numElementsForceSpillThreshold": "1000",
        "spark.driver.memory": "768m",
        # Spark 4 rolls by default; single-file scenarios turn it off to cover that layout too.
        "spark.eventLog.rolling.enabled": "false",
        **extra,
    }
    spark = start_spark_session(f"sparkhub-fixture-{name}", master=master, conf=conf).session
    try:
        WORKLOADS[workload](spark)
    finally:
        spark.stop()


# ---------------------------------------------------------------- orchestration (parent)


def _private_spark_home(tmp: Path) -> Path:
    """A SPARK_HOME of links to the pyspark package: local-cluster workers write their
    ``work/`` directory under SPARK_HOME, which must not be site-packages."""
    package = Path(__import__("pyspark").__file__).resolve().parent
    home = tmp / "spark-home"
    home.mkdir()
    for entry in package.iterdir():
        if entry.name != "work":
            (home / entry.name).symlink_to(entry)
    return home


def generate(name: str, out: Path) -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix=f"sparkhub-{name}-") as tmp:
        env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "SPARK_LOCAL_IP": "127.0.0.1"}
        env["SPARK_HOME"] = str(_private_spark_home(Path(tmp)))
        logs = Path(tmp) / "events"
        logs.mkdir()
        subprocess.run(
            [sys.executable, __file__, "--child", name, "--dir", str(logs)],
            check=True,
            env=env,
            timeout=300,
        )
        produced = [p for p in logs.iterdir() if not p.name.startswith(".")]
        if len(produced) != 1:
            raise RuntimeError(f"{name}: expected one event log, found {produced}")
        source = produced[0]
        target = out / source.name
        if target.exists():
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns(".*"))
        else:
            shutil.copy2(source, target)
    app_id = target.name.removeprefix("eventlog_v2_").split(".")[0]
    return {"path": target.name, "app_id": app_id}


def derive_inprogress(manifest: dict, out: Path) -> None:
    """A log still being written: the first 60% of the lines, the last one cut in half."""
    source = out / manifest["plain_mixed"]["path"]
    lines = source.read_bytes().splitlines(keepends=True)
    keep = int(len(lines) * 0.6)
    body = b"".join(lines[:keep]) + lines[keep][: len(lines[keep]) // 2]
    original = manifest["plain_mixed"]["app_id"]
    app_id = f"{original}-partial"  # its own id, so the History Server lists both logs
    target = out / f"{app_id}.inprogress"
    target.write_bytes(body.replace(original.encode(), app_id.encode()))
    manifest["plain_inprogress"] = {"path": target.name, "app_id": app_id}


def derive_rolling_split(manifest: dict, out: Path) -> None:
    """A rolling directory of several files (real Spark needs 10 MiB before it rolls)."""
    import zstandard

    source = out / manifest["lz4_retries"]["path"]
    from loganalytics.eventlog.readers import iter_lines  # the code under test reads the lz4

    lines = list(iter_lines(source))
    app_id = manifest["lz4_retries"]["app_id"] + "-split"
    target = out / f"eventlog_v2_{app_id}"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir()
    thirds = [lines[: len(lines) // 3], lines[len(lines) // 3 : 2 * len(lines) // 3]]
    thirds.append(lines[2 * len(lines) // 3 :])
    compressor = zstandard.ZstdCompressor()
    for index, part in enumerate(thirds, start=1):
        # Keep the application id consistent with the directory name.
        text = b"".join(line + b"\n" for line in part).replace(
            manifest["lz4_retries"]["app_id"].encode(), app_id.encode()
        )
        (target / f"events_{index}_{app_id}.zstd").write_bytes(compressor.compress(text))
    (target / f"appstatus_{app_id}").write_bytes(b"")
    manifest["rolling_split"] = {"path": target.name, "app_id": app_id}


def derive_duplicate_stage_completed(manifest: dict, out: Path) -> None:
    """Spark sometimes writes a stage's StageCompleted twice; SHS counts the first one.

    The copy goes after the next JobEnd, later and marked failed, so counting it would show.
    """
    source = out / manifest["cluster_executor_loss"]["path"]
    lines = source.read_bytes().splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if b'"SparkListenerStageCompleted"' in line)
    duplicate = json.loads(lines[first])
    duplicate["Stage Info"]["Completion Time"] += 1000
    duplicate["Stage Info"]["Failure Reason"] = "a duplicate that must not be counted"
    job_end = next(i for i in range(first, len(lines)) if b'"SparkListenerJobEnd"' in lines[i])
    lines.insert(job_end + 1, json.dumps(duplicate).encode() + b"\n")
    original = manifest["cluster_executor_loss"]["app_id"]
    app_id = f"{original}-duplicate"
    target = out / app_id
    target.write_bytes(b"".join(lines).replace(original.encode(), app_id.encode()))
    manifest["duplicate_stage_completed"] = {"path": target.name, "app_id": app_id}


def derive_cluster_attempt(manifest: dict, out: Path) -> None:
    """An application with an attempt id, as YARN's cluster mode writes it.

    Only YARN's scheduler reports an attempt id (Spark 4 writes ``spark.app.attempt.id`` from it
    and does not read it in local or standalone mode), so the real standalone log gets
    ``"App Attempt ID": "1"`` added to its ApplicationStart and nothing else changed.
    """
    source = out / manifest["cluster_executor_loss"]["path"]
    original = manifest["cluster_executor_loss"]["app_id"]
    app_id = f"{original}-attempt"
    lines = source.read_bytes().replace(original.encode(), app_id.encode()).splitlines(True)
    start = next(i for i, line in enumerate(lines) if b'"SparkListenerApplicationStart"' in line)
    event = json.loads(lines[start])
    with_attempt = {}
    for key, value in event.items():
        with_attempt[key] = value
        if key == "App ID":
            with_attempt["App Attempt ID"] = "1"
    lines[start] = json.dumps(with_attempt, separators=(",", ":")).encode() + b"\n"
    target = out / f"{app_id}_1"  # Spark names an attempt's log <appId>_<attemptId>
    target.write_bytes(b"".join(lines))
    manifest["cluster_attempt"] = {"path": target.name, "app_id": app_id, "attempt_id": "1"}


# Event fields that hold epoch milliseconds (0 means "not yet" and stays 0).
_TIME_FIELDS = {
    "Timestamp",
    "Submission Time",
    "Completion Time",
    "Launch Time",
    "Finish Time",
    "Getting Result Time",
    "Registration Time",
}
SECOND_ATTEMPT_DELAY_MS = 3_600_000


def _shifted(value, delay: int):
    if isinstance(value, dict):
        return {
            key: item + delay
            if key in _TIME_FIELDS and isinstance(item, int) and item > 0
            else _shifted(item, delay)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_shifted(item, delay) for item in value]
    return value


def derive_second_cluster_attempt(manifest: dict, out: Path) -> None:
    """The second attempt of the attempt-id application, in its own log, as YARN writes it
    when the driver is retried: the first attempt's events an hour later, with "App Attempt
    ID": "2". Its environment also gets a Hadoop property whose name, and a system property
    whose value, the History Server must redact (the log writer redacts Spark properties only
    by name, so such values do reach logs)."""
    first = manifest["cluster_attempt"]
    lines = []
    for line in (out / first["path"]).read_bytes().splitlines():
        event = _shifted(json.loads(line), SECOND_ATTEMPT_DELAY_MS)
        if event["Event"] == "SparkListenerApplicationStart":
            event["App Attempt ID"] = "2"
        if event["Event"] == "SparkListenerEnvironmentUpdate":
            event["Hadoop Properties"]["fs.s3a.secret.key"] = "sparkhub-fixture-not-a-secret"
            event["System Properties"]["sparkhub.fixture.command"] = (
                "spark-submit --conf spark.my.password=sparkhub-fixture"
            )
        lines.append(json.dumps(event, separators=(",", ":")).encode() + b"\n")
    target = out / f"{first['app_id']}_2"
    target.write_bytes(b"".join(lines))
    manifest["cluster_attempt_2"] = {
        "path": target.name,
        "app_id": first["app_id"],
        "attempt_id": "2",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(SCENARIOS))
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--derive-only",
        action="store_true",
        help="skip Spark: only re-derive fixtures and re-record SHS answers",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_scenario(args.child, args.dir)
        return
    sys.path.insert(0, str(REPO))
    args.out.mkdir(parents=True, exist_ok=True)
    manifest_path = args.out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    for name in [] if args.derive_only else args.only or SCENARIOS:
        started = time.monotonic()
        manifest[name] = generate(name, args.out)
        print(f"{name}: {manifest[name]['path']} in {time.monotonic() - started:.0f}s")
        _write_manifest(manifest, manifest_path)
    derivations = [
        ("plain_mixed", derive_inprogress),
        ("lz4_retries", derive_rolling_split),
        ("cluster_executor_loss", derive_duplicate_stage_completed),
        ("cluster_executor_loss", derive_cluster_attempt),
        ("cluster_attempt", derive_second_cluster_attempt),
    ]
    for source, derive in derivations:
        if source in manifest:
            derive(manifest, args.out)
    _write_manifest(manifest, manifest_path)
    capture_history_server_answers(manifest, args.out)


def capture_history_server_answers(manifest: dict, out: Path) -> None:
    """Record the real History Server's answers for every fixture (the parity reference)."""
    from tests.loganalytics.history_server import running_history_server
    from tests.loganalytics.parity import capture_history_server

    target = out / "shs"
    target.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sparkhub-shs-") as tmp:
        logs = [out / entry["path"] for entry in manifest.values()]
        with running_history_server(logs, Path(tmp)) as shs:
            shs.wait_for_applications({entry["app_id"] for entry in manifest.values()})
            for name, entry in sorted(manifest.items()):
                answers = capture_history_server(shs, entry["app_id"], entry.get("attempt_id"))
                (target / f"{name}.json").write_text(json.dumps(answers) + "\n")


def _write_manifest(manifest: dict, path: Path) -> None:
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
