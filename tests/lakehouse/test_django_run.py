"""A pipeline run goes through the spark queue on a real worker and lands on its row."""

from __future__ import annotations

import pytest

from lakehouse.models import Pipeline, PipelineRun
from lakehouse.services import start_pipeline_run, sync_shipped_pipelines
from sparkhub.runs import RunStatus
from tests.lakehouse.test_returns_pipeline import DIRTY_ROWS, _write_csv
from tests.sparkhub.factories import UserFactory
from tests.sparkhub.helpers import run_burst_worker

pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.usefixtures("empty_queues")]


def test_the_returns_medallion_runs_on_a_worker_and_the_page_shows_it(worker_env, tmp_path, client):
    sync_shipped_pipelines()
    csv = _write_csv(tmp_path / "incoming")
    lake, events = tmp_path / "lake", tmp_path / "events"
    run = start_pipeline_run(
        pipeline=Pipeline.objects.get(name="returns"),
        overrides=[f"lake.root={lake}", f"returns.input_path={csv}"],
    )
    env = {**worker_env, "SPARK_MASTER": "local[1]", "SPARK_EVENTLOG_DIR": str(events)}

    output = run_burst_worker(env, "spark", timeout=400)

    run = PipelineRun.objects.get(pk=run.pk)
    assert run.status == RunStatus.SUCCEEDED, output[-3000:] + run.error
    steps = {step.name: step for step in run.step_runs.all()}
    assert all(step.status == "succeeded" for step in steps.values())
    assert steps["read_raw"].rows_out == len(DIRTY_ROWS)
    assert run.quality_results.filter(action="quarantine", failed__gt=0).exists()
    reasons = {row["reject_reason"] for p in run.quarantine_preview for row in p.get("rows", [])}
    assert {"missing_sku", "negative_amount", "duplicate_return_id"} <= reasons
    assert (lake / "silver" / "returns").is_dir() and (lake / "gold").is_dir()
    assert run.spark_startup_seconds > 0
    assert any(run.spark_application_id in entry.name for entry in events.iterdir())

    client.force_login(UserFactory())
    page = client.get(f"/lakehouse/runs/{run.pk}/").content.decode()
    assert "Step timeline" in page and "timeline-data" in page
    assert "Quarantined rows" in page and "duplicate_return_id" in page
