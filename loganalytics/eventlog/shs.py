"""The model in the Spark History Server's REST JSON shapes (``/api/v1/applications/...``).

Field names, order, date format (``2024-01-01T00:00:00.000GMT``) and the "leave absent fields
out" rule follow SHS, so tools written for it read sparkhub unchanged. Lists come in SHS order:
jobs and stages newest first.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from . import metrics as m
from .model import ApplicationModel, Executor, ExecutorStageSummary, Job, StageAttempt, Task

DEFAULT_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
NEVER = -1  # SHS reports an unfinished application's end as the epoch minus 1 ms


def shs_date(millis: int | None) -> str | None:
    """Epoch milliseconds as SHS writes dates: ``2024-01-01T00:00:00.000GMT``."""
    if millis is None:
        return None
    moment = datetime.fromtimestamp(millis / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}GMT"


def present(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # SHS's JSON writer leaves out absent optional values (Scala ``None``) entirely.
    return {key: value for key, value in pairs if value is not None}


# ---------------------------------------------------------------------- applications


def to_shs_application(*attempts: ApplicationModel) -> dict[str, Any]:
    """``GET /api/v1/applications/{appId}`` (one element of ``/applications``).

    ``attempts`` are the models of one application's attempts (one log each): SHS lists them
    newest start first and names the application after the newest.
    """
    ordered = sorted(attempts, key=_attempt_order, reverse=True)
    newest = ordered[0].app
    return {
        "id": newest.app_id,
        "name": newest.name,
        "attempts": [_shs_attempt(model) for model in ordered],
    }


def _attempt_order(model: ApplicationModel):
    return (model.app.start_time or 0, model.app.attempt_id or "")


def _shs_attempt(model: ApplicationModel) -> dict[str, Any]:
    app = model.app
    end = app.end_time if app.completed else NEVER
    last_updated = app.last_updated or app.end_time or app.start_time or 0
    return present(
        [
            ("attemptId", app.attempt_id),
            ("startTime", shs_date(app.start_time or 0)),
            ("endTime", shs_date(end)),
            ("lastUpdated", shs_date(last_updated)),
            ("duration", app.duration),
            ("sparkUser", app.user),
            ("completed", app.completed),
            ("appSparkVersion", app.spark_version),
            ("exitCode", app.exit_code),
            ("startTimeEpoch", app.start_time or 0),
            ("endTimeEpoch", end),
            ("lastUpdatedEpoch", last_updated),
        ]
    )


def to_shs_applications(models: list[ApplicationModel]) -> list[dict[str, Any]]:
    """``GET /api/v1/applications``: the attempts grouped by application, newest start first."""
    by_app: dict[str, list[ApplicationModel]] = {}
    for model in models:
        by_app.setdefault(model.app.app_id, []).append(model)
    newest_first = sorted(
        by_app.values(), key=lambda group: max(_attempt_order(m) for m in group), reverse=True
    )
    return [to_shs_application(*group) for group in newest_first]


# ---------------------------------------------------------------------- jobs


def to_shs_job(job: Job) -> dict[str, Any]:
    """``GET .../jobs/{jobId}``: the job as SHS last stored it."""
    counts = job.snapshot or {}
    return present(
        [
            ("jobId", job.job_id),
            ("name", job.name),
            ("description", job.description),
            ("submissionTime", shs_date(job.submission_time)),
            ("completionTime", shs_date(counts.get("completion_time"))),
            ("stageIds", list(job.stage_ids)),
            ("jobGroup", job.job_group),
            ("jobTags", list(job.job_tags)),
            ("status", counts.get("status", job.status)),
            ("numTasks", job.num_tasks),
            *[
                (name, counts.get(name, 0))
                for name in (
                    "numActiveTasks",
                    "numCompletedTasks",
                    "numSkippedTasks",
                    "numFailedTasks",
                    "numKilledTasks",
                    "numCompletedIndices",
                    "numActiveStages",
                    "numCompletedStages",
                    "numSkippedStages",
                    "numFailedStages",
                )
            ],
            ("killedTasksSummary", counts.get("killedTasksSummary", {})),
        ]
    )


def to_shs_jobs(model: ApplicationModel, status: str | None = None) -> list[dict[str, Any]]:
    """``GET .../jobs``: newest job first; ``status`` filters like SHS's ``?status=``."""
    jobs = [to_shs_job(job) for job in model.jobs.values()]
    if status:
        jobs = [job for job in jobs if job["status"] == status.upper()]
    return sorted(jobs, key=_job_sort_key, reverse=True)


