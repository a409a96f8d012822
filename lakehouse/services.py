"""Lakehouse workflows: keep pipelines, plan them, run them (queued or in the foreground)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lakehouse.models import Pipeline, PipelineRun, QualityResult, StepRun
from sparkhub.queues import enqueue_run
from sparkhub.runs import RunError, execute_run

PREVIEW_ROWS = 20


class PipelineConfigError(ValueError):
    """The pipeline's configuration is wrong; ``problems`` locate each mistake."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class PipelineRunFailed(RunError):
    """A step failed; the run's report says which and why."""


def parse_overrides(values: Iterable[str] | Mapping[str, object] | None) -> list[str]:
    """``key=value`` strings from a list of them or a mapping, checked for shape."""
    if not values:
        return []
    if isinstance(values, Mapping):
        return [f"{key}={value}" for key, value in values.items()]
    overrides = []
    for value in values:
        key, sep, _ = str(value).partition("=")
        if not sep or not key.strip():
            raise PipelineConfigError([f"override {value!r} must look like key=value"])
        overrides.append(str(value))
    return overrides


def sync_shipped_pipelines() -> int:
    """Create or refresh the rows of the pipelines that come with sparkhub."""
    from lakehouse.engine.api import PIPELINES_DIR

    count = 0
    for path in sorted(PIPELINES_DIR.glob("*.conf")):
        Pipeline.objects.update_or_create(
            name=path.stem,
            defaults={
                "config": path.read_text(),
                "shipped": True,
                "description": _first_comment(path.read_text()),
            },
        )
        count += 1
    return count


def save_pipeline(*, name: str, config: str, description: str = "") -> Pipeline:
    pipeline = Pipeline.objects.filter(name=name).first() or Pipeline(name=name)
    pipeline.config, pipeline.description = config, description or pipeline.description
    try:
        pipeline.full_clean()
    except ValidationError as error:
        raise PipelineConfigError(
            [message for messages in error.message_dict.values() for message in messages]
        ) from None
    pipeline.save()
    return pipeline


def plan_pipeline(*, config: str, overrides: Iterable[str] = ()) -> dict:
    from lakehouse.engine import PipelineError, plan

    try:
        return plan(config, overrides=list(overrides))
    except PipelineError as error:
        raise PipelineConfigError([str(problem) for problem in error.problems]) from None


def start_pipeline_run(
    *, pipeline: Pipeline, overrides: Iterable[str] = (), dry_run: bool = False, requested_by=None
) -> PipelineRun:
    """Check the configuration now, then queue the run on the spark queue."""
    overrides = parse_overrides(overrides)
    plan_pipeline(config=pipeline.config, overrides=overrides)  # a bad config never queues
    with transaction.atomic():
        run = PipelineRun.objects.create(
            pipeline=pipeline,
            pipeline_name=pipeline.name,
            config=pipeline.config,
            overrides=overrides,
            dry_run=dry_run,
            requested_by=requested_by,
        )
        enqueue_run(run)
    return run


def run_pipeline_in_foreground(
    *, conf: str, overrides: Iterable[str] = (), dry_run: bool = False
) -> PipelineRun:
    """For ``manage.py run_pipeline``: a shipped name, a .conf path or HOCON text, run here."""
    from lakehouse.engine.api import resolve_conf

    overrides = parse_overrides(overrides)
    resolved = resolve_conf(conf)
    text = resolved.read_text() if hasattr(resolved, "read_text") else _read_conf(conf)
    plan = plan_pipeline(config=text, overrides=overrides)
    pipeline = Pipeline.objects.filter(name=plan["pipeline"]).first()
    run = PipelineRun.objects.create(
        pipeline=pipeline,
        pipeline_name=plan["pipeline"],
        config=text,
        overrides=overrides,
        dry_run=dry_run,
    )
    try:
        execute_run(PipelineRun, run.pk, execute_pipeline_run)
    except PipelineRunFailed:
        pass  # recorded on the row; the command reports it
    run.refresh_from_db()
    return run


