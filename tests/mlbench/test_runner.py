"""The benchmark runner end to end: real worker processes on local[1] and local[2]."""

import json
import subprocess
import time

import pytest

from mlbench.engine.errors import MLBenchInputError
from mlbench.engine.profiling import profile_file
from mlbench.engine.runner import BenchmarkCancelled, master_for, run_benchmark
from mlbench.engine.synthetic import write_synthetic


@pytest.mark.slow
def test_run_benchmark_gives_identical_results_on_every_worker_count(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARK_EVENTLOG_DIR", str(tmp_path / "events"))
    path = write_synthetic(tmp_path / "data.csv", rows=120)
    progress, logs = [], []

    document = run_benchmark(
        job_id="job-1",
        path=path,
        fmt="csv",
        tasks=["kmeans", "fpgrowth"],
        worker_counts=[1, 2],
        repetitions=2,
        partitions=3,
        options={"fpgrowth.min_support": 0.99},
        on_progress=lambda done, total, message: progress.append((done, total)),
        on_log=logs.append,
    )

    # k-means converges differently when partitioning follows N; here it must not.
    kmeans = [r for r in document["results"] if r["task"] == "kmeans"]
    assert {(r["workers"], r["repetition"]) for r in kmeans} == {(1, 0), (1, 1), (2, 0), (2, 1)}
    assert all(r["metrics"] == kmeans[0]["metrics"] for r in kmeans)
    assert set(document["summary"]["kmeans"]) == {"1", "2"}
    assert {"median_seconds", "speedup", "efficiency"} <= set(document["summary"]["kmeans"]["2"])
    assert document["baseline"]["kmeans"]["metrics"]["k"] == 3
    assert "fpgrowth" not in document["baseline"]
    # A task failing on this data is recorded with its message; the job carries on.
    assert document["status"] == "partial"
    assert [(e["task"], e["workers"]) for e in document["errors"]] == [
        ("fpgrowth", 1),
        ("fpgrowth", 2),
    ]
    assert "lower min_support" in document["errors"][0]["message"]
    assert progress[-1] == (6, 6) and [d for d, _ in progress] == sorted(d for d, _ in progress)
    assert [run["partitions"] for run in document["runs"]] == [3, 3]
    assert all(run["startup_seconds"] > 0 and run["read_seconds"] > 0 for run in document["runs"])
    assert all(r["cpu_seconds"] > 0 for r in kmeans)
    assert document["machine"]["available_cores"] >= 1
    assert any(line.startswith("N=2: read 120 rows") for line in logs)
    json.dumps(document)


def test_run_benchmark_refuses_an_empty_file_before_starting_spark(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")

    with pytest.raises(MLBenchInputError, match="empty"):
        run_benchmark(job_id=3, path=path, fmt="csv", tasks=["kmeans"])


def test_run_benchmark_refuses_unknown_tasks(tmp_path):
    with pytest.raises(MLBenchInputError, match="unknown: clustering"):
        run_benchmark(job_id=4, path=tmp_path / "x.csv", fmt="csv", tasks=["clustering"])


def test_master_for_gives_each_worker_count_its_own_cores_and_fixed_partitions():
    local_url, local_conf = master_for(4, None, partitions=16)
    cluster_url, cluster_conf = master_for(3, "spark://127.0.0.1:7077", partitions=16)

    assert local_url == "local[4]"
    assert local_conf["spark.sql.shuffle.partitions"] == "16"
    assert local_conf["spark.default.parallelism"] == "16"
    assert cluster_url == "spark://127.0.0.1:7077"
    assert cluster_conf["spark.cores.max"] == "3" and cluster_conf["spark.executor.cores"] == "1"
    assert master_for(2, "local-cluster[{n},1,1024]", partitions=8)[0] == "local-cluster[2,1,1024]"


@pytest.mark.slow
def test_profile_file_profiles_in_a_child_process(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARK_EVENTLOG_DIR", str(tmp_path / "events"))
    path = tmp_path / "prices.csv"
    path.write_text("day;price\n2024-01-01;1.5\n2024-01-02;2.5\n")

    profile = profile_file(path, "csv", preview_rows=1)

    assert profile["delimiter"] == ";" and profile["row_count"] == 2
    assert [c["name"] for c in profile["schema"]] == ["day", "price"]
    assert profile["preview"] == [{"day": "2024-01-01", "price": 1.5}]


def test_profile_file_refuses_a_header_only_file_without_starting_spark(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("a,b\n")

    with pytest.raises(MLBenchInputError, match="header line but no data rows"):
        profile_file(path, "csv")


@pytest.mark.slow
def test_a_cancelled_benchmark_stops_its_worker_and_jvm(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARK_EVENTLOG_DIR", str(tmp_path / "events"))
    path = write_synthetic(tmp_path / "data.csv", rows=10)
    logs = []

    with pytest.raises(BenchmarkCancelled):
        run_benchmark(
            job_id="cancel-me",
            path=path,
            fmt="csv",
            tasks=["kmeans"],
            worker_counts=[1],
            on_log=logs.append,
            should_cancel=lambda: any("started in" in line for line in logs),
        )

    # PySpark passes the app name to the JVM's command line; nothing may still carry it.
    deadline = time.monotonic() + 10
    while _processes_named("mlbench-cancel-me-n1") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_named("mlbench-cancel-me-n1") == ""


def _processes_named(text):
    found = subprocess.run(["pgrep", "-f", text], capture_output=True, text=True, check=False)
    return found.stdout.strip()
