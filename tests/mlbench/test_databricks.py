import time

import pytest

from mlbench.databricks import DatabricksClient, DatabricksError
from tests.mlbench.databricks_standin import TOKEN, StandIn


@pytest.fixture
def standin():
    with StandIn() as server:
        yield server


@pytest.fixture
def client(standin):
    return DatabricksClient.from_env({"DATABRICKS_HOST": standin.url, "DATABRICKS_TOKEN": TOKEN})


def test_check_lists_the_workspace_spark_versions(client):
    assert client.check() == ["16.4.x-scala2.12"]


def test_a_cluster_is_created_waited_for_and_deleted(client, standin):
    cluster_id = client.create_cluster(
        name="mlbench", spark_version="16.4.x-scala2.12", node_type_id="i3.xlarge", num_workers=2
    )

    running = client.wait_for_cluster(cluster_id, poll_seconds=0, sleep=lambda s: None)
    client.delete_cluster(cluster_id)

    assert running["state"] == "RUNNING" and running["num_workers"] == 2
    assert client.get_cluster(cluster_id)["state"] == "TERMINATED"


def test_upload_streams_dbfs_files_in_one_megabyte_blocks(client, standin, tmp_path):
    local = tmp_path / "big.csv"
    local.write_bytes(b"x" * (2 * 1024 * 1024 + 10))

    remote = client.upload_file(local, "dbfs:/mlbench/big.csv")

    assert remote == "dbfs:/mlbench/big.csv"
    assert standin.files["dbfs:/mlbench/big.csv"] == local.read_bytes()
    assert [p for _, p in standin.requests].count("/api/2.0/dbfs/add-block") == 3


def test_upload_to_a_volume_uses_the_files_api(client, standin, tmp_path):
    local = tmp_path / "data file.csv"
    local.write_text("a,b\n1,2\n")

    client.upload_file(local, "/Volumes/main/default/mlbench/data file.csv")

    assert standin.files["/Volumes/main/default/mlbench/data file.csv"] == b"a,b\n1,2\n"


def test_a_submitted_run_is_executed_followed_to_the_end_and_its_task_output_read(
    client, standin, tmp_path
):
    script = tmp_path / "hello.py"
    script.write_text("import sys\nprint('@@mlbench', sys.argv[1:])\n")
    client.upload_file(script, "dbfs:/mlbench/hello.py")
    cluster_id = client.create_cluster(
        name="mlbench", spark_version="16.4.x-scala2.12", node_type_id="i3.xlarge", num_workers=1
    )
    run_id = client.submit_run(
        run_name="mlbench job 7",
        python_file="dbfs:/mlbench/hello.py",
        parameters=["--spec", "dbfs:/mlbench/spec.json"],
        cluster_id=cluster_id,
    )
    states = []

    run = client.wait_for_run(
        run_id, poll_seconds=0.05, sleep=time.sleep, timeout_seconds=60, on_state=states.append
    )
    outputs = client.task_outputs(run)

    assert [s for i, s in enumerate(states) if s not in states[:i]][-1] == "TERMINATED"
    assert set(states) <= {"PENDING", "RUNNING", "TERMINATED"}
    assert run["state"]["result_state"] == "SUCCESS"
    spec_uri = (standin.root / "dbfs" / "mlbench" / "spec.json").as_uri()
    assert outputs["mlbench"]["logs"] == f"@@mlbench ['--spec', '{spec_uri}']\n"
    assert outputs["mlbench"]["logs_truncated"] is False
    task = standin.runs[run_id]["submitted"]["tasks"][0]
    assert task["existing_cluster_id"] == cluster_id
    assert task["spark_python_task"]["parameters"] == ["--spec", "dbfs:/mlbench/spec.json"]


def test_a_failing_script_ends_failed_with_its_error_in_the_output(client, tmp_path):
    script = tmp_path / "broken.py"
    script.write_text("print('working')\nraise ZeroDivisionError('division by zero')\n")
    client.upload_file(script, "dbfs:/broken.py")

    run_id = client.submit_run(
        run_name="x",
        python_file="dbfs:/broken.py",
        parameters=[],
        new_cluster={"spark_version": "16.4.x-scala2.12", "num_workers": 1},
    )
    run = client.wait_for_run(run_id, poll_seconds=0.05, sleep=time.sleep, timeout_seconds=60)
    output = client.task_outputs(run)["mlbench"]

    assert run["state"]["result_state"] == "FAILED"
    assert run["state"]["state_message"] == "Workload failed, see run output for details"
    assert output["error"] == "ZeroDivisionError: division by zero"
    assert output["logs"].startswith("working\n") and "Traceback" in output["error_trace"]


def test_cancelling_a_run_stops_its_process(client, standin, tmp_path):
    script = tmp_path / "slow.py"
    script.write_text("import time\nprint('started', flush=True)\ntime.sleep(60)\n")
    client.upload_file(script, "dbfs:/slow.py")
    run_id = client.submit_run(
        run_name="x",
        python_file="dbfs:/slow.py",
        parameters=[],
        new_cluster={"spark_version": "16.4.x-scala2.12", "num_workers": 1},
    )
    deadline = time.monotonic() + 30
    while client.get_run(run_id)["state"]["life_cycle_state"] != "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    began = time.monotonic()

    client.cancel_run(run_id)
    run = client.wait_for_run(run_id, poll_seconds=0.05, sleep=time.sleep, timeout_seconds=30)

    assert run["state"]["result_state"] == "CANCELED"
    assert time.monotonic() - began < 10


def test_get_output_on_the_parent_run_reports_databricks_own_message(client):
    run_id = client.submit_run(
        run_name="x",
        python_file="dbfs:/w.py",
        parameters=[],
        new_cluster={"spark_version": "16.4.x-scala2.12", "num_workers": 1},
    )

    with pytest.raises(DatabricksError, match="INVALID_PARAMETER_VALUE: Retrieving the output"):
        client.get_run_output(run_id)


def test_a_wrong_token_gives_a_clear_error(standin):
    client = DatabricksClient(host=standin.url, token="wrong")

    with pytest.raises(DatabricksError, match=r"HTTP 401 UNAUTHENTICATED.*Check DATABRICKS_TOKEN"):
        client.check()


def test_an_unreachable_host_fails_fast_with_the_host_named():
    client = DatabricksClient(host="http://127.0.0.1:9", token=TOKEN, timeout_seconds=2)

    with pytest.raises(
        DatabricksError, match=r"Could not reach Databricks at http://127\.0\.0\.1:9"
    ):
        client.check()


def test_missing_settings_and_plain_http_to_a_remote_host_are_refused():
    with pytest.raises(DatabricksError, match="Set DATABRICKS_HOST and DATABRICKS_TOKEN"):
        DatabricksClient.from_env({})
    with pytest.raises(DatabricksError, match="https"):
        DatabricksClient(host="http://example.cloud.databricks.com", token=TOKEN)