def execute_pipeline_run(run: PipelineRun) -> str:
    """Worker side: start Spark, run the engine, store the report, steps and quality results."""
    from lakehouse.engine import run_pipeline

    if run.dry_run:
        report = run_pipeline(run.config, overrides=run.overrides, dry_run=True)
        _store_report(run, report)
        return f"Planned {len(report['plan']['steps'])} steps"

    from sparkhub.spark import start_spark_session

    _record_planned_steps(run)
    run.report_progress(2, "Starting Spark")
    started = start_spark_session(f"sparkhub-lakehouse-{run.pipeline_name}-{run.pk}")
    session = started.session
    run.record_spark_start(
        startup_seconds=started.startup_seconds,
        application_id=session.sparkContext.applicationId,
    )

    def on_progress(event: dict) -> None:
        run.report_progress(5 + 90 * event["fraction"], event["message"][:200])
        step = event.get("step")
        if step and event["status"] in ("running", "succeeded", "failed", "skipped"):
            # the row says which step is under way, should the worker die during it
            changes = {"status": event["status"]}
            if event["status"] == "running":
                changes["started_at"] = timezone.now()
            run.step_runs.filter(name=step).update(**changes)
            run.append_log(f"{step}: {event['status']} — {event['message']}")

    try:
        report = run_pipeline(
            run.config,
            overrides=run.overrides,
            on_progress=on_progress,
            spark=session,
            run_id=f"sparkhub-{run.pk}",
        )
        run.quarantine_preview = _quarantine_preview(session, report)
    finally:
        session.stop()
    _store_report(run, report)
    if report["status"] != "succeeded":
        raise PipelineRunFailed(report.get("error") or "a step failed")
    steps = report["steps"]
    return f"{len(steps)} steps succeeded in {report['duration_seconds']:.1f}s"


def _record_planned_steps(run: PipelineRun) -> None:
    """Pending rows for every step, updated as the engine reports; the report replaces them."""
    steps = plan_pipeline(config=run.config, overrides=run.overrides)["steps"]
    with transaction.atomic():
        run.step_runs.all().delete()
        StepRun.objects.bulk_create(
            StepRun(
                run=run,
                position=position,
                name=step["name"],
                type=step["type"],
                kind=step["kind"],
                stage=step.get("stage") or "",
                status="pending",
            )
            for position, step in enumerate(steps)
        )


def recover_interrupted_run(run: PipelineRun) -> str:
    """After its worker died: fail the step it was in, tidy that run's tables, say where it was.

    Tables are published atomically, so a killed sink leaves only its staging directory (or a
    publish journal, rolled forward here); a table a live run is writing is left alone.
    """
    interrupted = list(run.step_runs.filter(status="running").values_list("name", flat=True))
    run.step_runs.filter(status="running").update(
        status="failed", error="interrupted: the worker running this step was lost"
    )
    run.step_runs.filter(status="pending").update(
        status="skipped", skipped_because="the run was interrupted"
    )
    tidied = _recover_tables(run)
    if interrupted:
        where = f"It was interrupted in step {', '.join(interrupted)}"
    else:
        where = "It was interrupted outside any step (starting Spark or between steps)"
    if tidied:
        return f"{where}; {'; '.join(tidied)}."
    return f"{where}; no table was left half-written."


def _recover_tables(run: PipelineRun) -> list[str]:
    from lakehouse.engine import load_pipeline, storage
    from lakehouse.engine.components import ParquetSink

    try:
        pipeline = load_pipeline(run.config, overrides=run.overrides)
    except Exception as error:  # recovery of the other runs must go on
        return [f"its tables were not checked ({type(error).__name__}: {error})"]
    outcomes = []
    for step in pipeline.steps:
        if not isinstance(step.component, ParquetSink):
            continue
        target = storage.local_path(step.component.config.path)
        done = storage.recover_unless_busy(target) if target else ""
        if done == "discarded":
            outcomes.append(f"the unpublished output of {step.name} was discarded")
        elif done == "rolled forward":
            outcomes.append(f"the publish of {step.name} was completed")
        elif done == "busy":
            outcomes.append(f"{target} is being written by another run and was left alone")
    return outcomes