def _job_sort_key(job: dict[str, Any]):
    job_id = job["jobId"]
    return (1, job_id, "") if isinstance(job_id, int) else (0, 0, str(job_id))


# ---------------------------------------------------------------------- stages


def _peak(values: list[int]) -> dict[str, int] | None:
    """Peak executor metrics, or ``None`` (left out) when no task reported them."""
    if values[0] < 0:
        return None
    return dict(zip(m.PEAK_METRIC_NAMES, values, strict=True))


def _stage_metrics(values: tuple[int, ...]) -> list[tuple[str, Any]]:
    get = dict(zip(m.METRIC_NAMES, values, strict=True)).__getitem__
    order = [
        "executorDeserializeTime",
        "executorDeserializeCpuTime",
        "executorRunTime",
        "executorCpuTime",
        "resultSize",
        "jvmGcTime",
        "resultSerializationTime",
        "memoryBytesSpilled",
        "diskBytesSpilled",
        "peakExecutionMemory",
        "inputBytes",
        "inputRecords",
        "outputBytes",
        "outputRecords",
        "shuffleRemoteBlocksFetched",
        "shuffleLocalBlocksFetched",
        "shuffleFetchWaitTime",
        "shuffleRemoteBytesRead",
        "shuffleRemoteBytesReadToDisk",
        "shuffleLocalBytesRead",
    ]
    pairs: list[tuple[str, Any]] = [(name, get(name)) for name in order]
    pairs.append(("shuffleReadBytes", m.shuffle_read_bytes(values)))
    pairs.append(("shuffleReadRecords", get("shuffleReadRecords")))
    pairs += [
        (name, get(name))
        for name in (
            "shuffleCorruptMergedBlockChunks",
            "shuffleMergedFetchFallbackCount",
            "shuffleMergedRemoteBlocksFetched",
            "shuffleMergedLocalBlocksFetched",
            "shuffleMergedRemoteChunksFetched",
            "shuffleMergedLocalChunksFetched",
            "shuffleMergedRemoteBytesRead",
            "shuffleMergedLocalBytesRead",
            "shuffleRemoteReqsDuration",
            "shuffleMergedRemoteReqsDuration",
            "shuffleWriteBytes",
            "shuffleWriteTime",
            "shuffleWriteRecords",
        )
    ]
    return pairs


