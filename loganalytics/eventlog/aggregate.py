"""Order-free aggregation of canonical events into an :class:`ApplicationModel`.

Events are de-duplicated by identity (the same event twice counts once; of two events with
one identity, the earliest by :attr:`Event.order_key` wins, so Spark's duplicated
``StageCompleted`` counts the first), put in the order of their own times and ids, then
replayed with the History Server's counting rules:

- a job's ``numTasks`` is the sum of the tasks of the stages it listed that had not completed
  when it started; stages it never ran are *skipped* when it ends, and their tasks are added to
  ``numSkippedTasks``;
- task counts are per attempt (a retried task counts once per attempt); ``numCompletedIndices``
  counts distinct successful partitions, so it never exceeds ``numTasks``;
- a task that ends after its job ended (a ``TaskKilled`` of a cancelled stage) still counts for
  the job, because its stage is still running until its last task ends;
- a task's executor counts it only while the executor is alive.

Because the order comes from the events, any arrival order gives the same model.
"""

from __future__ import annotations

import gc
import heapq
from collections.abc import Iterable
from typing import Any

import orjson

from . import metrics as m
from .identities import IdentitySet, PartitionSet
from .model import (
    Application,
    ApplicationModel,
    Executor,
    ExecutorStageSummary,
    Job,
    StageAttempt,
    Task,
)
from .normalise import DEFAULT_APP_ID, Event
from .task_table import TaskTable

DEFAULT_WINDOW = 5_000
_GC_TIME, _INPUT_BYTES, _REMOTE_READ, _LOCAL_READ, _SHUFFLE_WRITE = (
    m.METRIC_INDEX[name]
    for name in (
        "jvmGcTime",
        "inputBytes",
        "shuffleRemoteBytesRead",
        "shuffleLocalBytesRead",
        "shuffleWriteBytes",
    )
)
_UNSEEN = object()


def aggregate(
    events: Iterable[Event],
    *,
    app_id: str | None = None,
    last_updated: int | None = None,
    window: int = DEFAULT_WINDOW,
) -> ApplicationModel:
    """Build the model of one application from its events.

    Events pass through a reorder buffer of ``window`` events: any arrival order within the
    window gives exactly the same model, and memory holds the window, not the log. Inputs
    larger than the window must arrive roughly in time order (a Spark log always does; a
    database should hand them over ``ORDER BY`` :attr:`Event.order_key`). An event that
    arrives after later ones already left the buffer is still counted, as ``late_count``.

    ``last_updated`` (epoch ms) is when the log was last written, which the History Server
    reports and uses to time tasks that are still running; defaults to the last event's time.
    """
    # Nothing built here forms reference cycles, so the cyclic collector only burns time
    # re-scanning millions of live objects; reference counting still frees everything.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _aggregate(events, app_id, last_updated, window)
    finally:
        if collecting:
            gc.enable()


def _aggregate(
    events: Iterable[Event], app_id: str | None, last_updated: int | None, window: int
) -> ApplicationModel:
    buffer: list[list] = []  # heap of [order_key, sequence, event, alive]
    waiting: dict[str, list] = {}
    applied = IdentitySet()
    replay: _Replay | None = None
    counts = {"events": 0, "duplicates": 0, "late": 0}
    latest: int | None = None
    last_key: tuple | None = None
    handlers: dict[str, Any] = {}  # kind -> the replay's on_<kind> method, or None

    def apply(event: Event) -> None:
        nonlocal replay, last_key
        if replay is None:
            replay = _Replay(app_id or event.app_id or DEFAULT_APP_ID)
        key = event.order_key
        if last_key is not None and key < last_key:
            counts["late"] += 1
        last_key = key if last_key is None or key > last_key else last_key
        counts["events"] += 1
        kind = event.kind
        handler = handlers.get(kind, _UNSEEN)
        if handler is _UNSEEN:
            handler = handlers[kind] = getattr(replay, f"on_{kind}", None)
        if handler is not None:
            handler(event.fields)

    def release() -> None:
        while buffer:
            entry = heapq.heappop(buffer)
            if entry[3]:
                del waiting[entry[2].identity]
                applied.add(entry[2])
                apply(entry[2])
                return

    for sequence, event in enumerate(events):
        identity = event.identity
        if event in applied:
            counts["duplicates"] += 1
            continue
        kept = waiting.get(identity)
        if kept is not None:
            counts["duplicates"] += 1
            if not _precedes(event, kept[2]):
                continue
            kept[3] = False
        if event.time is not None and (latest is None or event.time > latest):
            latest = event.time
        entry = [event.order_key, sequence, event, True]
        waiting[identity] = entry
        heapq.heappush(buffer, entry)
        if len(waiting) > window:
            release()
    while waiting:
        release()
    if replay is None:
        replay = _Replay(app_id or DEFAULT_APP_ID)
    return replay.finish(last_updated=last_updated or latest, counts=counts)


