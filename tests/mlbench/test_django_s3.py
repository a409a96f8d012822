"""Uploads stored in S3 through django-storages, tested against moto's S3 server on 127.0.0.1."""

from __future__ import annotations

import socket

import boto3
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from mlbench.models import Dataset
from mlbench.services import local_copy
from tests.sparkhub.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

BUCKET = "sparkhub-test-files"


@pytest.fixture
def s3_storage(settings, monkeypatch):
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
            },
        },
    }
    yield client
    server.stop()


def test_an_upload_lands_in_the_bucket_and_workers_get_a_local_copy(client, s3_storage):
    cache.clear()
    client.force_login(UserFactory())
    content = b"x,y\n1,2\n3,4\n"

    response = client.post("/api/files/upload", {"file": SimpleUploadedFile("points.csv", content)})

    assert response.status_code == 201, response.content
    dataset = Dataset.objects.get(pk=response.json()["file_id"])
    stored = s3_storage.get_object(Bucket=BUCKET, Key=dataset.file.name)["Body"].read()
    assert stored == content
    with local_copy(dataset) as path:
        assert path.read_bytes() == content
        assert path.suffix == ".csv"
    assert not path.exists()  # the temporary copy is gone afterwards
