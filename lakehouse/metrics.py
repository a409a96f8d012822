"""Prometheus figures of the latest finished run of each pipeline (rows and seconds per step)."""

from __future__ import annotations

from prometheus_client.core import GaugeMetricFamily

from lakehouse.models import PipelineRun, StepRun
from sparkhub.runs import FINISHED_STATUSES


def collect():
    latest_ids = {}
    finished = PipelineRun.objects.filter(status__in=FINISHED_STATUSES, dry_run=False)
    for run_id, name in finished.order_by("pipeline_name", "-finished_at").values_list(
        "pk", "pipeline_name"
    ):
        latest_ids.setdefault(name, run_id)
    rows = GaugeMetricFamily(
        "sparkhub_pipeline_step_rows",
        "Rows read, written and rejected by each step in the pipeline's latest run",
        labels=["pipeline", "step", "direction"],
    )
    seconds = GaugeMetricFamily(
        "sparkhub_pipeline_step_seconds",
        "Duration of each step in the pipeline's latest run",
        labels=["pipeline", "step"],
    )
    steps = StepRun.objects.filter(run_id__in=latest_ids.values()).select_related("run")
    for step in steps:
        name = step.run.pipeline_name
        for direction, value in (
            ("in", step.rows_in),
            ("out", step.rows_out),
            ("rejected", step.rows_rejected),
        ):
            if value is not None:
                rows.add_metric([name, step.name, direction], value)
        if step.duration_seconds is not None:
            seconds.add_metric([name, step.name], step.duration_seconds)
    yield rows
    yield seconds
