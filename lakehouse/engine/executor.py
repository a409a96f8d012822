"""Run a validated pipeline: steps in order, with hooks, retries, breakers and a run report.

A failed step's downstream steps are skipped (and reported as such); independent branches still
run. Row counts come from observations Spark fills in while writing, so they are read once the
whole run is over.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from .components.base import (
    PermanentError,
    Sink,
    Source,
    StepContext,
    StepOutput,
    Transform,
    Validator,
)
from .components.transforms import union_by_name
from .hooks import BUILTIN_HOOKS, Hook, RunState
from .logs import LOGGER_NAME, run_logger
from .observe import Observed, observe_rows
from .pipeline import REJECTS, Pipeline, Step
from .resilience import breaker_for, call_with_retry
from .secrets import MaskingFilter, SecretResolver

Progress = Callable[[dict], None]


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def describe_error(error: BaseException) -> str:
    """One readable line: Spark's errors carry JVM stack traces we do not want on a page."""
    text = str(error).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else ""
    if not first or first.startswith("An error occurred while calling"):
        first = next(
            (line for line in lines if "Exception" in line or "Error" in line),
            first or type(error).__name__,
        )
    message = f"{type(error).__name__}: {first}"
    return message if len(message) <= 600 else message[:597] + "..."


class Executor:
    def __init__(
        self,
        pipeline: Pipeline,
        spark,
        *,
        secrets: SecretResolver,
        run_id: str | None = None,
        on_progress: Progress | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.pipeline = pipeline
        self.spark = spark
        self.secrets = secrets
        self.run_id = run_id or new_run_id()
        self.on_progress = on_progress
        self.sleep = sleep
        self.log = run_logger(self.run_id, pipeline.name)
        self.outputs: dict[str, object] = {}  # port -> DataFrame
        self.counts: dict[str, tuple[Observed, str]] = {}  # port -> (observation, its key)
        self.same_rows: dict[str, str] = {}  # port -> the input port with the same row count
        self.results: dict[str, StepOutput] = {}
        self.persisted: list = []
        hooks = [cls() for cls in BUILTIN_HOOKS]
        builtin = {type(h) for h in hooks}
        hooks += [cls(options) for cls, options in pipeline.hook_classes if cls not in builtin]
        self.hooks: list[Hook] = hooks

    def run(self) -> dict:
        started = time.perf_counter()
        report = {
            "run_id": self.run_id,
            "pipeline": self.pipeline.name,
            "status": "running",
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "finished_at": None,
            "duration_seconds": None,
            "steps": [self._entry(step) for step in self.pipeline.steps],
            "quality": [],
            "stages": {},
            "warnings": [str(w) for w in self.pipeline.warnings],
            "error": "",
            # links the run to its Spark event log (loganalytics imports it by this id)
            "spark_application_id": _application_id(self.spark),
        }
        state = RunState(self.run_id, self.pipeline, self.log, report)
        masking = MaskingFilter(self.secrets)
        logger = logging.getLogger(LOGGER_NAME)
        logger.addFilter(masking)
        try:
            self._call_hooks("before_run", state)
            entries = {e["name"]: e for e in report["steps"]}
            for index, step in enumerate(self.pipeline.steps):
                self._run_step(step, entries[step.name], state, index)
        finally:
            self._collect_counts(report)
            for frame in self.persisted:
                frame.unpersist()
            report["status"] = (
                "failed"
                if any(e["status"] != "succeeded" for e in report["steps"])
                else "succeeded"
            )
            failed = [e for e in report["steps"] if e["status"] == "failed"]
            report["error"] = "; ".join(f"step {e['name']}: {e['error']}" for e in failed)
            report["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
            report["duration_seconds"] = round(time.perf_counter() - started, 3)
            report["stages"] = _stages(self.pipeline, report["steps"])
            self._call_hooks("after_run", state, report)
            logger.removeFilter(masking)
        masked = self.secrets.mask(report)
        self._progress(None, len(self.pipeline.steps), masked["status"], "run finished")
        return masked

    def _entry(self, step: Step) -> dict:
        return {
            "name": step.name,
            "type": step.spec.type,
            "kind": step.kind,
            "stage": step.spec.stage or step.name,
            "inputs": list(step.inputs),
            "status": "pending",
            "attempts": 0,
            "started_at": None,
            "duration_seconds": None,
            "rows_in": None,
            "rows_out": None,
            "rows_rejected": None,
            "error": "",
            "skipped_because": "",
            "output": {},
        }

    def _run_step(self, step: Step, entry: dict, state: RunState, index: int) -> None:
        statuses = {e["name"]: e["status"] for e in state.report["steps"]}
        blocked = [u for u in step.upstream if statuses.get(u) != "succeeded"]
        if blocked:
            entry["status"] = "skipped"
            entry["skipped_because"] = f"upstream step {blocked[0]} {statuses[blocked[0]]}"
            self._progress(step.name, index + 1, "skipped", entry["skipped_because"])
            return
        entry["status"] = "running"
        entry["started_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        self._progress(step.name, index, "running", f"step {step.name} started")
        self._call_hooks("before_step", state, entry)
        retry = step.spec.retry or self.pipeline.settings.retry
        breaker_spec = step.spec.circuit_breaker or self.pipeline.settings.circuit_breaker
        breaker = None
        if breaker_spec is not None:
            key = f"{self.pipeline.name}:{breaker_spec.name or step.name}"
            breaker = breaker_for(key, breaker_spec)
        started = time.perf_counter()

        def attempt(number: int):
            entry["attempts"] = number
            return self._execute(step, number)

        def on_retry(number: int, error: BaseException, delay: float) -> None:
            self.log.warning(
                "step %s attempt %d failed (%s); retrying in %.1fs",
                step.name,
                number,
                self.secrets.mask(describe_error(error)),
                delay,
                extra={"step": step.name, "event": "step_retry"},
            )

        try:
            result = call_with_retry(
                attempt,
                retry,
                breaker,
                sleep=self.sleep,
                on_retry=on_retry,
                retryable=lambda error: not isinstance(error, PermanentError),
            )
        except Exception as error:
            entry["status"] = "failed"
            entry["error"] = self.secrets.mask(describe_error(error))
            # a failed quality gate still reports the counts that made it fail
            state.report["quality"].extend(r.as_dict() for r in getattr(error, "results", []))
            entry["duration_seconds"] = round(time.perf_counter() - started, 3)
            self._call_hooks("on_error", state, entry, error)
            self._call_hooks("after_step", state, entry)
            self._progress(step.name, index + 1, "failed", entry["error"])
            return
        self._register(step, result)
        entry["output"] = self.secrets.mask(result.written)
        entry["status"] = "succeeded"
        entry["duration_seconds"] = round(time.perf_counter() - started, 3)
        self._call_hooks("after_step", state, entry)
        self._progress(step.name, index + 1, "succeeded", f"step {step.name} done")

    def _execute(self, step: Step, attempt: int) -> StepOutput:
        ctx = StepContext(
            spark=self.spark,
            run_id=self.run_id,
            pipeline=self.pipeline.name,
            step=step.name,
            checkpoint_dir=self.pipeline.settings.checkpoint_dir,
            secrets=self.secrets,
            log=self.log,
            attempt=attempt,
        )
        _describe_jobs(self.spark, f"lakehouse {self.pipeline.name}: {step.name}")
        inputs = {port: self.outputs[port] for port in step.inputs}
        component = step.component
        if isinstance(component, Source):
            return StepOutput(main=component.read(ctx))
        if isinstance(component, Transform):
            result = component.apply(ctx, inputs)
            return result if isinstance(result, StepOutput) else StepOutput(main=result)
        if isinstance(component, Validator):
            return component.validate(ctx, next(iter(inputs.values())))
        if isinstance(component, Sink):
            written = component.write(ctx, union_by_name(list(inputs.values())))
            return StepOutput(written=written or {})
        raise TypeError(f"{type(component).__name__} is not a Source, Transform, Validator or Sink")

    def _register(self, step: Step, result: StepOutput) -> None:
        self.results[step.name] = result
        ports = {step.name: result.main, f"{step.name}.{REJECTS}": result.rejects}
        used = {port: len(self.pipeline.consumers(port)) for port in ports}
        cache = step.spec.cache
        parent_cached = (
            result.cache_parent is not None
            and cache != "never"
            and used[step.name]
            and used[f"{step.name}.{REJECTS}"]
        )
        if parent_cached:
            # both outputs are cheap filters over the cached parent: caching them again would
            # only copy the same rows twice
            self._persist(result.cache_parent)
        for port, frame in ports.items():
            if frame is None:
                continue
            suffix = port.removeprefix(step.name).removeprefix(".")
            if suffix in result.counts:
                self.counts[port] = result.counts[suffix]
            elif not suffix and step.component.preserves_rows and len(step.inputs) == 1:
                self.same_rows[port] = step.inputs[0]
            else:
                observed = observe_rows(frame, port)
                self.counts[port] = (observed, "rows")
                frame = observed.df
            self.outputs[port] = frame
            shared = cache == "auto" and used[port] > 1 and not parent_cached
            if not frame.isStreaming and (cache == "always" or shared):
                self._persist(frame)

    def _persist(self, frame) -> None:
        # cache(), not persist(StorageLevel.MEMORY_AND_DISK): PySpark's MEMORY_AND_DISK is the
        # serialized level, so every read of the cached batches would pay a Java
        # deserialisation that DataFrame.cache()'s default level does not.
        frame.cache()
        self.persisted.append(frame)

    def _rows(self, port: str) -> int | None:
        if port in self.same_rows:
            return self._rows(self.same_rows[port])
        observed, key = self.counts.get(port, (None, ""))
        values = observed.values() if observed else None
        return None if values is None else values.get(key)

    def _collect_counts(self, report: dict) -> None:
        for entry in report["steps"]:
            if entry["status"] != "succeeded":
                continue
            step = self.pipeline.step(entry["name"])
            result = self.results[step.name]
            counts = [self._rows(port) for port in step.inputs]
            rows_in = None if None in counts else sum(counts)
            if step.kind == "source":
                entry["rows_in"] = entry["rows_out"] = self._rows(step.name)
                entry["rows_rejected"] = 0
            elif step.kind == "sink":
                written = result.written.get("rows")
                entry["rows_in"] = rows_in if written is None or rows_in is not None else written
                entry["rows_out"] = written if written is not None else rows_in
                entry["rows_rejected"] = 0
            else:
                rows_out = self._rows(step.name)
                rejects = self._rows(f"{step.name}.{REJECTS}") if result.rejects else 0
                entry["rows_in"], entry["rows_out"] = rows_in, rows_out
                removes_rows = step.kind == "validator" or step.component.produces_rejects()
                if removes_rows and rows_in is not None and rows_out is not None:
                    entry["rows_rejected"] = rows_in - rows_out
                else:
                    entry["rows_rejected"] = rejects
            report["quality"].extend(r.as_dict() for r in result.quality)

    def _call_hooks(self, method: str, state: RunState, *args) -> None:
        for hook in self.hooks:
            try:
                getattr(hook, method)(state, *args)
            except Exception as error:
                message = f"hook {type(hook).__name__}.{method} failed: {describe_error(error)}"
                state.report["warnings"].append(self.secrets.mask(message))

    def _progress(self, step: str | None, done: int, status: str, message: str) -> None:
        if self.on_progress is None:
            return
        total = len(self.pipeline.steps)
        event = {
            "run_id": self.run_id,
            "step": step,
            "status": status,
            "done": done,
            "total": total,
            "fraction": round(done / total, 3) if total else 1.0,
            "message": self.secrets.mask(message),
        }
        try:
            self.on_progress(event)
        except Exception as error:  # a broken progress display must not fail the run
            self.log.warning("progress callback failed: %s", describe_error(error))


def _describe_jobs(spark, description: str) -> None:
    """Name the step's Spark jobs, so event logs and the Spark UI show which step ran them."""
    try:
        spark.sparkContext.setJobDescription(description)
    except Exception:  # Spark Connect sessions have no SparkContext
        return


def _application_id(spark) -> str:
    try:
        return spark.sparkContext.applicationId
    except Exception:  # Spark Connect sessions have no SparkContext
        return ""


def _stages(pipeline: Pipeline, entries: list[dict]) -> dict:
    by_name = {e["name"]: e for e in entries}
    stages: dict[str, dict] = {}
    for step in pipeline.steps:
        entry = by_name[step.name]
        stage = stages.setdefault(
            entry["stage"],
            {
                "rows_in": 0,
                "rows_out": 0,
                "rows_rejected": 0,
                "duration_seconds": 0.0,
                "status": "succeeded",
                "_sinks": 0,
                "_last_out": None,
            },
        )
        if entry["status"] != "succeeded":
            stage["status"] = entry["status"] if stage["status"] == "succeeded" else stage["status"]
        stage["duration_seconds"] = round(
            stage["duration_seconds"] + (entry["duration_seconds"] or 0.0), 3
        )
        entry_step = all(by_name[u]["stage"] != entry["stage"] for u in step.upstream)
        if entry_step:
            stage["rows_in"] = _add(stage["rows_in"], entry["rows_in"])
        stage["rows_rejected"] = _add(stage["rows_rejected"], entry["rows_rejected"])
        if step.kind == "sink":
            stage["_sinks"] += 1
            stage["rows_out"] = _add(stage["rows_out"], entry["rows_out"])
        else:
            stage["_last_out"] = entry["rows_out"]
    for stage in stages.values():
        if not stage.pop("_sinks"):
            stage["rows_out"] = stage["_last_out"]
        stage.pop("_last_out")
    return stages


def _add(total, value):
    return None if total is None or value is None else total + value
