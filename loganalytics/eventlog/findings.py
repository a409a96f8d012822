"""Diagnosis: why a run was slow or fragile, from the model alone (pure arithmetic).

Each rule looks at the numbers the History Server shows but does not interpret, and returns
:class:`Finding` objects with a severity, the evidence (the figures it used, with the stage or
job they came from) and a recommendation. Thresholds are module constants so the README can
quote them.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from . import metrics as m
from .model import ApplicationModel, StageAttempt

SKEW_RATIO = 3.0  # max / median task time (or shuffle read) that counts as skew
SKEW_MIN_EXCESS_MS = 1000  # ... and the slowest task must lose at least this much time
SKEW_MIN_TASKS = 4
SPILL_CRITICAL_BYTES = 1 << 30
GC_WARNING_SHARE = 0.10  # GC time / executor run time
GC_CRITICAL_SHARE = 0.30
GC_MIN_RUN_MS = 1000
IDLE_UTILISATION = 0.30  # task time / (cores x lifetime) below which cores sat idle
IDLE_MIN_APP_MS = 30_000
TINY_TASK_MS = 100  # median task time under which partitions are too small
TINY_MIN_TASKS = 200
FEW_PARTITIONS_MIN_STAGE_MS = 10_000
DRIVER_GAP_MS = 10_000  # time with no job running that counts as a driver gap
DRIVER_GAP_SHARE = 0.20

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # "critical" | "warning" | "info"
    title: str
    evidence: dict[str, Any] = field(default_factory=dict)
    recommendation: str = ""
    stage_id: int | None = None
    stage_attempt: int | None = None
    job_id: int | str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def find_issues(model: ApplicationModel) -> list[Finding]:
    """Every finding for the application, most severe first."""
    found: list[Finding] = []
    for rule in RULES:
        found += rule(model)
    return sorted(
        found,
        key=lambda f: (
            SEVERITY_ORDER[f.severity],
            f.rule,
            f.stage_id if f.stage_id is not None else -1,
        ),
    )


def _finished(stage: StageAttempt) -> tuple[list, list[int], list[int]]:
    """Task ids, durations and shuffle reads of the stage's successful, measured tasks."""
    return stage.tasks.successful_measured()


def _total_cores(model: ApplicationModel) -> int:
    workers = [e for e in model.executors.values() if e.total_cores]
    return sum(e.total_cores for e in workers) or 1


# ---------------------------------------------------------------------- rules


def task_skew(model: ApplicationModel) -> list[Finding]:
    found = []
    for stage in model.stages.values():
        task_ids, durations, reads = _finished(stage)
        if len(task_ids) < SKEW_MIN_TASKS:
            continue
        median, longest = statistics.median(durations), max(durations)
        read_median, read_max = statistics.median(reads), max(reads)
        time_skewed = longest - median >= SKEW_MIN_EXCESS_MS and longest >= SKEW_RATIO * max(
            median, 1
        )
        read_skewed = read_max > 0 and read_max >= SKEW_RATIO * max(read_median, 1)
        if not time_skewed:
            continue
        ratio = longest / max(median, 1)
        found.append(
            Finding(
                rule="task_skew",
                severity="critical" if ratio >= 10 else "warning",
                title=f"Stage {stage.stage_id}: the slowest task took {ratio:.1f}x the median",
                evidence={
                    "tasks": len(task_ids),
                    "median_ms": median,
                    "max_ms": longest,
                    "shuffle_read_median_bytes": read_median,
                    "shuffle_read_max_bytes": read_max,
                    "data_skew": read_skewed,
                    "slowest_task_id": task_ids[durations.index(longest)],
                },
                recommendation=(
                    "A few partitions hold most of the data: salt the hot keys, enable AQE skew "
                    "join (spark.sql.adaptive.skewJoin.enabled) or repartition on a better key."
                    if read_skewed
                    else "One task is much slower without reading more data: look for a slow "
                    "executor, an expensive record or a UDF hot spot; speculation can hide "
                    "stragglers."
                ),
                stage_id=stage.stage_id,
                stage_attempt=stage.attempt,
            )
        )
    return found


