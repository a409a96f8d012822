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


def test_a_submitted_run_is_followed_to_the_end_and_its_task_output_read(client, standin):
    run_id = client.submit_run(
        run_name="mlbench job 7",
        python_file="dbfs:/mlbench/worker.py",
        parameters=["dbfs:/mlbench/spec.json"],
        cluster_id="0101-1-abc",
    )
    states = []

    run = client.wait_for_run(run_id, poll_seconds=0, sleep=lambda s: None, on_state=states.append)
    outputs = client.task_outputs(run)

    assert states == ["PENDING", "RUNNING", "TERMINATED"]
    assert run["state"]["result_state"] == "SUCCESS"
    assert outputs["mlbench"]["logs"].startswith("@@mlbench")
    task = standin.runs[run_id]["submitted"]["tasks"][0]
    assert task["existing_cluster_id"] == "0101-1-abc"
    assert task["spark_python_task"]["parameters"] == ["dbfs:/mlbench/spec.json"]


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
