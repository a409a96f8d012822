"""The databricks command against the local Databricks stand-in; spark_cluster status."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.mlbench.databricks_standin import TOKEN, StandIn


def run_command(*args: str) -> dict:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue().split("\nexport ")[0])


def test_databricks_check_and_upload_go_through_the_rest_api(monkeypatch, tmp_path):
    local = tmp_path / "data.csv"
    local.write_text("a,b\n1,2\n")
    with StandIn() as standin:
        monkeypatch.setenv("DATABRICKS_HOST", standin.url)
        monkeypatch.setenv("DATABRICKS_TOKEN", TOKEN)

        checked = run_command("databricks", "check")
        uploaded = run_command("databricks", "upload", str(local), "dbfs:/mlbench/data.csv")

        assert checked["spark_versions"]
        assert uploaded == {"path": "dbfs:/mlbench/data.csv"}
        assert standin.files["dbfs:/mlbench/data.csv"] == local.read_bytes()


def test_databricks_without_credentials_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("DATABRICKS_HOST", raising=False)
    monkeypatch.delenv("DATABRICKS_TOKEN", raising=False)

    with pytest.raises(CommandError, match="DATABRICKS_HOST and DATABRICKS_TOKEN"):
        call_command("databricks", "check")


def test_spark_cluster_status_reports_nothing_running_by_default(settings, tmp_path):
    settings.VAR_DIR = tmp_path

    status = run_command("spark_cluster", "status")

    assert status["running"] is False and status["alive_workers"] == 0