def spill(model: ApplicationModel) -> list[Finding]:
    found = []
    for stage in model.stages.values():
        memory = m.metric(stage.metrics, "memoryBytesSpilled")
        disk = m.metric(stage.metrics, "diskBytesSpilled")
        if not memory and not disk:
            continue
        found.append(
            Finding(
                rule="spill",
                severity="critical" if disk >= SPILL_CRITICAL_BYTES else "warning",
                title=f"Stage {stage.stage_id} spilled {disk:,} bytes to disk",
                evidence={
                    "memory_bytes_spilled": memory,
                    "disk_bytes_spilled": disk,
                    "tasks": stage.num_tasks,
                },
                recommendation="Tasks ran out of execution memory: use more, smaller partitions "
                "(spark.sql.shuffle.partitions) or give executors more memory.",
                stage_id=stage.stage_id,
                stage_attempt=stage.attempt,
            )
        )
    return found


def gc_pressure(model: ApplicationModel) -> list[Finding]:
    found = []
    for stage in model.stages.values():
        run = m.metric(stage.metrics, "executorRunTime")
        gc = m.metric(stage.metrics, "jvmGcTime")
        if run < GC_MIN_RUN_MS or gc < GC_WARNING_SHARE * run:
            continue
        share = gc / run
        found.append(
            Finding(
                rule="gc_pressure",
                severity="critical" if share >= GC_CRITICAL_SHARE else "warning",
                title=f"Stage {stage.stage_id} spent {share:.0%} of its run time in GC",
                evidence={"jvm_gc_ms": gc, "executor_run_ms": run, "gc_share": round(share, 3)},
                recommendation="Reduce objects per task (fewer cached Java objects, no collect-"
                "heavy UDFs), use more partitions or more executor memory.",
                stage_id=stage.stage_id,
                stage_attempt=stage.attempt,
            )
        )
    return found


def failed_tasks(model: ApplicationModel) -> list[Finding]:
    found = []
    for stage in model.stages.values():
        failed = stage.tasks.failed()
        if not failed:
            continue
        stage_failed = stage.status == "FAILED"
        reasons: dict[str, int] = {}
        for task in failed:
            reasons[task.reason or "unknown"] = reasons.get(task.reason or "unknown", 0) + 1
        found.append(
            Finding(
                rule="failed_tasks",
                severity="critical" if stage_failed else "warning",
                title=(
                    f"Stage {stage.stage_id} attempt {stage.attempt} failed"
                    if stage_failed
                    else f"Stage {stage.stage_id}: {len(failed)} task attempts failed and were "
                    "retried"
                ),
                evidence={
                    "failed_attempts": len(failed),
                    "reasons": reasons,
                    "first_error": (failed[0].error or "")[:300],
                    "failure_reason": (stage.info.get("failure_reason") or "")[:300],
                },
                recommendation="Read the first error: retries cost time even when the job "
                "succeeds, and a deterministic error fails every attempt.",
                stage_id=stage.stage_id,
                stage_attempt=stage.attempt,
            )
        )
    return found


def executor_loss(model: ApplicationModel) -> list[Finding]:
    lost = [
        e
        for e in model.executors.values()
        if e.remove_time is not None and "idle" not in (e.remove_reason or "").lower()
    ]
    if not lost:
        return []
    return [
        Finding(
            rule="executor_loss",
            severity="critical",
            title=f"{len(lost)} executor(s) were lost while the application ran",
            evidence={
                "executors": [
                    {"id": e.executor_id, "reason": e.remove_reason, "removed_at": e.remove_time}
                    for e in lost
                ]
            },
            recommendation="Exit code 137/143 means the container was killed (usually memory): "
            "raise spark.executor.memoryOverhead or use smaller partitions.",
        )
    ]


def fetch_failures(model: ApplicationModel) -> list[Finding]:
    failures = model.tasks_with_reason("FetchFailed")
    if not failures:
        return []
    stages = sorted({(t.stage_id, t.stage_attempt) for t in failures})
    return [
        Finding(
            rule="fetch_failures",
            severity="critical",
            title=f"{len(failures)} shuffle fetch failure(s) forced stage re-runs",
            evidence={"stage_attempts": [list(s) for s in stages], "count": len(failures)},
            recommendation="Shuffle files were lost with their executor: enable the external "
            "shuffle service or decommissioning, and find why executors died.",
        )
    ]


