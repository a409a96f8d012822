"""A benchmark job on Databricks end to end: a real RQ worker uploads and submits it, the
stand-in runs the real entry script with pyspark from the uploaded engine zip, and the results
equal those of the same job run locally."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mlbench.engine.synthetic import write_synthetic
from mlbench.models import BenchmarkJob
from mlbench.services import start_benchmark, upload_local_file
from sparkhub.runs import RunStatus
from tests.mlbench.databricks_standin import TOKEN, StandIn
from tests.sparkhub.factories import UserFactory
from tests.sparkhub.helpers import REPO, run_burst_worker

pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.usefixtures("empty_queues")]


@pytest.fixture
def standin():
    with StandIn() as server:
        yield server


@pytest.fixture
def databricks_env(worker_env, standin, settings, tmp_path):
    variables = {
        "DATABRICKS_HOST": standin.url,
        "DATABRICKS_TOKEN": TOKEN,
        "DATABRICKS_SPARK_VERSION": "16.4.x-scala2.12",
        "DATABRICKS_NODE_TYPE_ID": "i3.xlarge",
        "DATABRICKS_POLL_SECONDS": "0.3",
    }
    for name, value in variables.items():
        setattr(settings, name, value)
    return {**worker_env, **variables, "SPARK_EVENTLOG_DIR": str(tmp_path / "events")}


def test_a_job_on_databricks_gives_the_metrics_of_the_same_job_run_locally(
    databricks_env, standin, tmp_path, client
):
    dataset = upload_local_file(path=write_synthetic(tmp_path / "houses.csv", rows=200))
    same_job = {
        "dataset": dataset,
        "tasks": ["linear_regression", "kmeans"],
        "worker_counts": [1, 2],
        "repetitions": 1,
        "options": {"k": 3},
    }
    remote = start_benchmark(**same_job, target="databricks")
    local = start_benchmark(**same_job)

    output = run_burst_worker(databricks_env, "spark", timeout=900)

    remote = BenchmarkJob.objects.get(pk=remote.pk)
    local = BenchmarkJob.objects.get(pk=local.pk)
    assert remote.status == RunStatus.SUCCEEDED, output[-3000:] + remote.error
    assert local.status == RunStatus.SUCCEEDED, output[-3000:] + local.error
    metrics = {
        job.target: {(r["task"], r["workers"]): r["metrics"] for r in job.document["results"]}
        for job in (remote, local)
    }
    assert (
        set(metrics["databricks"])
        == set(metrics["local"])
        == {
            ("linear_regression", 1),
            ("linear_regression", 2),
            ("kmeans", 1),
            ("kmeans", 2),
        }
    )
    for key, on_databricks in metrics["databricks"].items():
        here = metrics["local"][key]
        names = ["r2", "rmse", "mae"] if key[0] == "linear_regression" else ["k", "inertia"]
        for name in names:
            assert on_databricks[name] == pytest.approx(here[name], rel=1e-9), (key, name)
    # What ran was the uploaded entry script on pyspark, once per worker count.
    submitted = next(iter(standin.runs.values()))["submitted"]
    assert [t["new_cluster"]["num_workers"] for t in submitted["tasks"]] == [1, 2]
    assert all(t["result"] == "SUCCESS" for t in standin.task_runs.values())
    document = remote.document
    assert document["databricks"]["run_id"] in standin.runs
    assert [run["master"] for run in document["runs"]] == [
        "databricks workers_1",
        "databricks workers_2",
    ]
    assert all(run["rows"] == 200 and run["spark_version"] for run in document["runs"])
    assert set(document["baseline"]) == {"linear_regression", "kmeans"}
    assert remote.progress == 100 and "Databricks workers_2: TERMINATED" in remote.log_excerpt
    client.force_login(UserFactory())
    metrics_api = client.get(f"/api/jobs/{remote.pk}/metrics").json()
    assert set(metrics_api["summary"]["linear_regression"]) == {"1", "2"}
    page = client.get(f"/mlbench/jobs/{remote.pk}/").content.decode()
    assert "time_vs_workers-data" in page and "on Databricks" in page


def test_the_mlbench_command_runs_on_databricks(databricks_env, standin, tmp_path):
    csv = write_synthetic(tmp_path / "houses.csv", rows=120)

    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "mlbench",
            str(csv),
            "--tasks",
            "descriptive_stats",
            "--workers",
            "1",
            "--repetitions",
            "1",
            "--target",
            "databricks",
            "--json",
        ],
        cwd=REPO,
        env=databricks_env,
        capture_output=True,
        text=True,
        timeout=900,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    document = json.loads(done.stdout)
    assert document["status"] == "succeeded"
    assert document["settings"]["master"] == "databricks"
    (result,) = document["results"]
    assert (result["task"], result["workers"], result["metrics"]["rows"]) == (
        "descriptive_stats",
        1,
        120,
    )
    assert len(standin.runs) == 1
