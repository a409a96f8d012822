"""A real standalone master and worker from the pyspark package, used by the runner."""

import pytest

from mlbench.engine.cluster import (
    ClusterError,
    cluster_status,
    spark_home,
    start_cluster,
    stop_cluster,
)
from mlbench.engine.runner import run_benchmark
from mlbench.engine.synthetic import write_synthetic


@pytest.mark.slow
def test_a_local_standalone_cluster_runs_a_benchmark_task_and_stops(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARK_EVENTLOG_DIR", str(tmp_path / "events"))
    data = write_synthetic(tmp_path / "data.csv", rows=40)
    cluster_dir = tmp_path / "cluster"
    try:
        started = start_cluster(cluster_dir, workers=1, memory="512m")
        document = run_benchmark(
            job_id="cluster",
            path=data,
            fmt="csv",
            tasks=["descriptive_stats"],
            worker_counts=[1],
            repetitions=1,
            partitions=2,
            master=started["master_url"],
            baseline=False,
            spark_conf={
                "spark.driver.host": "127.0.0.1",
                "spark.driver.bindAddress": "127.0.0.1",
                "spark.executor.memory": "512m",
            },
        )
    finally:
        stopped = stop_cluster(cluster_dir)

    assert started["running"] and started["alive_workers"] == 1
    assert started["master_url"].startswith("spark://127.0.0.1:")
    assert document["status"] == "succeeded", document["errors"]
    assert document["runs"][0]["master"] == started["master_url"]
    assert document["results"][0]["metrics"]["rows"] == 40
    assert (cluster_dir / "work" / "worker-1").is_dir()
    assert stopped["running"] is False and stopped["pids"] == []


def test_the_cluster_refuses_to_keep_its_files_inside_the_pyspark_package():
    with pytest.raises(ClusterError, match="out of the Python installation"):
        start_cluster(spark_home() / "work", workers=1)


def test_status_of_a_cluster_that_was_never_started_says_not_running(tmp_path):
    assert cluster_status(tmp_path)["running"] is False
