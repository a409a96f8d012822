"""The engine's public entry points: load and check a config, plan it, run it.

Django-free: the management command, the RQ task and a Databricks job all call these.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from .config import RawConfig, load_raw
from .errors import PipelineError, Problem
from .executor import Executor, Progress
from .pipeline import Pipeline, build_pipeline
from .planner import plan_document
from .secrets import SecretResolver

PIPELINES_DIR = Path(__file__).resolve().parent.parent / "pipelines"

Conf = str | os.PathLike
Overrides = Iterable[str] | Mapping[str, object] | None


def shipped_pipelines() -> list[str]:
    return sorted(p.stem for p in PIPELINES_DIR.glob("*.conf"))


def resolve_conf(conf: Conf) -> Conf:
    """A shipped pipeline's name (``returns``) means its file; anything else is left alone."""
    if isinstance(conf, str) and "\n" not in conf and (PIPELINES_DIR / f"{conf}.conf").is_file():
        return PIPELINES_DIR / f"{conf}.conf"
    return conf


def load_config(conf: Conf, *, overrides: Overrides = None) -> RawConfig:
    """Parse and resolve HOCON (a path, a shipped name or the text itself) with overrides."""
    return load_raw(resolve_conf(conf), overrides=overrides)


def load_pipeline(
    conf: Conf, *, overrides: Overrides = None, secrets: SecretResolver | None = None
) -> Pipeline:
    return build_pipeline(load_config(conf, overrides=overrides), secrets)


def validate(conf: Conf, *, overrides: Overrides = None) -> list[Problem]:
    """Every problem in a config (``[]`` when it is fine); for editors and model validation."""
    try:
        load_pipeline(conf, overrides=overrides)
    except PipelineError as error:
        return error.problems
    return []


def plan(conf: Conf, *, overrides: Overrides = None) -> dict:
    """The dry-run plan: steps in order, inputs/outputs, schemas where known; no data touched."""
    return plan_document(load_pipeline(conf, overrides=overrides))


def run_pipeline(
    conf: Conf,
    *,
    overrides: Overrides = None,
    dry_run: bool = False,
    on_progress: Progress | None = None,
    spark=None,
    run_id: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict:
    """Run a pipeline and return its report; raise :class:`PipelineError` for a bad config.

    A step failing at run time does not raise: the report says ``status: failed`` with the
    step's error, and its downstream steps are ``skipped``.
    """
    raw = load_config(conf, overrides=overrides)
    if dry_run:
        pipeline = build_pipeline(raw)
        return {
            "pipeline": pipeline.name,
            "status": "planned",
            "dry_run": True,
            "plan": plan_document(pipeline),
        }
    secrets = SecretResolver(raw.data.get("pipeline", {}).get("secrets", {}))
    pipeline = build_pipeline(raw, secrets)
    if spark is None:
        from sparkhub.spark import start_spark_session

        spark = start_spark_session(f"lakehouse-{pipeline.name}").session
    executor = Executor(
        pipeline, spark, secrets=secrets, run_id=run_id, on_progress=on_progress, sleep=sleep
    )
    return executor.run()
