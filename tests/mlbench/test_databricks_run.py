"""A benchmark on Databricks, against the stand-in: what is uploaded and submitted, how the run
is followed, and how each way of failing ends. The scripts here stand in for the entry script
so these tests need no Spark; tests/mlbench/test_databricks_spark.py runs the real one."""

from __future__ import annotations

import json
import threading
import time
import zipfile

import pytest

from mlbench.databricks import DatabricksError
from mlbench.databricks_run import (
    DatabricksRunFailed,
    DatabricksTarget,
    build_engine_zip,
    parse_events,
    run_benchmark_on_databricks,
)
from mlbench.engine.errors import MLBenchInputError
from mlbench.engine.runner import BenchmarkCancelled
from tests.mlbench.databricks_standin import TOKEN, StandIn

CSV = "price,size\n100,50\n150,70\n210,90\n"

# Prints what the engine prints, computed from the uploaded spec and data.
ECHO_ENGINE = """
import argparse, json, urllib.parse
parser = argparse.ArgumentParser()
for name in ("--engine", "--spec", "--data"):
    parser.add_argument(name)
args = parser.parse_args()
local = lambda uri: urllib.parse.unquote(urllib.parse.urlsplit(uri).path)
spec = json.load(open(local(args.spec)))
rows = sum(1 for _ in open(local(args.data))) - 1
emit = lambda event: print("@@mlbench " + json.dumps(event))
print("INFO some Spark noise")
emit({"event": "started", "startup_seconds": 0.5, "cpu_seconds": 0.1, "spark_version": "16.4",
      "master": "local", "default_parallelism": spec["partitions"]})
emit({"event": "read", "read_seconds": 0.2, "cpu_seconds": 0.1, "rows": rows,
      "partitions": spec["partitions"]})
for task in spec["tasks"]:
    for repetition in range(spec["repetitions"]):
        emit({"event": "result", "task": task, "repetition": repetition, "seconds": 0.01,
              "cpu_seconds": 0.01, "metrics": {"rows": rows, "columns": 2, "per_column": {}}})
emit({"event": "finished"})
"""


@pytest.fixture
def standin():
    with StandIn() as server:
        yield server


@pytest.fixture
def target(standin):
    return DatabricksTarget(
        host=standin.url,
        token=TOKEN,
        spark_version="16.4.x-scala2.12",
        node_type_id="i3.xlarge",
        poll_seconds=0.05,
    )


@pytest.fixture
def csv(tmp_path):
    path = tmp_path / "houses.csv"
    path.write_text(CSV)
    return path


def script(tmp_path, text: str):
    path = tmp_path / "entry.py"
    path.write_text(text)
    return path


def run(target, csv, entry, **overrides):
    arguments = {
        "target": target,
        "job_id": 7,
        "path": csv,
        "fmt": "csv",
        "tasks": ["descriptive_stats"],
        "worker_counts": [1, 2],
        "repetitions": 2,
        "entry_script": entry,
        "timeout_seconds": 120,
    }
    arguments.update(overrides)
    return run_benchmark_on_databricks(**arguments)


def test_the_engine_zip_holds_the_django_free_engine_and_nothing_else(tmp_path):
    archive = zipfile.ZipFile(build_engine_zip(tmp_path / "engine.zip"))
    names = archive.namelist()

    assert "mlbench/__init__.py" in names and "mlbench/engine/worker.py" in names
    assert "mlbench/engine/tasks/regression.py" in names
    assert all(
        name.startswith("mlbench/engine/") or name == "mlbench/__init__.py" for name in names
    )
    assert not [n for n in names if "django" in archive.read(n).decode()]


def test_one_task_per_worker_count_each_on_its_own_cluster_and_results_as_for_local_runs(
    target, standin, csv, tmp_path
):
    submitted = []
    logs = []

    document = run(
        target,
        csv,
        script(tmp_path, ECHO_ENGINE),
        on_submitted=submitted.append,
        on_log=logs.append,
    )

    body = standin.runs[submitted[0]["run_id"]]["submitted"]
    folder = "dbfs:/sparkhub/mlbench/job-7"
    assert body["run_name"] == "sparkhub mlbench job 7" and 60 <= body["timeout_seconds"] <= 120
    assert [task["task_key"] for task in body["tasks"]] == ["workers_1", "workers_2"]
    for n, task in zip([1, 2], body["tasks"], strict=True):
        assert task["new_cluster"]["num_workers"] == n
        assert task["new_cluster"]["spark_version"] == "16.4.x-scala2.12"
        assert task["new_cluster"]["node_type_id"] == "i3.xlarge"
        assert task["new_cluster"]["spark_conf"]["spark.sql.shuffle.partitions"] == "16"
        assert task["spark_python_task"] == {
            "python_file": f"{folder}/mlbench_entry.py",
            "parameters": [
                "--engine",
                f"{folder}/mlbench_engine.zip",
                "--spec",
                f"{folder}/spec.json",
                "--data",
                f"{folder}/data.csv",
            ],
        }
    assert standin.files[f"{folder}/data.csv"] == CSV.encode()
    spec = json.loads(standin.files[f"{folder}/spec.json"])
    assert (spec["tasks"], spec["repetitions"], spec["partitions"]) == (
        ["descriptive_stats"],
        2,
        16,
    )
    assert submitted[0]["host"] == standin.url
    assert document["status"] == "succeeded"
    assert sorted((r["workers"], r["repetition"]) for r in document["results"]) == [
        (1, 0),
        (1, 1),
        (2, 0),
        (2, 1),
    ]
    assert all(r["metrics"]["rows"] == 3 for r in document["results"])
    assert {run["workers"]: run["rows"] for run in document["runs"]} == {1: 3, 2: 3}
    assert all(run["cluster_setup_seconds"] >= 0 for run in document["runs"])
    assert document["summary"]["descriptive_stats"]["2"]["oversubscribed"] is False
    assert document["baseline"]["descriptive_stats"]["metrics"]["rows"] == 3
    assert document["databricks"]["run_id"] == submitted[0]["run_id"]
    assert document["settings"]["master"] == "databricks"
    assert any("N=2: read 3 rows" in line for line in logs)
    assert any("Databricks workers_2: TERMINATED" in line for line in logs)


