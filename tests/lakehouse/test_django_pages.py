"""Lakehouse pages, API, admin and command: pipelines validated on save, runs queued."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.cache import cache

from lakehouse.models import Pipeline, PipelineRun
from lakehouse.services import sync_shipped_pipelines
from sparkhub.queues import get_queue
from tests.sparkhub.factories import UserFactory
from tests.sparkhub.helpers import REPO

pytestmark = pytest.mark.django_db

BROKEN = """pipeline { name = broken }
steps {
  raw { type = csv, path = "/in/*.csv" }
  out { type = write_parquet, path = "/out/t", inputs = [nowhere] }
}
"""


@pytest.fixture
def user_client(client):
    cache.clear()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    sync_shipped_pipelines()
    return client


def test_the_shipped_returns_pipeline_shows_its_steps_plan_and_dag(user_client):
    page = user_client.get("/lakehouse/pipelines/returns/").content.decode()

    assert "<svg" in page
    for step in ("write_bronze", "write_silver", "write_quarantine", "write_gold"):
        assert step in page
    assert "bronze/returns_raw" in page


def test_a_broken_config_is_refused_with_the_config_path_and_line(user_client):
    response = user_client.post(
        "/lakehouse/pipelines/new",
        {"name": "broken", "description": "", "config": BROKEN},
    )

    page = response.content.decode()
    assert "nowhere" in page and ":4" in page  # the line of the bad input
    assert not Pipeline.objects.filter(name="broken").exists()


def test_hocon_that_does_not_parse_is_refused_with_a_message(user_client):
    response = user_client.post(
        "/lakehouse/pipelines/new",
        {"name": "typo", "description": "", "config": "steps { raw { type = csv "},
    )

    assert response.status_code == 200
    assert not Pipeline.objects.filter(name="typo").exists()
    assert 'class="problems"' in response.content.decode()


def test_running_from_the_page_queues_a_run_on_the_spark_queue(
    user_client, empty_queues, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(
            "/lakehouse/pipelines/returns/",
            {"action": "run", "overrides": "returns.input_path=/data/in/*.csv\n", "dry_run": ""},
        )

    run = PipelineRun.objects.get()
    assert response.url == f"/lakehouse/runs/{run.pk}/"
    assert run.overrides == ["returns.input_path=/data/in/*.csv"]
    assert run.status == "queued"
    assert get_queue("spark").count == 1


def test_a_malformed_override_is_refused_on_the_page(user_client):
    response = user_client.post(
        "/lakehouse/pipelines/returns/", {"action": "run", "overrides": "no equals sign"}
    )

    assert "must look like key=value" in response.content.decode()
    assert not PipelineRun.objects.exists()


def test_the_api_starts_a_run_and_reports_its_status(user_client, empty_queues):
    started = user_client.post(
        "/api/lakehouse/pipelines/returns/runs",
        {"overrides": {"returns.input_path": "s3://landing/2026-11-21/*.csv"}},
        content_type="application/json",
    )

    assert started.status_code == 202
    run_id = started.json()["id"]
    status = user_client.get(f"/api/lakehouse/runs/{run_id}").json()
    assert status["status"] == "queued"
    assert status["overrides"] == ["returns.input_path=s3://landing/2026-11-21/*.csv"]


def test_the_api_answers_404_for_an_unknown_pipeline_and_400_for_bad_overrides(user_client):
    missing = user_client.post(
        "/api/lakehouse/pipelines/nope/runs", {}, content_type="application/json"
    )
    bad = user_client.post(
        "/api/lakehouse/pipelines/returns/runs", {"overrides": 5}, content_type="application/json"
    )

    assert missing.status_code == 404
    assert bad.status_code == 400 and "overrides" in bad.json()


def test_the_admin_validates_pipelines(user_client):
    response = user_client.post(
        "/admin/lakehouse/pipeline/",
        {"action": "validate_pipelines", "_selected_action": [Pipeline.objects.get().pk]},
        follow=True,
    )

    assert "returns: valid, 11 steps" in response.content.decode().lower()


def test_the_command_prints_the_plan_of_a_dry_run(worker_env):
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "run_pipeline",
            "returns",
            "--dry-run",
            "--set",
            "lake.root=/tmp/elsewhere",
        ],
        cwd=REPO,
        env=worker_env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert "write_silver" in done.stdout
    assert "/tmp/elsewhere/silver/returns" in done.stdout


def test_the_command_names_the_problem_in_a_broken_config(tmp_path, worker_env):
    conf = tmp_path / "broken.conf"
    conf.write_text(BROKEN)

    done = subprocess.run(
        [sys.executable, "manage.py", "run_pipeline", str(conf)],
        cwd=REPO,
        env=worker_env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode != 0
    assert "nowhere" in done.stderr


def test_the_latest_runs_step_counts_are_prometheus_metrics(user_client):
    from django.utils import timezone

    from lakehouse.models import StepRun

    run = PipelineRun.objects.create(
        pipeline_name="returns", config="", status="succeeded", finished_at=timezone.now()
    )
    StepRun.objects.create(
        run=run,
        position=0,
        name="write_silver",
        type="write_parquet",
        kind="sink",
        status="succeeded",
        rows_in=20,
        rows_out=12,
        rows_rejected=8,
        duration_seconds=1.5,
    )

    body = user_client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()

    rejected = 'direction="rejected",pipeline="returns",step="write_silver"'
    assert f"sparkhub_pipeline_step_rows{{{rejected}}} 8.0" in body
    assert 'sparkhub_pipeline_step_seconds{pipeline="returns",step="write_silver"} 1.5' in body
