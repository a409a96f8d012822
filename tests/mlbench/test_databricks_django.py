"""The Databricks target through sparkhub's own entry points: API, form, service and cancel."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from mlbench.databricks import DatabricksClient
from mlbench.models import BenchmarkJob, Target
from mlbench.services import DatasetError, start_benchmark, upload_dataset
from tests.mlbench.databricks_standin import TOKEN, StandIn
from tests.sparkhub.factories import UserFactory

pytestmark = pytest.mark.django_db

CSV = b"price,size\n100,50\n150,70\n210,90\n"


@pytest.fixture
def standin():
    with StandIn() as server:
        yield server


@pytest.fixture
def databricks(settings, standin):
    settings.DATABRICKS_HOST = standin.url
    settings.DATABRICKS_TOKEN = TOKEN
    settings.DATABRICKS_SPARK_VERSION = "16.4.x-scala2.12"
    settings.DATABRICKS_NODE_TYPE_ID = "i3.xlarge"
    return standin


@pytest.fixture
def dataset():
    return upload_dataset(uploaded=SimpleUploadedFile("houses.csv", CSV), enqueue=False)


@pytest.fixture
def api(client):
    cache.clear()
    client.force_login(UserFactory())
    return client


def test_local_stays_the_default_target(dataset):
    job = start_benchmark(dataset=dataset, tasks=["kmeans"], enqueue=False)

    assert job.target == Target.LOCAL == "local"


def test_databricks_is_refused_until_its_host_and_token_are_set(settings, dataset):
    settings.DATABRICKS_HOST = ""

    with pytest.raises(DatasetError, match="Set DATABRICKS_HOST and DATABRICKS_TOKEN") as error:
        start_benchmark(dataset=dataset, tasks=["kmeans"], target="databricks", enqueue=False)

    assert error.value.field == "target"


def test_the_api_takes_the_target_and_refuses_unknown_ones(api, databricks, dataset):
    job = {"file_id": dataset.pk, "tasks": ["kmeans"], "worker_counts": [1]}

    def post(body):
        return api.post("/api/jobs", body, content_type="application/json")

    accepted = post({**job, "target": "databricks"})
    refused = post({**job, "target": "mars"})

    assert accepted.status_code == 202
    assert BenchmarkJob.objects.get(pk=accepted.json()["job_id"]).target == "databricks"
    assert refused.status_code == 400 and "target" in refused.json()


def test_the_form_offers_databricks_and_says_what_is_missing(api, settings, dataset):
    settings.DATABRICKS_HOST = ""
    form = {"tasks": ["kmeans"], "worker_counts": "1", "repetitions": 1, "target": "databricks"}

    page = api.get(f"/mlbench/datasets/{dataset.pk}/").content.decode()
    refused = api.post(f"/mlbench/datasets/{dataset.pk}/", form).content.decode()

    assert 'name="target"' in page and 'value="databricks"' in page
    assert "Set DATABRICKS_HOST and DATABRICKS_TOKEN" in refused
    assert not BenchmarkJob.objects.exists()


def test_cancelling_a_running_job_cancels_its_databricks_run(
    databricks, dataset, tmp_path, django_capture_on_commit_callbacks
):
    client = DatabricksClient(host=databricks.url, token=TOKEN)
    slow = tmp_path / "slow.py"
    slow.write_text("import time\ntime.sleep(120)\n")
    client.upload_file(slow, "dbfs:/slow.py")
    run_id = client.submit_run(
        run_name="x",
        python_file="dbfs:/slow.py",
        parameters=[],
        new_cluster={"spark_version": "16.4.x-scala2.12", "num_workers": 1},
    )
    job = start_benchmark(dataset=dataset, tasks=["kmeans"], target="databricks", enqueue=False)
    job.claim()
    BenchmarkJob.objects.filter(pk=job.pk).update(
        document={"databricks": {"host": databricks.url, "run_id": run_id}}
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert job.cancel()

    deadline = time.monotonic() + 30
    while client.get_run(run_id)["state"]["life_cycle_state"] != "TERMINATED":
        assert time.monotonic() < deadline, "the Databricks run was not cancelled"
        time.sleep(0.05)
    assert client.get_run(run_id)["state"]["result_state"] == "CANCELED"
    assert ("POST", "/api/2.2/jobs/runs/cancel") in databricks.requests


def test_a_bad_token_ends_the_job_failed_with_a_message_for_people(settings, databricks, dataset):
    from mlbench.services import execute_benchmark
    from sparkhub.runs import RunError, execute_run

    dataset.row_count = 3  # profiled already: nothing runs on this machine's Spark
    dataset.save()
    job = start_benchmark(dataset=dataset, tasks=["kmeans"], target="databricks", enqueue=False)
    settings.DATABRICKS_TOKEN = "expired"

    with pytest.raises(RunError):
        execute_run(BenchmarkJob, job.pk, execute_benchmark)

    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error.startswith("Databricks POST /api/2.0/dbfs/create failed with HTTP 401")
    assert job.error.endswith("Check DATABRICKS_TOKEN.") and "Traceback" not in job.error
    assert not databricks.runs


def test_a_retried_job_cancels_the_run_its_lost_worker_left_behind(
    settings, databricks, dataset, tmp_path
):
    from mlbench.services import execute_benchmark
    from sparkhub.runs import RunError, execute_run

    client = DatabricksClient(host=databricks.url, token=TOKEN)
    slow = tmp_path / "slow.py"
    slow.write_text("import time\ntime.sleep(120)\n")
    client.upload_file(slow, "dbfs:/slow.py")
    left_behind = client.submit_run(
        run_name="x",
        python_file="dbfs:/slow.py",
        parameters=[],
        new_cluster={"spark_version": "16.4.x-scala2.12", "num_workers": 1},
    )
    settings.DATABRICKS_CLUSTER_ID = client.create_cluster(
        name="fixed", spark_version="16.4.x-scala2.12", node_type_id="i3.xlarge", num_workers=2
    )
    dataset.row_count = 3
    dataset.save()
    job = start_benchmark(dataset=dataset, tasks=["kmeans"], target="databricks", enqueue=False)
    BenchmarkJob.objects.filter(pk=job.pk).update(document={"databricks": {"run_id": left_behind}})

    with pytest.raises(RunError):
        execute_run(BenchmarkJob, job.pk, execute_benchmark)

    job.refresh_from_db()
    assert databricks.wait_until_idle(timeout=30)
    assert client.get_run(left_behind)["state"]["result_state"] == "CANCELED"
    assert "has 2 worker(s)" in job.error and "unset DATABRICKS_CLUSTER_ID" in job.error
