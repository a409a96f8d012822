"""The seed's mlbench API and pages: uploads checked on content, jobs queued, results read."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from mlbench.models import BenchmarkJob, Dataset
from sparkhub.queues import get_queue
from tests.sparkhub.factories import UserFactory

pytestmark = pytest.mark.django_db

CSV = b"price,size,rooms\n100,50,2\n150,70,3\n210,90,4\n"


@pytest.fixture
def api(client):
    cache.clear()
    client.force_login(UserFactory())
    return client


def upload(api, name: str, content: bytes):
    return api.post("/api/files/upload", {"file": SimpleUploadedFile(name, content)})


def test_an_uploaded_csv_is_stored_and_queued_for_profiling(
    api, empty_queues, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api, "houses.csv", CSV)

    assert response.status_code == 201
    body = response.json()
    dataset = Dataset.objects.get(pk=body["file_id"])
    assert (body["format"], body["size_bytes"], body["status"]) == ("csv", len(CSV), "queued")
    assert dataset.file.read() == CSV
    assert get_queue("spark").count == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("data.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "PNG"),
        ("paper.pdf", b"hello, not a pdf", "%PDF-"),
        ("empty.csv", b"", "empty"),
        ("tool.exe", b"MZ\x90\x00", "unsupported extension"),
        ("rows.json", b"just text", "not JSON"),
    ],
)
def test_bad_uploads_are_refused_with_a_message_naming_the_file(api, name, content, message):
    response = upload(api, name, content)

    assert response.status_code == 400
    assert message in response.json()["file"][0]
    assert not Dataset.objects.exists()


def test_the_size_limit_is_checked_on_the_real_size(api, settings):
    settings.MAX_UPLOAD_SIZE_MB = 1
    big = b"a,b\n" + b"1,2\n" * 300_000  # 1.2 MB

    response = upload(api, "big.csv", big)

    assert response.status_code == 400
    assert "limit is 1 MB" in response.json()["file"][0]


def test_a_job_is_validated_then_queued_and_its_document_readable(
    api, empty_queues, django_capture_on_commit_callbacks
):
    dataset_id = upload(api, "houses.csv", CSV).json()["file_id"]
    bad = api.post(
        "/api/jobs",
        {"file_id": dataset_id, "tasks": ["deep_learning"]},
        content_type="application/json",
    )
    with django_capture_on_commit_callbacks(execute=True):
        good = api.post(
            "/api/jobs",
            {
                "file_id": dataset_id,
                "tasks": ["linear_regression"],
                "worker_counts": [1, 2],
                "options": {"label": "price"},
            },
            content_type="application/json",
        )

    assert bad.status_code == 400 and "tasks" in bad.json()
    assert good.status_code == 202
    job_id = good.json()["job_id"]
    job = BenchmarkJob.objects.get(pk=job_id)
    assert (job.worker_counts, job.options) == ([1, 2], {"label": "price"})
    document = api.get(f"/api/jobs/{job_id}").json()
    assert {"job_id", "status", "results", "summary"} <= set(document)
    assert document["status"] == "queued"
    assert api.get(f"/api/jobs/{job_id}/metrics").json()["summary"] == {}


def test_a_job_for_an_unknown_file_is_refused(api):
    response = api.post(
        "/api/jobs", {"file_id": 999, "tasks": ["kmeans"]}, content_type="application/json"
    )

    assert response.status_code == 400 and "file_id" in response.json()


def test_the_pages_show_datasets_and_the_benchmark_form(api):
    dataset_id = upload(api, "houses.csv", CSV).json()["file_id"]

    listing = api.get("/mlbench/").content.decode()
    detail = api.get(f"/mlbench/datasets/{dataset_id}/").content.decode()

    assert "houses" in listing
    assert "Run benchmark" in detail and "linear regression" in detail


def test_anonymous_callers_are_refused(client):
    assert client.post("/api/jobs", {}, content_type="application/json").status_code in (401, 403)


@pytest.mark.django_db
def test_a_dataset_preview_keeps_the_files_column_order_after_the_database():
    """PostgreSQL's jsonb sorts an object's keys; the page must follow the schema instead."""
    dataset = Dataset.objects.create(
        name="order.csv",
        file="datasets/order.csv",
        original_name="order.csv",
        format="csv",
        size_bytes=20,
        schema=[{"name": "target", "type": "int"}, {"name": "x", "type": "double"}],
        preview=[{"target": 1, "x": 0.5}],
        row_count=1,
    )
    dataset.refresh_from_db()

    assert dataset.preview_table == {"columns": ["target", "x"], "rows": [[1, 0.5]]}