def to_shs_stage(
    model: ApplicationModel,
    stage: StageAttempt,
    *,
    details: bool = False,
    task_statuses: tuple[str, ...] = (),
) -> dict[str, Any]:
    """One stage attempt; ``details`` adds ``tasks`` (those in ``task_statuses`` when given)
    and ``executorSummary`` like ``GET .../stages/{stageId}/{attemptId}``."""
    info = stage.info
    pairs: list[tuple[str, Any]] = [
        ("status", stage.status),
        ("stageId", stage.stage_id),
        ("attemptId", stage.attempt),
        ("numTasks", info["num_tasks"]),
        ("numActiveTasks", stage.active_tasks),
        ("numCompleteTasks", stage.completed_tasks),
        ("numFailedTasks", stage.failed_tasks),
        ("numKilledTasks", stage.killed_tasks),
        ("numCompletedIndices", len(stage.completed_indices)),
        ("submissionTime", shs_date(info["submission_time"])),
        ("firstTaskLaunchedTime", shs_date(stage.first_launch_time)),
        ("completionTime", shs_date(info["completion_time"])),
        ("failureReason", info["failure_reason"]),
        *_stage_metrics(stage.metrics),
        ("name", info["name"]),
        ("description", stage.description),
        ("details", info["details"]),
        ("schedulingPool", stage.pool),
        ("rddIds", list(info["rdd_ids"])),
        ("accumulatorUpdates", [_accumulable(acc) for acc in info["accumulables"]]),
    ]
    if details:
        pairs.append(
            (
                "tasks",
                {
                    str(task.task_id): to_shs_task(model, task)
                    for task in sorted(stage.tasks.values(), key=lambda t: t.task_id)
                    if not task_statuses or task.status in task_statuses
                },
            )
        )
        pairs.append(
            (
                "executorSummary",
                {
                    executor_id: executor_stage_summary(summary)
                    for executor_id, summary in sorted(stage.executor_summaries.items())
                },
            )
        )
    pairs += [
        ("killedTasksSummary", dict(stage.killed_summary)),
        ("resourceProfileId", info["resource_profile_id"]),
        ("peakExecutorMetrics", _peak(stage.peak)),
        ("isShufflePushEnabled", info["shuffle_push_enabled"]),
        ("shuffleMergersCount", info["shuffle_mergers"]),
    ]
    return present(pairs)