def _precedes(event: Event, other: Event) -> bool:
    """Of two events with one identity, the one that counts: the earliest, then by content."""
    if event.order_key != other.order_key:
        return event.order_key < other.order_key
    dump = orjson.dumps(event.fields, option=orjson.OPT_SORT_KEYS, default=str)
    return dump < orjson.dumps(other.fields, option=orjson.OPT_SORT_KEYS, default=str)


class _Replay:
    """The History Server's listener rules, applied to events in order."""

    def __init__(self, app_id: str) -> None:
        self.app = Application(app_id=app_id)
        self.jobs: dict[Any, Job] = {}
        self.live_jobs: dict[Any, Job] = {}
        self.stages: dict[tuple[int, int], StageAttempt] = {}
        self.live_stages: dict[tuple[int, int], StageAttempt] = {}
        self.executors: dict[str, Executor] = {}
        self.live_executors: dict[str, Executor] = {}
        self.live_tasks: dict[int, tuple[TaskTable | None, int]] = {}  # running: where kept
        self.task_cpus: dict[int, int] = {}
        self.max_tasks: dict[int, int] = {}

    # ------------------------------------------------------------------ application

    def on_LogStart(self, f: dict) -> None:
        self.app.spark_version = f["spark_version"]

    def on_ApplicationStart(self, f: dict) -> None:
        self.app.name = f["name"]
        self.app.user = f["user"]
        self.app.start_time = f["time"]
        self.app.attempt_id = f["attempt_id"]
        if f["app_id"]:
            self.app.app_id = f["app_id"]

    def on_ApplicationEnd(self, f: dict) -> None:
        self.app.end_time = f["time"]
        self.app.exit_code = f["exit_code"]

    def on_EnvironmentUpdate(self, f: dict) -> None:
        self.app.spark_properties = f["spark_properties"]
        self.app.environment = {"jvm": f["jvm"], "sections": f["sections"]}
        cpus = f["spark_properties"].get("spark.task.cpus")
        if cpus and cpus.isdigit():
            self.app.cpus_per_task = int(cpus)

    def on_ResourceProfileAdded(self, f: dict) -> None:
        self.app.resource_profiles[f["id"]] = {
            "executor": f["executor"] or {},
            "task": f["task"] or {},
        }
        cpus = (f["task"].get("cpus") or {}).get("Amount")
        if isinstance(cpus, int | float) and cpus >= 1:
            self.task_cpus[f["id"]] = int(cpus)

    # ------------------------------------------------------------------ executors

    def _executor(self, executor_id: str, time: int | None) -> Executor:
        executor = self.live_executors.get(executor_id)
        if executor is None:
            executor = Executor(executor_id=executor_id, add_time=time or 0)
            self.live_executors[executor_id] = executor
            self.executors[executor_id] = executor
        return executor

    def on_ExecutorAdded(self, f: dict) -> None:
        executor = self._executor(f["executor_id"], f["time"])
        executor.host = f["host"]
        executor.is_active = True
        executor.total_cores = f["cores"]
        cpus = self.task_cpus.get(f["resource_profile_id"], self.app.cpus_per_task)
        executor.max_tasks = f["cores"] // max(cpus, 1)
        executor.logs = f["log_urls"]
        executor.attributes = f["attributes"]
        executor.resources = f["resources"]
        executor.resource_profile_id = f["resource_profile_id"]

    def on_BlockManagerAdded(self, f: dict) -> None:
        executor = self._executor(f["executor_id"], f["time"])
        executor.host_port = f"{f['host']}:{f['port']}"
        if f["max_on_heap"] is not None:
            executor.total_on_heap = f["max_on_heap"]
            executor.total_off_heap = f["max_off_heap"] or 0
        executor.is_active = True
        executor.max_memory = f["max_memory"]

    def on_ExecutorRemoved(self, f: dict) -> None:
        executor = self.live_executors.pop(f["executor_id"], None)
        if executor is not None:
            executor.is_active = False
            executor.remove_time = f["time"]
            executor.remove_reason = f["reason"]

    # ------------------------------------------------------------------ jobs

    def on_JobStart(self, f: dict) -> None:
        infos = f["stage_infos"]
        props = f["properties"]
        last_stage = max(infos, key=lambda info: info["stage_id"], default=None)
        tags = props.get("spark.job.tags", "")
        sql_id = props.get("spark.sql.execution.id")
        time = f.get("time")
        job = Job(
            job_id=f["job_id"],
            name=last_stage["name"] if last_stage else "",
            description=props.get("spark.job.description"),
            submission_time=time if time and time > 0 else None,
            stage_ids=f["stage_ids"],
            job_group=props.get("spark.jobGroup.id"),
            job_tags=sorted({tag for tag in tags.split(",") if tag}),
            num_tasks=sum(info["num_tasks"] for info in infos if info["completion_time"] is None),
            sql_execution_id=int(sql_id) if sql_id and sql_id.isdigit() else None,
            user=f.get("user"),
            seed=f["seed"],
        )
        previous = self.jobs.get(job.job_id)
        if previous is not None and previous.seed:
            job.seed_tasks = previous.seed_tasks  # seed tasks that arrived before their job
            self._count_seed_tasks(job)
        self.jobs[job.job_id] = job
        self.live_jobs[job.job_id] = job
        for info in infos:
            stage = self._stage(info)
            stage.jobs.append(job)
            stage.job_ids.add(job.job_id)

    def on_JobEnd(self, f: dict) -> None:
        job = self.live_jobs.pop(f["job_id"], None)
        if job is None:
            if f["seed"] and f["job_id"] not in self.jobs:
                job = self._seed_job(f["job_id"])
                self.live_jobs.pop(job.job_id)
            else:
                return
        for key, stage in list(self.live_stages.items()):
            if key[0] in job.stage_ids and stage.status == "PENDING":
                stage.status = "SKIPPED"
                job.skipped_stages.add(stage.stage_id)
                job.skipped_tasks += stage.num_tasks
                del self.live_stages[key]
        job.status = "SUCCEEDED" if f["succeeded"] else "FAILED"
        job.failure = f["failure"]
        time = f["time"]
        job.completion_time = time if time and time > 0 else None
        self._write_job(job)

    def _write_job(self, job: Job) -> None:
        job.snapshot = _job_counts(job)

    # ------------------------------------------------------------------ stages

    def _stage(self, info: dict) -> StageAttempt:
        key = (info["stage_id"], info["attempt"])
        stage = self.live_stages.get(key)
        if stage is None:
            stage = StageAttempt(stage_id=key[0], attempt=key[1], info=info)
            self.live_stages[key] = stage
            self.stages[key] = stage
        stage.info = info
        return stage

    def on_StageSubmitted(self, f: dict) -> None:
        info = f["info"]
        stage = self._stage(info)
        stage.status = "ACTIVE"
        stage.pool = f["properties"].get("spark.scheduler.pool") or "default"
        stage.jobs = [job for job in self.live_jobs.values() if info["stage_id"] in job.stage_ids]
        stage.job_ids = {job.job_id for job in stage.jobs}
        stage.description = f["properties"].get("spark.job.description")
        for job in stage.jobs:
            job.completed_stages.discard(info["stage_id"])
            job.active_stages += 1

    def on_StageCompleted(self, f: dict) -> None:
        info = f["info"]
        key = (info["stage_id"], info["attempt"])
        stage = self.live_stages.get(key)
        if stage is None:
            return
        stage.info = info
        if info["failure_reason"] is not None:
            stage.status = "FAILED"
        elif info["submission_time"] is not None:
            stage.status = "COMPLETE"
        else:
            stage.status = "SKIPPED"
        for job in stage.jobs:
            if stage.status == "COMPLETE":
                job.completed_stages.add(info["stage_id"])
            elif stage.status == "SKIPPED":
                job.skipped_stages.add(info["stage_id"])
                job.skipped_tasks += info["num_tasks"]
            else:
                job.failed_stages += 1
            job.active_stages -= 1
        if stage.active_tasks == 0:
            del self.live_stages[key]

    # ------------------------------------------------------------------ tasks

    def on_TaskStart(self, f: dict) -> None:
        stage = self.live_stages.get((f["stage_id"], f["stage_attempt"]))
        if stage is None:
            self.live_tasks[f["task_id"]] = (None, 0)  # counted when it ends, kept nowhere
        else:
            self.live_tasks[f["task_id"]] = (stage.tasks, stage.tasks.start(f))
            stage.active_tasks += 1
            launch = f["launch_time"]
            if stage.first_launch_time is None or launch < stage.first_launch_time:
                stage.first_launch_time = launch
            per_executor = stage.active_per_executor
            executor_id = f["executor_id"]
            per_executor[executor_id] = per_executor.get(executor_id, 0) + 1
            for job in stage.jobs:
                job.active_tasks += 1
        executor = self.live_executors.get(f["executor_id"])
        if executor is not None:
            executor.active_tasks += 1
            executor.total_tasks += 1

    def on_TaskEnd(self, f: dict) -> None:
        if f["seed"]:
            self._seed_task_end(f)
            return
        reason = f["reason"]
        started = self.live_tasks.pop(f["task_id"], None)
        delta = None
        if started is not None:
            table, row = started
            delta = f["metrics"]
            if table is not None:
                table.end(row, f, delta)
        completed = 1 if reason == "Success" else 0
        killed = 1 if reason in ("TaskKilled", "TaskCommitDenied") else 0
        failed = 1 - completed - killed
        duration = max(f["finish_time"] - f["launch_time"], 0) if f["finish_time"] else 0
        peaks = f["executor_metrics"]
        stage = self.live_stages.get((f["stage_id"], f["stage_attempt"]))
        if stage is not None:
            m.raise_peaks(stage.peak, peaks)
            self._count_in_stage(stage, f, delta, completed, failed, killed, duration)
        executor = self.live_executors.get(f["executor_id"])
        if executor is not None:
            m.raise_peaks(executor.peak, peaks)
            executor.active_tasks -= 1
            executor.completed_tasks += completed
            executor.failed_tasks += failed
            executor.total_duration += duration
            if reason != "Resubmitted" and f["metrics"] is not None:
                values = f["metrics"]
                executor.total_gc_time += values[_GC_TIME]
                executor.total_input_bytes += values[_INPUT_BYTES]
                executor.total_shuffle_read += values[_REMOTE_READ] + values[_LOCAL_READ]
                executor.total_shuffle_write += values[_SHUFFLE_WRITE]

    def _count_in_stage(self, stage, f, delta, completed, failed, killed, duration) -> None:
        if delta is not None:
            stage.metrics = m.add(stage.metrics, delta)
        stage.active_tasks -= 1
        stage.completed_tasks += completed
        if completed:
            stage.completed_indices.add(f["index"])
        stage.failed_tasks += failed
        stage.killed_tasks += killed
        if killed:
            _count_kill(stage.killed_summary, f)
        executor_id = f["executor_id"]
        stage.active_per_executor[executor_id] = stage.active_per_executor.get(executor_id, 0) - 1
        remove = stage.active_tasks == 0 and stage.status in ("COMPLETE", "FAILED")
        for job in stage.jobs:
            job.active_tasks -= 1
            job.completed_tasks += completed
            if completed:
                job.completed_indices.add(f["index"], f["stage_id"])
            job.failed_tasks += failed
            job.killed_tasks += killed
            if killed:
                _count_kill(job.killed_summary, f)
            if remove:
                self._write_job(job)
        summary = stage.executor_summaries.get(executor_id)
        if summary is None:
            summary = stage.executor_summaries[executor_id] = ExecutorStageSummary()
        summary.task_time += duration
        summary.succeeded += completed
        summary.failed += failed
        summary.killed += killed
        if delta is not None:
            summary.metrics = m.add(summary.metrics, delta)
        m.raise_peaks(summary.peak, f["executor_metrics"])
        if remove:
            del self.live_stages[(stage.stage_id, stage.attempt)]

    # ------------------------------------------------------------------ seed events

    def _seed_job(self, job_id: str) -> Job:
        job = Job(
            job_id=job_id,
            name="",
            description=None,
            submission_time=None,
            stage_ids=[],
            job_group=None,
            job_tags=[],
            num_tasks=0,
            seed=True,
        )
        self.jobs[job_id] = job
        self.live_jobs[job_id] = job
        return job

    def _seed_task_end(self, f: dict) -> None:
        job = self.jobs.get(f["job_id"]) or self._seed_job(f["job_id"])
        duration = f["duration"] or 0
        end = f.get("time") or 0
        task = Task(
            task_id=f["task_id"],
            stage_id=None,
            stage_attempt=None,
            index=len(job.seed_tasks),
            attempt=0,
            partition_id=None,
            launch_time=end - duration,
            executor_id="",
            host="",
            locality="ANY",
            speculative=False,
            finish_time=end,
            failed=not f["successful"],
            reason="Success" if f["successful"] else "Failed",
            duration_override=duration,
        )
        job.seed_tasks[str(f["task_id"])] = task
        self._count_seed_tasks(job)

    @staticmethod
    def _count_seed_tasks(job: Job) -> None:
        tasks = job.seed_tasks.values()
        job.num_tasks = len(job.seed_tasks)
        job.completed_tasks = sum(1 for t in tasks if t.successful)
        job.failed_tasks = sum(1 for t in tasks if t.failed)
        job.completed_indices = PartitionSet()
        for task in tasks:
            if task.successful:
                job.completed_indices.add(task.index)
        if job.snapshot is not None:
            job.snapshot = _job_counts(job)

    # ------------------------------------------------------------------ the end

    def finish(self, *, last_updated: int | None, counts: dict[str, int]):
        self.app.last_updated = last_updated
        for job in self.live_jobs.values():
            self._write_job(job)
        now = last_updated or 0
        driver = self.executors.get("driver")
        if driver is not None:
            # Spark 4 reports the driver's own JVM, not its tasks: the application's uptime and
            # the driver's GC time from its peak metrics (0 when never reported).
            driver.total_duration = (self.app.end_time or now) - (self.app.start_time or now)
            driver.total_gc_time = max(driver.peak[m.PEAK_METRIC_NAMES.index("TotalGCTime")], 0)
        return ApplicationModel(
            app=self.app,
            jobs=self.jobs,
            stages=self.stages,
            executors=self.executors,
            event_count=counts["events"],
            duplicate_count=counts["duplicates"],
            late_count=counts["late"],
        )


def _count_kill(summary: dict[str, int], f: dict) -> None:
    reason = f["kill_reason"] if f["reason"] == "TaskKilled" else f["error"]
    if reason:
        summary[reason] = summary.get(reason, 0) + 1


def _job_counts(job: Job) -> dict[str, Any]:
    return {
        "status": job.status,
        "completion_time": job.completion_time,
        "numActiveTasks": job.active_tasks,
        "numCompletedTasks": job.completed_tasks,
        "numSkippedTasks": job.skipped_tasks,
        "numFailedTasks": job.failed_tasks,
        "numKilledTasks": job.killed_tasks,
        "numCompletedIndices": len(job.completed_indices),
        "numActiveStages": job.active_stages,
        "numCompletedStages": len(job.completed_stages),
        "numSkippedStages": len(job.skipped_stages),
        "numFailedStages": job.failed_stages,
        "killedTasksSummary": dict(job.killed_summary),
    }
