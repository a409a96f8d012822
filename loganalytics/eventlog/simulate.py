"""What-if timing from task times (Sparklens-style): critical path and other executor counts.

The application's wall time splits into *driver time* (no job running: planning, collecting,
the driver's own Python) and *job time*. Each job is re-played on a given number of task
slots: its stages in dependency order, each stage's task attempts handed to the earliest free
slot. That gives an estimate for more or fewer executors; with unlimited slots it gives the
*critical path*, the floor no amount of hardware goes under.

Assumptions, stated so the numbers are read correctly: task times do not change with the
executor count (no less spill or contention), jobs run one after another, and failed attempts
cost their time again.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from .model import ApplicationModel, Job, StageAttempt


@dataclass(frozen=True)
class Estimate:
    executors: int
    cores_per_executor: int
    seconds: float


def _job_window(job: Job) -> tuple[int, int] | None:
    end = (job.snapshot or {}).get("completion_time")
    if job.submission_time is None or end is None:
        return None
    return job.submission_time, end


def driver_time_ms(model: ApplicationModel) -> int:
    """Wall time during which no job was running."""
    app = model.app
    if app.start_time is None or app.end_time is None:
        return 0
    busy, cursor = 0, app.start_time
    for start, end in sorted(w for job in model.jobs.values() if (w := _job_window(job))):
        start, end = max(start, cursor), max(end, cursor)
        busy += end - start
        cursor = end
    return max(app.end_time - app.start_time - busy, 0)


def _job_stages(model: ApplicationModel, job: Job) -> list[StageAttempt]:
    return sorted(
        (s for s in model.stages.values() if job.job_id in s.job_ids and s.tasks),
        key=lambda s: (s.stage_id, s.attempt),
    )


def _replay_job(model: ApplicationModel, job: Job, slots: int | None) -> int:
    """Makespan of one job on ``slots`` task slots (``None``: one slot per task)."""
    finish: dict[int, int] = {}
    free: list[int] = [0] * slots if slots else []
    for stage in _job_stages(model, job):
        ready = max((finish[p] for p in stage.info["parent_ids"] if p in finish), default=0)
        ready = max(ready, finish.get(stage.stage_id, 0))  # a retry follows its failed attempt
        durations = [
            t.duration(model.now)
            for t in sorted(stage.tasks.values(), key=lambda t: (t.launch_time, t.task_id))
        ]
        end = ready
        for duration in durations:
            start = max(heapq.heappop(free), ready) if slots else ready
            done = start + duration
            if slots:
                heapq.heappush(free, done)
            end = max(end, done)
        finish[stage.stage_id] = end
    return max(finish.values(), default=0)


def critical_path_ms(model: ApplicationModel) -> int:
    """Driver time plus each job's longest chain of stages, each as long as its slowest task."""
    return driver_time_ms(model) + sum(
        _replay_job(model, job, None) for job in model.jobs.values() if not job.seed
    )


def estimate_ms(model: ApplicationModel, executors: int, cores_per_executor: int) -> int:
    """The application's estimated wall time with ``executors`` x ``cores_per_executor`` slots."""
    slots = max(executors * cores_per_executor, 1)
    return driver_time_ms(model) + sum(
        _replay_job(model, job, slots) for job in model.jobs.values() if not job.seed
    )


def scaling(model: ApplicationModel, counts: tuple[int, ...] = (1, 2, 4, 8, 16)) -> list[Estimate]:
    """Estimates for several executor counts, with the cores per executor the run had."""
    workers = [e for e in model.executors.values() if e.total_cores]
    cores = max((e.total_cores for e in workers), default=1)
    return [Estimate(n, cores, estimate_ms(model, n, cores) / 1000) for n in counts]