def _store_report(run: PipelineRun, report: dict) -> None:
    with transaction.atomic():
        PipelineRun.objects.filter(pk=run.pk).update(
            report=report, quarantine_preview=run.quarantine_preview
        )
        run.report = report
        run.step_runs.all().delete()
        run.quality_results.all().delete()
        StepRun.objects.bulk_create(
            StepRun(
                run=run,
                position=position,
                name=entry["name"],
                type=entry["type"],
                kind=entry["kind"],
                stage=entry.get("stage") or "",
                status=entry["status"],
                attempts=entry.get("attempts") or 0,
                started_at=_parse_time(entry.get("started_at")),
                duration_seconds=entry.get("duration_seconds"),
                rows_in=entry.get("rows_in"),
                rows_out=entry.get("rows_out"),
                rows_rejected=entry.get("rows_rejected"),
                error=entry.get("error") or "",
                skipped_because=(entry.get("skipped_because") or "")[:300],
            )
            for position, entry in enumerate(report.get("steps", []))
        )
        QualityResult.objects.bulk_create(
            QualityResult(
                run=run,
                step=result["step"],
                rule=result["rule"],
                type=result["type"],
                columns=result.get("columns") or [],
                action=result["action"],
                reason=result.get("reason") or "",
                status=result["status"],
                passed=result.get("passed"),
                failed=result.get("failed"),
                total=result.get("total"),
                detail=result.get("detail") or "",
            )
            for result in report.get("quality", [])
        )


def _quarantine_preview(session, report: dict) -> list[dict]:
    """The first rows of every dead-letter table the run wrote (sinks fed by ``.rejects``)."""
    previews = []
    for entry in report.get("steps", []):
        path = (entry.get("output") or {}).get("path")
        is_dead_letter = any(str(port).endswith(".rejects") for port in entry.get("inputs", []))
        if entry["kind"] != "sink" or not is_dead_letter or not path:
            continue
        try:
            frame = session.read.parquet(path)
            rows = frame.limit(PREVIEW_ROWS).collect()
        except Exception as error:  # an empty or missing table: say so instead of failing
            previews.append({"step": entry["name"], "path": path, "error": str(error)[:300]})
            continue
        previews.append(
            {
                "step": entry["name"],
                "path": path,
                "columns": frame.columns,  # the stored rows' key order is not kept
                "rows": [{k: _plain(v) for k, v in row.asDict().items()} for row in rows],
            }
        )
    return previews


def _plain(value):
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else timezone.make_aware(parsed, timezone.utc)


def _read_conf(conf: str) -> str:
    if "\n" in conf or "{" in conf:
        return conf  # HOCON text itself
    path = os.path.expanduser(conf)
    if not os.path.isfile(path):
        raise PipelineConfigError([f"{conf}: no such pipeline file or shipped pipeline"])
    with open(path) as handle:
        return handle.read()


def _first_comment(text: str) -> str:
    for line in text.splitlines():
        if line.strip().startswith("#"):
            return line.strip().lstrip("#").strip()[:300]
    return ""


def rerun(*, run: PipelineRun, requested_by=None) -> PipelineRun:
    """Run the same configuration and overrides again, as a new run."""
    with transaction.atomic():
        again = PipelineRun.objects.create(
            pipeline=run.pipeline,
            pipeline_name=run.pipeline_name,
            config=run.config,
            overrides=run.overrides,
            dry_run=run.dry_run,
            requested_by=requested_by,
        )
        enqueue_run(again)
    return again
