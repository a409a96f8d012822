"""Hooks run around every step: logging, metrics files and lineage are built in.

User hooks subclass :class:`Hook` and are listed by class path in ``pipeline.hooks``; a hook
that raises is reported as a warning and never breaks the run it observes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class RunState:
    run_id: str
    pipeline: Any  # lakehouse.engine.pipeline.Pipeline
    log: Any
    report: dict


class Hook:
    def __init__(self, options: dict | None = None):
        self.options = options or {}

    def before_run(self, run: RunState) -> None: ...

    def before_step(self, run: RunState, step: dict) -> None: ...

    def after_step(self, run: RunState, step: dict) -> None: ...

    def on_error(self, run: RunState, step: dict, error: BaseException) -> None: ...

    def after_run(self, run: RunState, report: dict) -> None: ...


class LoggingHook(Hook):
    def before_run(self, run: RunState) -> None:
        run.log.info("run started", extra={"event": "run_started"})

    def before_step(self, run: RunState, step: dict) -> None:
        run.log.info(
            "step %s started", step["name"], extra={"event": "step_started", "step": step["name"]}
        )

    def after_step(self, run: RunState, step: dict) -> None:
        run.log.info(
            "step %s %s in %.2fs",
            step["name"],
            step["status"],
            step["duration_seconds"] or 0.0,
            extra={"event": "step_finished", "step": step["name"]},
        )

    def on_error(self, run: RunState, step: dict, error: BaseException) -> None:
        run.log.error(
            "step %s failed: %s",
            step["name"],
            step["error"],
            extra={"event": "step_failed", "step": step["name"]},
        )

    def after_run(self, run: RunState, report: dict) -> None:
        run.log.info(
            "run %s in %.2fs",
            report["status"],
            report["duration_seconds"],
            extra={"event": "run_finished"},
        )


class LineageHook(Hook):
    """Table-level lineage: every sink's datasets, traced back to the sources feeding it."""

    def after_run(self, run: RunState, report: dict) -> None:
        pipeline = run.pipeline
        datasets = {s.name: _dataset(s.component) for s in pipeline.steps}
        edges = []
        for step in pipeline.steps:
            if step.kind != "sink" or not datasets[step.name]:
                continue
            for source in _sources_of(pipeline, step.name):
                if datasets[source]:
                    edges.append(
                        {"from": datasets[source], "to": datasets[step.name], "via": step.name}
                    )
        report["lineage"] = {
            "inputs": [datasets[s.name] for s in pipeline.steps if s.kind == "source"],
            "outputs": [datasets[s.name] for s in pipeline.steps if s.kind == "sink"],
            "edges": edges,
        }


def _dataset(component) -> str:
    config = component.config
    for attribute in ("path", "table", "name"):
        value = getattr(config, attribute, "")
        if value:
            return str(value)
    return ""


def _sources_of(pipeline, name: str) -> list[str]:
    found, stack, seen = [], [name], set()
    while stack:
        step = pipeline.step(stack.pop())
        if step.name in seen:
            continue
        seen.add(step.name)
        if step.kind == "source":
            found.append(step.name)
        stack.extend(step.upstream)
    return sorted(found)


class MetricsHook(Hook):
    """Writes ``pipeline_metrics.json`` and Prometheus text for the run, when asked where."""

    def after_run(self, run: RunState, report: dict) -> None:
        directory = run.pipeline.settings.metrics_dir
        if not directory:
            return
        target = Path(directory) / run.run_id
        target.mkdir(parents=True, exist_ok=True)
        document = metrics_document(report)
        _atomic_write(target / "pipeline_metrics.json", json.dumps(document, indent=2, default=str))
        _atomic_write(target / "metrics.prom", prometheus_text(document))
        report["metrics_path"] = str(target / "pipeline_metrics.json")


def metrics_document(report: dict) -> dict:
    return {
        "run_id": report["run_id"],
        "pipeline": report["pipeline"],
        "status": report["status"],
        "started_at": report["started_at"],
        "duration_seconds": report["duration_seconds"],
        "stages": report["stages"],
        "steps": {
            s["name"]: {
                k: s[k]
                for k in (
                    "stage",
                    "status",
                    "rows_in",
                    "rows_out",
                    "rows_rejected",
                    "duration_seconds",
                )
            }
            for s in report["steps"]
        },
    }


def prometheus_text(document: dict) -> str:
    from prometheus_client import CollectorRegistry, Gauge, generate_latest

    registry = CollectorRegistry()
    labels = ["pipeline", "run_id", "stage"]
    gauges = {
        name: Gauge(f"lakehouse_stage_{name}", help_text, labels, registry=registry)
        for name, help_text in (
            ("rows_in", "Rows read by the stage"),
            ("rows_out", "Rows written by the stage"),
            ("rows_rejected", "Rows quarantined or dropped by the stage"),
            ("duration_seconds", "Wall time of the stage's steps"),
        )
    }
    for stage, figures in document["stages"].items():
        for name, gauge in gauges.items():
            if figures.get(name) is not None:
                gauge.labels(document["pipeline"], document["run_id"], stage).set(figures[name])
    run = Gauge(
        "lakehouse_run_duration_seconds",
        "Wall time of the run",
        ["pipeline", "run_id", "status"],
        registry=registry,
    )
    run.labels(document["pipeline"], document["run_id"], document["status"]).set(
        document["duration_seconds"]
    )
    return generate_latest(registry).decode()


def _atomic_write(path: Path, text: str) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


BUILTIN_HOOKS = (LoggingHook, LineageHook, MetricsHook)