def test_events_are_found_among_other_output_and_a_cut_line_is_skipped():
    logs = 'noise\n@@mlbench {"event": "read"}\nWARN x\n@@mlbench {"event": "resu'

    assert parse_events(logs) == [{"event": "read"}]


def test_a_crashing_script_fails_the_job_with_databricks_own_message(target, csv, tmp_path):
    entry = script(tmp_path, "raise ZeroDivisionError('boom')\n")

    with pytest.raises(DatabricksRunFailed) as failure:
        run(target, csv, entry)

    assert str(failure.value).startswith("Databricks run ")
    assert "1 worker(s) ended FAILED: Workload failed, see run output for details" in str(
        failure.value
    )
    assert "(ZeroDivisionError: boom)" in str(failure.value)


def test_data_the_engine_refuses_on_the_cluster_is_a_message_for_the_user(target, csv, tmp_path):
    entry = script(
        tmp_path,
        "import json, sys\n"
        'print("@@mlbench " + json.dumps({"event": "fatal", "message": "label price is not '
        'numeric", "field": "label", "user_error": True}))\n'
        "sys.exit(2)\n",
    )

    with pytest.raises(MLBenchInputError, match="label price is not numeric"):
        run(target, csv, entry)


def test_a_run_that_prints_no_results_is_not_taken_for_a_success(target, csv, tmp_path):
    with pytest.raises(DatabricksRunFailed, match="succeeded but printed no complete results"):
        run(target, csv, script(tmp_path, "print('hello')\n"))


def test_a_wrong_token_fails_before_anything_runs(target, standin, csv, tmp_path):
    wrong = DatabricksTarget(**{**target.__dict__, "token": "wrong"})

    with pytest.raises(DatabricksError, match=r"HTTP 401 UNAUTHENTICATED.*Check DATABRICKS_TOKEN"):
        run(wrong, csv, script(tmp_path, ECHO_ENGINE))

    assert not standin.runs


def test_the_time_limit_cancels_the_databricks_run(target, standin, csv, tmp_path):
    entry = script(tmp_path, "import time\ntime.sleep(120)\n")
    began = time.monotonic()

    with pytest.raises(DatabricksRunFailed, match="at the job's time limit; it was cancelled"):
        run(target, csv, entry, worker_counts=[1], timeout_seconds=3)

    assert time.monotonic() - began < 30
    assert standin.wait_until_idle(timeout=30)
    assert [t["result"] for t in standin.task_runs.values()] == ["CANCELED"]


def test_cancelling_the_job_cancels_the_databricks_run(target, standin, csv, tmp_path):
    entry = script(tmp_path, "import time\ntime.sleep(120)\n")
    running = threading.Event()

    def should_cancel() -> bool:
        if any(t["life"] == "RUNNING" for t in standin.task_runs.values()):
            running.set()
        return running.is_set()

    with pytest.raises(BenchmarkCancelled):
        run(target, csv, entry, worker_counts=[1, 2], should_cancel=should_cancel)

    assert standin.wait_until_idle(timeout=30)
    assert sorted(t["result"] for t in standin.task_runs.values()) == ["CANCELED", "CANCELED"]


def test_an_existing_cluster_must_have_the_one_worker_count_asked_for(
    target, standin, csv, tmp_path
):
    client = target.client()
    cluster_id = client.create_cluster(
        name="fixed", spark_version="16.4.x-scala2.12", node_type_id="i3.xlarge", num_workers=2
    )
    on_cluster = DatabricksTarget(host=standin.url, token=TOKEN, cluster_id=cluster_id)

    with pytest.raises(DatabricksRunFailed, match=r"has 2 worker\(s\).*ask for exactly its"):
        run(on_cluster, csv, script(tmp_path, ECHO_ENGINE), worker_counts=[1, 2])
    assert not standin.files

    document = run(on_cluster, csv, script(tmp_path, ECHO_ENGINE), worker_counts=[2])
    task = next(iter(standin.runs.values()))["submitted"]["tasks"][0]
    assert task["existing_cluster_id"] == cluster_id and "new_cluster" not in task
    assert {r["workers"] for r in document["results"]} == {2}


def test_without_cluster_settings_the_message_names_them(standin, csv, tmp_path):
    bare = DatabricksTarget(host=standin.url, token=TOKEN)

    with pytest.raises(DatabricksRunFailed, match="DATABRICKS_SPARK_VERSION and DATABRICKS_NODE"):
        run(bare, csv, script(tmp_path, ECHO_ENGINE))