def idle_cores(model: ApplicationModel) -> list[Finding]:
    app = model.app
    if app.start_time is None or app.end_time is None:
        return []
    wall = app.end_time - app.start_time
    if wall < IDLE_MIN_APP_MS:
        return []
    capacity = 0
    for executor in model.executors.values():
        if not executor.total_cores:
            continue
        alive = (executor.remove_time or app.end_time) - executor.add_time
        capacity += executor.total_cores * max(alive, 0)
    busy = model.busy_ms()
    if not capacity or busy / capacity >= IDLE_UTILISATION:
        return []
    share = busy / capacity
    return [
        Finding(
            rule="idle_cores",
            severity="warning",
            title=f"Executors were busy {share:.0%} of the time they held cores",
            evidence={"task_ms": busy, "core_ms": capacity, "utilisation": round(share, 3)},
            recommendation="Fewer executors (or dynamic allocation) would finish as fast for "
            "less: the cores mostly waited for the driver or for a few tasks.",
        )
    ]


def partition_count(model: ApplicationModel) -> list[Finding]:
    found = []
    cores = _total_cores(model)
    for stage in model.stages.values():
        _, durations, _ = _finished(stage)
        count = len(durations)
        if not count:
            continue
        median = statistics.median(durations)
        if count >= TINY_MIN_TASKS and median < TINY_TASK_MS:
            found.append(
                Finding(
                    rule="too_many_partitions",
                    severity="info",
                    title=f"Stage {stage.stage_id}: {count} tasks of {median:.0f} ms median",
                    evidence={"tasks": count, "median_ms": median},
                    recommendation="Task overhead dominates: coalesce or lower "
                    "spark.sql.shuffle.partitions (AQE can coalesce for you).",
                    stage_id=stage.stage_id,
                    stage_attempt=stage.attempt,
                )
            )
        elapsed = (stage.info.get("completion_time") or 0) - (
            stage.info.get("submission_time") or 0
        )
        if stage.num_tasks < cores and elapsed >= FEW_PARTITIONS_MIN_STAGE_MS:
            found.append(
                Finding(
                    rule="too_few_partitions",
                    severity="warning",
                    title=f"Stage {stage.stage_id} ran {stage.num_tasks} tasks on {cores} cores",
                    evidence={"tasks": stage.num_tasks, "cores": cores, "stage_ms": elapsed},
                    recommendation="Some cores had nothing to do: repartition to at least 2-3 "
                    "tasks per core.",
                    stage_id=stage.stage_id,
                    stage_attempt=stage.attempt,
                )
            )
    return found


def driver_gaps(model: ApplicationModel) -> list[Finding]:
    app = model.app
    if app.start_time is None or app.end_time is None:
        return []
    spans = sorted(
        (job.submission_time, (job.snapshot or {}).get("completion_time"))
        for job in model.jobs.values()
        if job.submission_time is not None
    )
    gaps, cursor = [], app.start_time
    for start, end in spans:
        if start - cursor >= DRIVER_GAP_MS:
            gaps.append((cursor, start))
        cursor = max(cursor, end or start)
    if app.end_time - cursor >= DRIVER_GAP_MS:
        gaps.append((cursor, app.end_time))
    total = sum(end - start for start, end in gaps)
    wall = max(app.end_time - app.start_time, 1)
    if not gaps or total < DRIVER_GAP_SHARE * wall:
        return []
    return [
        Finding(
            rule="driver_gaps",
            severity="warning",
            title=f"No job ran for {total / 1000:.0f} s ({total / wall:.0%} of the application)",
            evidence={
                "gaps": [{"from": s, "to": e, "ms": e - s} for s, e in gaps],
                "total_ms": total,
            },
            recommendation="The driver was busy on its own (pandas, collect, planning, sleeps) "
            "while executors idled: move that work into Spark or release executors.",
        )
    ]


RULES: tuple[Callable[[ApplicationModel], list[Finding]], ...] = (
    task_skew,
    spill,
    gc_pressure,
    failed_tasks,
    executor_loss,
    fetch_failures,
    idle_cores,
    partition_count,
    driver_gaps,
)
