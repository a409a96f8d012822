"""A worker killed (kill -9 of the worker, its work horse and the Spark JVM) while a sink writes:
the lake keeps the previous table byte for byte, recovery fails the run naming the step and
discards the staging left behind, and running again publishes the right rows."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from lakehouse.engine import run_pipeline, storage
from lakehouse.engine.datagen import write_returns_csv
from lakehouse.models import Pipeline, PipelineRun, StepRun
from lakehouse.services import rerun, start_pipeline_run, sync_shipped_pipelines
from sparkhub.runs import RunStatus, recover_stale_runs
from tests.sparkhub.helpers import (
    kill_tree,
    manage,
    processes_mentioning,
    run_burst_worker,
    wait_for,
)

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("empty_queues")]

BIG_ROWS = 100_000
RECOVERY = {"RUN_HEARTBEAT_SECONDS": "1", "RUN_STALE_AFTER_SECONDS": "4"}


def snapshot(table: Path) -> dict[str, str]:
    return {
        str(p.relative_to(table)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(table.rglob("*"))
        if p.is_file()
    }


def overrides(lake: Path, incoming: Path) -> list[str]:
    return [f"lake.root={lake}", f"returns.input_path={incoming}/*.csv"]


def status_of(run) -> str:
    run.refresh_from_db()
    return run.status


@pytest.mark.spark
@pytest.mark.slow
def test_a_worker_killed_while_a_sink_writes_fails_the_run_naming_the_step(
    spark, worker_env, tmp_path, settings
):
    sync_shipped_pipelines()
    lake = tmp_path / "lake"
    small, big = tmp_path / "small", tmp_path / "big"
    write_returns_csv(small, 400, seed=3, days=20)
    write_returns_csv(big, BIG_ROWS, seed=4, files=2)
    # the previous version of every table, written by an earlier run
    earlier = run_pipeline("returns", overrides=overrides(lake, small), spark=spark)
    assert earlier["status"] == "succeeded", earlier["error"]
    silver = lake / "silver" / "returns"
    before = snapshot(silver)
    staging_root = storage.TablePaths(silver).work

    run = start_pipeline_run(
        pipeline=Pipeline.objects.get(name="returns"), overrides=overrides(lake, big)
    )
    # its last attempt, so recovery fails it rather than queueing it again
    PipelineRun.objects.filter(pk=run.pk).update(attempts=PipelineRun.max_attempts - 1)
    marker = uuid.uuid4().hex
    env = {**worker_env, **RECOVERY, "SPARK_MASTER": "local[1]", "KILL_TEST_MARKER": marker}
    worker = manage("rqworker", "spark", env=env)
    try:
        writing = wait_for(
            lambda: any(staging_root.glob("staging-*/return_date=*")), timeout=400, interval=0.05
        )
        step_then = StepRun.objects.get(run=run, name="write_silver").status
    finally:
        kill_tree(worker)
    output = worker.stdout.read()[-3000:]
    assert writing, output
    assert wait_for(lambda: not processes_mentioning(marker), timeout=20), "a process survived"
    assert step_then == "running"
    assert status_of(run) == RunStatus.RUNNING, "the row says RUNNING until recovery"
    assert snapshot(silver) == before, "the published silver table changed"
    assert any(staging_root.glob("staging-*")), "the kill came after the sink had published"

    settings.RUN_STALE_AFTER_SECONDS = 4
    failed = wait_for(
        lambda: bool(recover_stale_runs()) and status_of(run) == RunStatus.FAILED,
        timeout=30,
        interval=1,
    )

    assert failed, run.error
    assert "stopped responding" in run.error
    assert "interrupted in step write_silver" in run.error
    assert "unpublished output of write_silver was discarded" in run.error
    step = StepRun.objects.get(run=run, name="write_silver")
    assert step.status == "failed" and "interrupted" in step.error
    assert StepRun.objects.get(run=run, name="write_bronze").status == "succeeded"
    assert not staging_root.exists() and not (silver.parent / storage.WORK_DIR).exists()
    assert snapshot(silver) == before

    again = rerun(run=run)
    output = run_burst_worker({**env, "KILL_TEST_MARKER": ""}, "spark", timeout=600)

    again.refresh_from_db()
    assert again.status == RunStatus.SUCCEEDED, output[-3000:] + again.error
    steps = {s.name: s for s in again.step_runs.all()}
    assert steps["read_raw"].rows_out == BIG_ROWS
    assert steps["write_silver"].rows_out + steps["write_quarantine"].rows_out == BIG_ROWS
    assert spark.read.parquet(str(silver)).count() == steps["write_silver"].rows_out
    quarantined = spark.read.parquet(str(lake / "quarantine" / "returns")).count()
    assert quarantined == steps["write_quarantine"].rows_out
    assert not (silver.parent / storage.WORK_DIR).exists()


@pytest.mark.django_db
def test_recovery_that_queues_a_killed_run_again_logs_the_step_and_tidies_the_lake(
    tmp_path, settings
):
    sync_shipped_pipelines()
    lake = tmp_path / "lake"
    run = PipelineRun.objects.create(
        pipeline=Pipeline.objects.get(name="returns"),
        pipeline_name="returns",
        config=Pipeline.objects.get(name="returns").config,
        overrides=overrides(lake, tmp_path / "in"),
        status=RunStatus.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    for position, (name, status) in enumerate(
        [("read_raw", "succeeded"), ("write_silver", "running"), ("write_gold", "pending")]
    ):
        StepRun.objects.create(
            run=run, position=position, name=name, type="t", kind="sink", status=status
        )
    # what a sink killed while Spark wrote leaves: a staging directory next to the table
    silver = storage.TablePaths(lake / "silver" / "returns")
    (silver.new_staging() / "return_date=2024-01-01").mkdir(parents=True)
    settings.RUN_STALE_AFTER_SECONDS = 60

    recovered = recover_stale_runs()

    run.refresh_from_db()
    assert recovered == [f"{run} re-queued"]
    assert run.status == RunStatus.QUEUED
    assert "Worker lost" in run.log_excerpt
    assert "interrupted in step write_silver" in run.log_excerpt
    assert "unpublished output of write_silver was discarded" in run.log_excerpt
    assert not silver.work.exists()
    assert StepRun.objects.get(run=run, name="write_silver").status == "failed"
