"""lake_backup, lake_restore and lake_verify on a small lake of files."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command


def run(*args) -> dict:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def lake(tmp_path):
    root = tmp_path / "lake"
    for day in ("2024-01-05", "2024-01-06"):
        part = root / "silver" / "returns" / f"return_date={day}"
        part.mkdir(parents=True)
        (part / "part-0.parquet").write_bytes(day.encode() * 100)
    return root


def test_backup_then_restore_is_byte_identical_and_backups_are_incremental(lake, tmp_path):
    backup, restored = tmp_path / "backup", tmp_path / "restored"

    first = run("lake_backup", "--to", str(backup), "--lake", str(lake))
    (lake / "silver/returns/return_date=2024-01-06/part-0.parquet").write_bytes(b"changed")
    second = run("lake_backup", "--to", str(backup), "--lake", str(lake))
    restore = run("lake_restore", "--from", str(backup), "--lake", str(restored))

    assert first["files_copied"] == 2 and not first["incremental"]
    assert second["incremental"] and second["files_copied"] == 1
    assert second["partitions_copied"] == ["silver/returns/return_date=2024-01-06"]
    assert restore["ok"] and restore["files"] == 2
    assert run("lake_verify", "--against", str(backup), "--lake", str(restored))["ok"]


def test_verify_fails_when_a_file_changed(lake, tmp_path):
    backup = tmp_path / "backup"
    run("lake_backup", "--to", str(backup), "--lake", str(lake))
    (lake / "silver/returns/return_date=2024-01-05/part-0.parquet").write_bytes(b"tampered")

    with pytest.raises(CommandError, match="differs"):
        call_command(
            "lake_verify", "--against", str(backup), "--lake", str(lake), stdout=io.StringIO()
        )


def test_restoring_over_a_non_empty_lake_needs_overwrite(lake, tmp_path):
    backup = tmp_path / "backup"
    run("lake_backup", "--to", str(backup), "--lake", str(lake))

    with pytest.raises(CommandError, match="not empty"):
        call_command(
            "lake_restore", "--from", str(backup), "--lake", str(lake), stdout=io.StringIO()
        )


@pytest.mark.django_db
def test_export_databricks_job_prints_a_jobs_api_payload_for_the_pipeline():
    from lakehouse.services import sync_shipped_pipelines

    sync_shipped_pipelines()

    payload = run(
        "export_databricks_job",
        "returns",
        "--set",
        "returns.input_path=s3://in/*.csv",
        "--cron",
        "0 0 2 * * ?",
    )

    task = payload["tasks"][0]
    assert task["spark_python_task"]["python_file"].endswith("lakehouse/run_on_cluster.py")
    assert task["spark_python_task"]["parameters"][1:] == [
        "--set",
        "returns.input_path=s3://in/*.csv",
    ]
    assert payload["schedule"]["timezone_id"] == "UTC"
    assert {"pypi": {"package": "pyhocon==0.3.63"}} in task["libraries"]


def test_the_cluster_entry_point_reports_a_broken_config_with_exit_status_2(tmp_path):
    import subprocess
    import sys

    from tests.sparkhub.helpers import REPO

    conf = tmp_path / "broken.conf"
    conf.write_text("steps { raw { type = nosuchthing } }")

    done = subprocess.run(
        [sys.executable, "lakehouse/run_on_cluster.py", str(conf)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 2
    assert "nosuchthing" in done.stderr