def _accumulable(acc: dict[str, Any]) -> dict[str, Any]:
    return present(
        [
            ("id", acc.get("ID")),
            ("name", acc.get("Name")),
            ("update", _text(acc.get("Update"))),
            ("value", _text(acc.get("Value"))),
        ]
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def executor_stage_summary(summary: ExecutorStageSummary) -> dict[str, Any]:
    get = dict(zip(m.METRIC_NAMES, summary.metrics, strict=True)).__getitem__
    return present(
        list(
            {
                "taskTime": summary.task_time,
                "failedTasks": summary.failed,
                "succeededTasks": summary.succeeded,
                "killedTasks": summary.killed,
                "inputBytes": get("inputBytes"),
                "inputRecords": get("inputRecords"),
                "outputBytes": get("outputBytes"),
                "outputRecords": get("outputRecords"),
                "shuffleRead": m.shuffle_read_bytes(summary.metrics),
                "shuffleReadRecords": get("shuffleReadRecords"),
                "shuffleWrite": get("shuffleWriteBytes"),
                "shuffleWriteRecords": get("shuffleWriteRecords"),
                "memoryBytesSpilled": get("memoryBytesSpilled"),
                "diskBytesSpilled": get("diskBytesSpilled"),
                "isBlacklistedForStage": False,
                "peakMemoryMetrics": _peak(summary.peak),
                "isExcludedForStage": False,
            }.items()
        )
    )


def stage_order(stage: StageAttempt):
    return (stage.stage_id, stage.attempt)


def to_shs_stage_attempts(
    model: ApplicationModel,
    stage_id: int,
    *,
    details: bool = True,
    task_statuses: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """``GET .../stages/{stageId}``: each attempt of one stage, with details by default."""
    attempts = sorted((s for s in model.stages.values() if s.stage_id == stage_id), key=stage_order)
    return [
        to_shs_stage(model, stage, details=details, task_statuses=task_statuses)
        for stage in attempts
    ]


def to_shs_stage_attempt(
    model: ApplicationModel,
    stage_id: int,
    attempt: int,
    *,
    details: bool = True,
    task_statuses: tuple[str, ...] = (),
) -> dict | None:
    """``GET .../stages/{stageId}/{attemptId}``, or ``None`` when there is no such attempt."""
    stage = model.stages.get((stage_id, attempt))
    if stage is None:
        return None
    return to_shs_stage(model, stage, details=details, task_statuses=task_statuses)


# ---------------------------------------------------------------------- tasks


def _fetch_start(task: Task) -> int:
    return task.getting_result_time


def _getting_result_time(task: Task, duration: int) -> int:
    start = _fetch_start(task)
    if start <= 0:
        return 0
    return task.launch_time + duration - start if duration > 0 else 0


def _scheduler_delay(task: Task, duration: int) -> int:
    if task.metrics is None:
        return 0
    get = dict(zip(m.METRIC_NAMES, task.metrics, strict=True)).__getitem__
    return max(
        0,
        duration
        - get("executorRunTime")
        - get("executorDeserializeTime")
        - get("resultSerializationTime")
        - _getting_result_time(task, duration),
    )


def to_shs_task(model: ApplicationModel, task: Task) -> dict[str, Any]:
    duration = task.duration(model.now)
    executor = model.executors.get(task.executor_id)
    return present(
        [
            ("taskId", task.task_id),
            ("index", task.index),
            ("attempt", task.attempt),
            ("partitionId", task.partition_id),
            ("launchTime", shs_date(task.launch_time)),
            ("resultFetchStart", shs_date(task.getting_result_time or None)),
            ("duration", duration),
            ("executorId", task.executor_id),
            ("host", task.host),
            ("status", task.status),
            ("taskLocality", task.locality),
            ("speculative", task.speculative),
            ("accumulatorUpdates", []),
            ("errorMessage", task.error),
            ("taskMetrics", _task_metrics(task.metrics) if task.metrics is not None else None),
            ("executorLogs", dict(executor.logs) if executor else {}),
            ("schedulerDelay", _scheduler_delay(task, duration)),
            ("gettingResultTime", _getting_result_time(task, duration)),
        ]
    )


def _task_metrics(values: tuple[int, ...]) -> dict[str, Any]:
    get = dict(zip(m.METRIC_NAMES, values, strict=True)).__getitem__
    return {
        **{
            name: get(name)
            for name in (
                "executorDeserializeTime",
                "executorDeserializeCpuTime",
                "executorRunTime",
                "executorCpuTime",
                "resultSize",
                "jvmGcTime",
                "resultSerializationTime",
                "memoryBytesSpilled",
                "diskBytesSpilled",
                "peakExecutionMemory",
            )
        },
        "inputMetrics": {"bytesRead": get("inputBytes"), "recordsRead": get("inputRecords")},
        "outputMetrics": {
            "bytesWritten": get("outputBytes"),
            "recordsWritten": get("outputRecords"),
        },
        "shuffleReadMetrics": {
            "remoteBlocksFetched": get("shuffleRemoteBlocksFetched"),
            "localBlocksFetched": get("shuffleLocalBlocksFetched"),
            "fetchWaitTime": get("shuffleFetchWaitTime"),
            "remoteBytesRead": get("shuffleRemoteBytesRead"),
            "remoteBytesReadToDisk": get("shuffleRemoteBytesReadToDisk"),
            "localBytesRead": get("shuffleLocalBytesRead"),
            "recordsRead": get("shuffleReadRecords"),
            "remoteReqsDuration": get("shuffleRemoteReqsDuration"),
            "shufflePushReadMetrics": {
                "corruptMergedBlockChunks": get("shuffleCorruptMergedBlockChunks"),
                "mergedFetchFallbackCount": get("shuffleMergedFetchFallbackCount"),
                "remoteMergedBlocksFetched": get("shuffleMergedRemoteBlocksFetched"),
                "localMergedBlocksFetched": get("shuffleMergedLocalBlocksFetched"),
                "remoteMergedChunksFetched": get("shuffleMergedRemoteChunksFetched"),
                "localMergedChunksFetched": get("shuffleMergedLocalChunksFetched"),
                "remoteMergedBytesRead": get("shuffleMergedRemoteBytesRead"),
                "localMergedBytesRead": get("shuffleMergedLocalBytesRead"),
                "remoteMergedReqsDuration": get("shuffleMergedRemoteReqsDuration"),
            },
        },
        "shuffleWriteMetrics": {
            "bytesWritten": get("shuffleWriteBytes"),
            "writeTime": get("shuffleWriteTime"),
            "recordsWritten": get("shuffleWriteRecords"),
        },
    }


def to_shs_task_summary(
    model: ApplicationModel,
    stage_id: int,
    attempt: int,
    quantiles: tuple[float, ...] = DEFAULT_QUANTILES,
) -> dict[str, Any] | None:
    """``GET .../stages/{stageId}/{attemptId}/taskSummary``: quantiles over successful tasks.

    Like SHS, quantile ``q`` of ``n`` sorted values is the value at ``min(int(q * n), n - 1)``.
    ``None`` when the attempt has no successful task (SHS answers 404).
    """
    stage = model.stages.get((stage_id, attempt))
    if stage is None:
        return None
    measured = [t for t in stage.tasks.values() if t.metrics is not None]
    tasks = [t for t in measured if t.successful]
    if not tasks:
        return None
    count = len(tasks)
    indices = [min(int(q * count), count - 1) for q in quantiles]

    def dist(values: list[int]) -> list[float]:
        ordered = sorted(values)
        return [float(ordered[i]) for i in indices]

    def metric(name: str) -> list[float]:
        return dist([m.metric(t.metrics, name) for t in tasks])

    # SHS ranks times over every task with metrics (failed ones too), but picks positions as if
    # only the successful tasks were there; metric quantiles use successful tasks only.
    durations = [t.duration(model.now) for t in measured]
    return {
        "quantiles": list(quantiles),
        "duration": dist(durations),
        **{
            name: metric(name)
            for name in (
                "executorDeserializeTime",
                "executorDeserializeCpuTime",
                "executorRunTime",
                "executorCpuTime",
                "resultSize",
                "jvmGcTime",
                "resultSerializationTime",
            )
        },
        "gettingResultTime": dist(
            [_getting_result_time(t, d) for t, d in zip(measured, durations, strict=True)]
        ),
        "schedulerDelay": dist(
            [_scheduler_delay(t, d) for t, d in zip(measured, durations, strict=True)]
        ),
        "peakExecutionMemory": metric("peakExecutionMemory"),
        "memoryBytesSpilled": metric("memoryBytesSpilled"),
        "diskBytesSpilled": metric("diskBytesSpilled"),
        "inputMetrics": {"bytesRead": metric("inputBytes"), "recordsRead": metric("inputRecords")},
        "outputMetrics": {
            "bytesWritten": metric("outputBytes"),
            "recordsWritten": metric("outputRecords"),
        },
        "shuffleReadMetrics": {
            "readBytes": dist([m.shuffle_read_bytes(t.metrics) for t in tasks]),
            "readRecords": metric("shuffleReadRecords"),
            "remoteBlocksFetched": metric("shuffleRemoteBlocksFetched"),
            "localBlocksFetched": metric("shuffleLocalBlocksFetched"),
            "fetchWaitTime": metric("shuffleFetchWaitTime"),
            "remoteBytesRead": metric("shuffleRemoteBytesRead"),
            "remoteBytesReadToDisk": metric("shuffleRemoteBytesReadToDisk"),
            "totalBlocksFetched": dist(
                [
                    m.metric(t.metrics, "shuffleRemoteBlocksFetched")
                    + m.metric(t.metrics, "shuffleLocalBlocksFetched")
                    for t in tasks
                ]
            ),
            "remoteReqsDuration": metric("shuffleRemoteReqsDuration"),
            "shufflePushReadMetricsDist": {
                "corruptMergedBlockChunks": metric("shuffleCorruptMergedBlockChunks"),
                "mergedFetchFallbackCount": metric("shuffleMergedFetchFallbackCount"),
                "remoteMergedBlocksFetched": metric("shuffleMergedRemoteBlocksFetched"),
                "localMergedBlocksFetched": metric("shuffleMergedLocalBlocksFetched"),
                "remoteMergedChunksFetched": metric("shuffleMergedRemoteChunksFetched"),
                "localMergedChunksFetched": metric("shuffleMergedLocalChunksFetched"),
                "remoteMergedBytesRead": metric("shuffleMergedRemoteBytesRead"),
                "localMergedBytesRead": metric("shuffleMergedLocalBytesRead"),
                "remoteMergedReqsDuration": metric("shuffleMergedRemoteReqsDuration"),
            },
        },
        "shuffleWriteMetrics": {
            "writeBytes": metric("shuffleWriteBytes"),
            "writeRecords": metric("shuffleWriteRecords"),
            "writeTime": metric("shuffleWriteTime"),
        },
    }


# ---------------------------------------------------------------------- executors


def to_shs_executor(executor: Executor) -> dict[str, Any]:
    memory = None
    if executor.total_on_heap >= 0:
        memory = {
            "usedOnHeapStorageMemory": 0,
            "usedOffHeapStorageMemory": 0,
            "totalOnHeapStorageMemory": executor.total_on_heap,
            "totalOffHeapStorageMemory": executor.total_off_heap,
        }
    return present(
        [
            ("id", executor.executor_id),
            ("hostPort", executor.host_port or executor.host),
            ("isActive", executor.is_active),
            ("rddBlocks", 0),
            ("memoryUsed", 0),
            ("diskUsed", 0),
            ("totalCores", executor.total_cores),
            ("maxTasks", executor.max_tasks),
            ("activeTasks", executor.active_tasks),
            ("failedTasks", executor.failed_tasks),
            ("completedTasks", executor.completed_tasks),
            ("totalTasks", executor.total_tasks),
            ("totalDuration", executor.total_duration),
            ("totalGCTime", executor.total_gc_time),
            ("totalInputBytes", executor.total_input_bytes),
            ("totalShuffleRead", executor.total_shuffle_read),
            ("totalShuffleWrite", executor.total_shuffle_write),
            ("isBlacklisted", False),
            ("maxMemory", executor.max_memory),
            ("addTime", shs_date(executor.add_time)),
            ("removeTime", shs_date(executor.remove_time)),
            ("removeReason", executor.remove_reason),
            ("executorLogs", dict(executor.logs)),
            ("memoryMetrics", memory),
            ("blacklistedInStages", []),
            ("peakMemoryMetrics", _peak(executor.peak)),
            ("attributes", dict(executor.attributes)),
            ("resources", dict(executor.resources)),
            ("resourceProfileId", executor.resource_profile_id),
            ("isExcluded", False),
            ("excludedInStages", []),
        ]
    )


def to_shs_executors(model: ApplicationModel, *, include_dead: bool = False) -> list[dict]:
    """``GET .../executors`` (active only) or ``.../allexecutors`` (``include_dead``).

    SHS walks its "active" index backwards for ``/executors``, so active executors come in
    descending id order there and ascending in ``/allexecutors``.
    """
    if include_dead:
        chosen = sorted(model.executors.values(), key=lambda e: e.executor_id)
    else:
        chosen = sorted(
            (e for e in model.executors.values() if e.is_active),
            key=lambda e: e.executor_id,
            reverse=True,
        )
    return [to_shs_executor(e) for e in chosen]


# ---------------------------------------------------------------------- attempts


def has_attempt(model: ApplicationModel, attempt_id: str) -> bool:
    """Whether ``/applications/{appId}/{attemptId}/...`` names this application.

    Only cluster managers that retry the driver (YARN) give an attempt id; SHS answers 404 on
    attempt-qualified paths of an application without one, whatever the attempt asked for.
    """
    return model.app.attempt_id is not None and model.app.attempt_id == attempt_id


def to_shs_application_attempt(model: ApplicationModel, attempt_id: str) -> dict | None:
    """``GET /api/v1/applications/{appId}/{attemptId}``: that one attempt, or ``None``."""
    if not has_attempt(model, attempt_id):
        return None
    return _shs_attempt(model)


# ---------------------------------------------------------------------- task lists

TASK_SORTINGS = ("ID", "INCREASING_RUNTIME", "DECREASING_RUNTIME")
TASK_STATUSES = ("RUNNING", "KILLED", "FAILED", "SUCCESS", "UNKNOWN")
_SORTING_ALIASES = {"runtime": "INCREASING_RUNTIME", "-runtime": "DECREASING_RUNTIME"}


def task_sorting(name: str) -> str | None:
    """SHS's ``sortBy`` value (``ID``, ``runtime``, ``-runtime`` or an enum name, any case)."""
    alias = _SORTING_ALIASES.get(name.lower())
    if alias is not None:
        return alias
    return name.upper() if name.upper() in TASK_SORTINGS else None


def _runtime_rank(task: Task) -> int:
    # SHS indexes the stored run time; it stores an unsuccessful task's metrics as -(value + 1)
    # (so summaries skip them) and a task without metrics as -1, and sorts on that.
    if task.metrics is None:
        return -1
    run_time = m.metric(task.metrics, "executorRunTime")
    return run_time if task.successful else -run_time - 1


def to_shs_task_list(
    model: ApplicationModel,
    stage_id: int,
    attempt: int,
    *,
    offset: int = 0,
    length: int = 20,
    sort_by: str = "ID",
    statuses: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """``GET .../stages/{stageId}/{attemptId}/taskList``: one page of task attempts.

    Sorted by task id, or by run time (ties by task id, all reversed for ``-runtime``);
    ``statuses`` filter before the page is cut. An unknown stage attempt has no tasks.
    """
    stage = model.stages.get((stage_id, attempt))
    if stage is None:
        return []
    if sort_by == "ID":
        ordered = sorted(stage.tasks.values(), key=lambda t: t.task_id)
    else:
        ordered = sorted(stage.tasks.values(), key=lambda t: (_runtime_rank(t), t.task_id))
        if sort_by == "DECREASING_RUNTIME":
            ordered.reverse()
    if statuses:
        ordered = [task for task in ordered if task.status in statuses]
    return [to_shs_task(model, task) for task in ordered[offset : offset + length]]


def task_list_options(
    *,
    offset: str | None = None,
    length: str | None = None,
    sort_by: str | None = None,
    statuses: list[str] | tuple[str, ...] = (),
) -> dict[str, Any]:
    """``to_shs_task_list`` arguments from the query's text, with SHS's defaults.

    Raises ``ValueError`` naming the parameter that is not what SHS accepts.
    """
    options: dict[str, Any] = {"offset": 0, "length": 20, "sort_by": "ID"}
    if offset is not None:
        if not offset.removeprefix("-").isdigit():
            raise ValueError(f"offset must be a whole number of tasks, not {offset!r}")
        options["offset"] = max(int(offset), 0)  # SHS starts a negative offset at the first task
    if length is not None:
        if not length.isdigit():
            raise ValueError(f"length must be a whole number of tasks, not {length!r}")
        options["length"] = int(length)
    if sort_by is not None:
        options["sort_by"] = task_sorting(sort_by)
        if options["sort_by"] is None:
            raise ValueError(f"sortBy must be ID, runtime or -runtime, not {sort_by!r}")
    options["statuses"] = task_statuses(statuses, "status")
    return options


def task_statuses(values: list[str] | tuple[str, ...], parameter: str) -> tuple[str, ...]:
    """SHS task statuses named in a query (any case); ``ValueError`` names a wrong one."""
    wanted = tuple(value.upper() for value in values)
    for value, upper in zip(values, wanted, strict=True):
        if upper not in TASK_STATUSES:
            raise ValueError(
                f"{parameter} must be one of {', '.join(TASK_STATUSES)}, not {value!r}"
            )
    return wanted
