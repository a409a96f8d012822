"""A dataset is profiled and benchmarked by real workers; the command prints the document."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mlbench.engine.synthetic import write_synthetic
from mlbench.models import BenchmarkJob
from mlbench.services import start_benchmark, upload_local_file
from sparkhub.runs import RunStatus
from tests.sparkhub.factories import UserFactory
from tests.sparkhub.helpers import REPO, run_burst_worker

pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.usefixtures("empty_queues")]


def test_a_worker_profiles_then_benchmarks_and_the_page_shows_charts(worker_env, tmp_path, client):
    csv = write_synthetic(tmp_path / "synthetic.csv", rows=200)
    dataset = upload_local_file(path=csv)
    job = start_benchmark(
        dataset=dataset, tasks=["descriptive_stats"], worker_counts=[1], repetitions=1
    )
    env = {**worker_env, "SPARK_EVENTLOG_DIR": str(tmp_path / "events")}

    output = run_burst_worker(env, "spark", timeout=600)

    dataset.refresh_from_db()
    job = BenchmarkJob.objects.get(pk=job.pk)
    assert dataset.status == RunStatus.SUCCEEDED, output[-2000:] + dataset.error
    assert dataset.row_count == 200 and dataset.schema
    assert job.status == RunStatus.SUCCEEDED, output[-2000:] + job.error
    result = job.document["results"][0]
    assert (result["task"], result["workers"]) == ("descriptive_stats", 1)
    assert result["metrics"]["rows"] == 200
    client.force_login(UserFactory())
    page = client.get(f"/mlbench/jobs/{job.pk}/").content.decode()
    assert "time_vs_workers-data" in page and "Scaling" in page


def test_the_mlbench_command_prints_the_results_document(worker_env, tmp_path):
    csv = write_synthetic(tmp_path / "houses.csv", rows=200)

    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "mlbench",
            str(csv),
            "--tasks",
            "linear_regression,kmeans",
            "--workers",
            "1,2",
            "--repetitions",
            "1",
            "--option",
            "k=3",
            "--json",
        ],
        cwd=REPO,
        env=worker_env,
        capture_output=True,
        text=True,
        timeout=900,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    document = json.loads(done.stdout)
    assert document["status"] == "succeeded"
    assert {(r["task"], r["workers"]) for r in document["results"]} == {
        ("linear_regression", 1),
        ("linear_regression", 2),
        ("kmeans", 1),
        ("kmeans", 2),
    }
    assert {"r2", "rmse", "mae"} <= set(document["results"][0]["metrics"]) or {
        "k",
        "inertia",
        "silhouette",
    } <= set(document["results"][0]["metrics"])
    summary = document["summary"]["kmeans"]["2"]
    assert {"median_seconds", "speedup", "efficiency"} <= set(summary)
    kmeans = [r["metrics"] for r in document["results"] if r["task"] == "kmeans"]
    assert kmeans[0]["k"] == 3 and kmeans[0]["inertia"] == pytest.approx(kmeans[1]["inertia"])
