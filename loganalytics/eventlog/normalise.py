"""Turn native Spark listener JSON and the seed's simplified events into one canonical form.

Every :class:`Event` has an ``identity``: the same event sent twice (or imported twice) has the
same identity, so storing events under it makes ingest idempotent. Aggregation never depends on
arrival order either: it sorts events by :attr:`Event.order_key`, which comes from the events'
own times and ids, not from when they arrived.

The seed's simplified events (``{"event": "SparkListenerJobStart", "job_id", "timestamp",
"user"}``, ``...TaskEnd`` with ``task_id, duration_ms, successful``, ``...JobEnd`` with
``completion_time, job_result``) become the same kinds as native ones; their tasks belong to the
job directly (``fields["seed"]`` is True) because the seed has no stages.
"""

from __future__ import annotations

import hashlib
import operator
import sys
from dataclasses import dataclass, field
from typing import Any

import orjson

from . import fields as f
from .errors import EventLogError
from .metrics import METRIC_LOOKUP, PEAK_METRIC_NAMES, TASK_METRICS, ZERO_METRICS

DEFAULT_APP_ID = "default"

# Kinds in the order causality allows within one millisecond: a job starts before its stages,
# a stage before its tasks, tasks end before their stage completes, and so on.
_KIND_RANK = {
    "LogStart": 0,
    "ResourceProfileAdded": 1,
    "EnvironmentUpdate": 2,
    "ApplicationStart": 3,
    "ExecutorAdded": 4,
    "BlockManagerAdded": 5,
    "JobStart": 6,
    "StageSubmitted": 7,
    "TaskStart": 8,
    "TaskEnd": 10,
    "StageCompleted": 11,
    "JobEnd": 12,
    "BlockManagerRemoved": 13,
    "ExecutorRemoved": 14,
    "Other": 15,
    "ApplicationEnd": 16,
}
_UNTIMED_FIRST = -1
_INT_ONLY = {int}  # events without a time (log start, environment) sort before everything


@dataclass(slots=True)
class Event:
    """One event in canonical form.

    ``kind`` is the listener event name without ``SparkListener`` (``TaskEnd``) or ``Other``;
    ``key`` identifies the event within its application; ``time`` is epoch milliseconds (or
    ``None``); ``fields`` holds the typed values aggregation needs.
    """

    kind: str
    app_id: str
    key: tuple
    time: int | None
    fields: dict[str, Any] = field(repr=False)
    identity: str = field(init=False)
    """A stable string id, unique within the application (a database unique key)."""
    order_key: tuple = field(init=False, repr=False)
    """Where the event sits in replay order: its time, causal rank, then identity."""

    def __post_init__(self) -> None:
        self.identity = ":".join(str(part) for part in self.key)
        time = _UNTIMED_FIRST if self.time is None else self.time
        self.order_key = (time, _KIND_RANK[self.kind], self.identity)

    def retime(self, time: int | None) -> None:
        """Move the event in time (tests and synthetic logs); keeps the order key in step."""
        self.time = time
        self.__post_init__()


def normalise(raw: dict, *, app_id: str | None = None) -> Event:
    """Validate one raw event (native or seed) and return its canonical form.

    ``app_id`` names the application when the event does not say (native events in a log only
    carry it in ``ApplicationStart``). Raises :class:`EventLogError` naming the bad field.
    """
    if not isinstance(raw, dict):
        raise EventLogError(f"an event must be a JSON object, got {type(raw).__name__}")
    if "Event" in raw:
        return _native(raw, app_id)
    if "event" in raw:
        return _seed(raw, app_id)
    raise EventLogError(
        "not a Spark event: it has no 'Event' (or seed 'event') field", field="Event"
    )


# ------------------------------------------------------------------------ seed events


def _seed(raw: dict, app_id: str | None) -> Event:
    name = f.text(raw, "event")
    kind = name.removeprefix("SparkListener")
    app = f.text(raw, "app_id", required=False) or app_id or DEFAULT_APP_ID
    job_id = f.identifier(raw, "job_id")
    time = f.epoch_millis(raw, "timestamp")
    if kind == "JobStart":
        user = f.text(raw, "user", required=False)
        return Event(
            kind,
            app,
            ("JobStart", job_id),
            time,
            {
                "seed": True,
                "job_id": job_id,
                "time": time,
                "user": user,
                "stage_infos": [],
                "stage_ids": [],
                "properties": {},
            },
        )
    if kind == "TaskEnd":
        task_id = f.identifier(raw, "task_id")
        duration = f.integer(raw, "duration_ms", required=False)
        if duration is not None and duration < 0:
            raise EventLogError("field 'duration_ms' must not be negative", field="duration_ms")
        successful = f.boolean(raw, "successful", default=True)
        return Event(
            kind,
            app,
            ("TaskEnd", "seed", job_id, task_id),
            time,
            {
                "seed": True,
                "job_id": job_id,
                "task_id": task_id,
                "time": time,
                "duration": duration,
                "successful": successful,
            },
        )
    if kind == "JobEnd":
        result = f.text(raw, "job_result", required=False) or "JobSucceeded"
        if result not in ("JobSucceeded", "JobFailed"):
            raise EventLogError(
                "field 'job_result' must be JobSucceeded or JobFailed", field="job_result"
            )
        completion = f.epoch_millis(raw, "completion_time", required=False) or time
        return Event(
            kind,
            app,
            ("JobEnd", job_id),
            completion,
            {
                "seed": True,
                "job_id": job_id,
                "time": completion,
                "succeeded": result == "JobSucceeded",
                "failure": None if result == "JobSucceeded" else "JobFailed",
            },
        )
    raise EventLogError(
        "field 'event' must be SparkListenerJobStart, SparkListenerTaskEnd or "
        f"SparkListenerJobEnd, got {name!r}",
        field="event",
    )


# ------------------------------------------------------------------------ native events


def _native(raw: dict, app_id: str | None) -> Event:
    name = f.text(raw, "Event")
    short = name.removeprefix("SparkListener")
    parser = _NATIVE.get(short)
    app = f.text(raw, "app_id", required=False) or app_id
    if short == "ApplicationStart":
        app = f.text(raw, "App ID", required=False) or app
    app = app or DEFAULT_APP_ID
    if parser is None:
        digest = hashlib.blake2b(
            orjson.dumps(raw, option=orjson.OPT_SORT_KEYS), digest_size=12
        ).hexdigest()
        return Event("Other", app, ("Other", name, digest), _other_time(raw), {"name": name})
    key, time, values = parser(raw)
    return Event(short, app, key, time, values)


def _other_time(raw: dict) -> int | None:
    value = raw.get("time")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _log_start(raw):
    return ("LogStart",), None, {"spark_version": f.text(raw, "Spark Version")}


def _app_start(raw):
    time = f.integer(raw, "Timestamp")
    return (
        ("ApplicationStart",),
        time,
        {
            "app_id": f.text(raw, "App ID", required=False),
            "attempt_id": f.text(raw, "App Attempt ID", required=False),
            "name": f.text(raw, "App Name"),
            "user": f.text(raw, "User"),
            "time": time,
        },
    )


def _app_end(raw):
    time = f.integer(raw, "Timestamp")
    return (
        ("ApplicationEnd",),
        time,
        {"time": time, "exit_code": f.integer(raw, "ExitCode", required=False)},
    )


def _environment(raw):
    sections = {name: _pairs(raw, name) for name in ENVIRONMENT_SECTIONS}
    return (
        ("EnvironmentUpdate",),
        None,
        {
            "spark_properties": dict(sections["Spark Properties"]),
            "jvm": dict(_pairs(raw, "JVM Information")),
            "sections": sections,
        },
    )


# The key-value sections of an EnvironmentUpdate, as the History Server shows them.
ENVIRONMENT_SECTIONS = (
    "Spark Properties",
    "Hadoop Properties",
    "System Properties",
    "Metrics Properties",
    "Classpath Entries",
)


def _pairs(raw: dict, name: str) -> tuple[tuple[str, str], ...]:
    """A section as (key, value) text pairs in log order (Spark writes an object; older
    versions a list of pairs)."""
    section = raw.get(name) or {}
    if isinstance(section, dict):
        items = section.items()
    elif isinstance(section, list):
        items = (item for item in section if isinstance(item, list | tuple) and len(item) == 2)
    else:
        raise EventLogError(f"field '{name}' must be an object", field=name)
    return tuple((str(key), str(value)) for key, value in items)


def _resource_profile(raw):
    profile_id = f.integer(raw, "Resource Profile Id")
    return (
        ("ResourceProfileAdded", profile_id),
        None,
        {
            "id": profile_id,
            "executor": f.obj(raw, "Executor Resource Requests", required=False),
            "task": f.obj(raw, "Task Resource Requests", required=False),
        },
    )


def _executor_added(raw):
    time = f.integer(raw, "Timestamp")
    executor = f.text(raw, "Executor ID")
    info = f.obj(raw, "Executor Info")
    return (
        ("ExecutorAdded", executor, time),
        time,
        {
            "executor_id": executor,
            "time": time,
            "host": f.text(info, "Host", "Executor Info."),
            "cores": f.integer(info, "Total Cores", "Executor Info."),
            "log_urls": info.get("Log Urls") or {},
            "attributes": info.get("Attributes") or {},
            "resources": info.get("Resources") or {},
            "resource_profile_id": f.integer(
                info, "Resource Profile Id", "Executor Info.", required=False
            )
            or 0,
        },
    )


def _executor_removed(raw):
    time = f.integer(raw, "Timestamp")
    executor = f.text(raw, "Executor ID")
    return (
        ("ExecutorRemoved", executor, time),
        time,
        {
            "executor_id": executor,
            "time": time,
            "reason": f.text(raw, "Removed Reason", required=False),
        },
    )


def _block_manager_added(raw):
    time = f.integer(raw, "Timestamp", required=False)
    manager = f.obj(raw, "Block Manager ID")
    executor = f.text(manager, "Executor ID", "Block Manager ID.")
    return (
        ("BlockManagerAdded", executor, time),
        time,
        {
            "executor_id": executor,
            "time": time,
            "host": f.text(manager, "Host", "Block Manager ID."),
            "port": f.integer(manager, "Port", "Block Manager ID."),
            "max_memory": f.integer(raw, "Maximum Memory"),
            "max_on_heap": f.integer(raw, "Maximum Onheap Memory", required=False),
            "max_off_heap": f.integer(raw, "Maximum Offheap Memory", required=False),
        },
    )


def _block_manager_removed(raw):
    time = f.integer(raw, "Timestamp", required=False)
    manager = f.obj(raw, "Block Manager ID")
    executor = f.text(manager, "Executor ID", "Block Manager ID.")
    return ("BlockManagerRemoved", executor, time), time, {"executor_id": executor, "time": time}


def _properties(raw) -> dict[str, str]:
    props = raw.get("Properties") or {}
    if not isinstance(props, dict):
        raise EventLogError("field 'Properties' must be an object", field="Properties")
    return {str(k): str(v) for k, v in props.items() if isinstance(v, str)}


def stage_info(info: dict, path: str) -> dict[str, Any]:
    accumulables = []
    for acc in info.get("Accumulables") or []:
        if isinstance(acc, dict) and not acc.get("Internal") and acc.get("Metadata") != "sql":
            accumulables.append(acc)
    return {
        "stage_id": f.integer(info, "Stage ID", path),
        "attempt": f.integer(info, "Stage Attempt ID", path, required=False) or 0,
        "name": f.text(info, "Stage Name", path, required=False) or "",
        "num_tasks": f.integer(info, "Number of Tasks", path),
        "parent_ids": f.int_list(info, "Parent IDs", path),
        "details": f.text(info, "Details", path, required=False) or "",
        "submission_time": f.integer(info, "Submission Time", path, required=False),
        "completion_time": f.integer(info, "Completion Time", path, required=False),
        "failure_reason": f.text(info, "Failure Reason", path, required=False),
        "rdd_ids": [
            rdd.get("RDD ID") for rdd in info.get("RDD Info") or [] if isinstance(rdd, dict)
        ],
        "accumulables": accumulables,
        "resource_profile_id": f.integer(info, "Resource Profile Id", path, required=False) or 0,
        "shuffle_push_enabled": f.boolean(info, "Shuffle Push Enabled", path),
        "shuffle_mergers": f.integer(info, "Shuffle Push Mergers Count", path, required=False) or 0,
    }


def _job_start(raw):
    job_id = f.integer(raw, "Job ID")
    infos = raw.get("Stage Infos", [])
    if not isinstance(infos, list):
        raise EventLogError("field 'Stage Infos' must be a list", field="Stage Infos")
    time = f.integer(raw, "Submission Time", required=False)
    return (
        ("JobStart", job_id),
        time,
        {
            "seed": False,
            "job_id": job_id,
            "time": time,
            "stage_ids": f.int_list(raw, "Stage IDs"),
            "stage_infos": [stage_info(info, f"Stage Infos[{i}].") for i, info in enumerate(infos)],
            "properties": _properties(raw),
        },
    )


def _job_end(raw):
    job_id = f.integer(raw, "Job ID")
    time = f.integer(raw, "Completion Time", required=False)
    result = f.obj(raw, "Job Result")
    outcome = f.text(result, "Result", "Job Result.")
    failure = None
    if outcome != "JobSucceeded":
        exception = result.get("Exception") or {}
        failure = exception.get("Message") if isinstance(exception, dict) else None
        failure = failure or outcome
    return (
        ("JobEnd", job_id),
        time,
        {
            "seed": False,
            "job_id": job_id,
            "time": time,
            "succeeded": outcome == "JobSucceeded",
            "failure": failure,
        },
    )


def _stage_submitted(raw):
    info = stage_info(f.obj(raw, "Stage Info"), "Stage Info.")
    return (
        ("StageSubmitted", info["stage_id"], info["attempt"]),
        info["submission_time"],
        {
            "info": info,
            "properties": _properties(raw),
        },
    )


def _stage_completed(raw):
    info = stage_info(f.obj(raw, "Stage Info"), "Stage Info.")
    time = info["completion_time"] or info["submission_time"]
    return ("StageCompleted", info["stage_id"], info["attempt"]), time, {"info": info}


def _task_info(info: dict) -> dict[str, Any]:
    # Two events per task make this the hot path: read everything, check types in one go,
    # and only walk field by field (for a precise error) when something is wrong.
    get = info.get
    task_id = get("Task ID")
    index = get("Index")
    attempt = get("Attempt")
    partition_id = get("Partition ID")
    launch_time = get("Launch Time")
    executor_id = get("Executor ID")
    host = get("Host")
    locality = get("Locality") or "ANY"
    speculative = get("Speculative", False)
    getting_result_time = get("Getting Result Time") or 0
    finish_time = get("Finish Time") or 0
    failed = get("Failed", False)
    killed = get("Killed", False)
    if (
        type(task_id) is int
        and type(index) is int
        and type(attempt) is int
        and type(launch_time) is int
        and (type(partition_id) is int or partition_id is None)
        and type(getting_result_time) is int
        and type(finish_time) is int
        and type(executor_id) is str
        and type(host) is str
        and type(locality) is str
        and type(speculative) is bool
        and type(failed) is bool
        and type(killed) is bool
    ):
        return {
            "task_id": task_id,
            "index": index,
            "attempt": attempt,
            "partition_id": partition_id,
            "launch_time": launch_time,
            # The same few executor, host and locality names repeat on every task: share them.
            "executor_id": sys.intern(executor_id),
            "host": sys.intern(host),
            "locality": sys.intern(locality),
            "speculative": speculative,
            "getting_result_time": getting_result_time,
            "finish_time": finish_time,
            "failed": failed,
            "killed": killed,
        }
    return _checked_task_info(info)


def _checked_task_info(info: dict) -> dict[str, Any]:
    p = "Task Info."
    return {
        "task_id": f.integer(info, "Task ID", p),
        "index": f.integer(info, "Index", p),
        "attempt": f.integer(info, "Attempt", p),
        "partition_id": f.integer(info, "Partition ID", p, required=False),
        "launch_time": f.integer(info, "Launch Time", p),
        "executor_id": f.text(info, "Executor ID", p),
        "host": f.text(info, "Host", p),
        "locality": f.text(info, "Locality", p, required=False) or "ANY",
        "speculative": f.boolean(info, "Speculative", p),
        "getting_result_time": f.integer(info, "Getting Result Time", p, required=False) or 0,
        "finish_time": f.integer(info, "Finish Time", p, required=False) or 0,
        "failed": f.boolean(info, "Failed", p),
        "killed": f.boolean(info, "Killed", p),
    }


def _task_start(raw):
    info = _task_info(f.obj(raw, "Task Info"))
    return (
        ("TaskStart", info["task_id"]),
        info["launch_time"],
        {
            "stage_id": f.integer(raw, "Stage ID"),
            "stage_attempt": f.integer(raw, "Stage Attempt ID", required=False) or 0,
            **info,
        },
    )


def _metrics(raw: dict) -> tuple[int, ...]:
    metrics = raw.get("Task Metrics")
    if metrics is None:
        return ZERO_METRICS  # Spark reads a TaskEnd without metrics as all zeros
    if not isinstance(metrics, dict):
        raise EventLogError("field 'Task Metrics' must be an object", field="Task Metrics")
    read = metrics.get("Shuffle Read Metrics") or {}
    containers = (
        metrics,
        read,
        read.get("Push Based Shuffle") or {},
        metrics.get("Shuffle Write Metrics") or {},
        metrics.get("Input Metrics") or {},
        metrics.get("Output Metrics") or {},
    )
    try:
        # Spark 4 writes every metric: take each container's in one C call, in metric order.
        values = _METRIC_GROUPS(containers)
    except (KeyError, TypeError):
        values = None
    if values is None or len(values) != len(METRIC_LOOKUP):
        try:
            values = tuple([containers[where].get(name, 0) for where, name in METRIC_LOOKUP])
        except AttributeError:
            raise EventLogError(
                "field 'Task Metrics' holds a value that is not an object", field="Task Metrics"
            ) from None
    if {*map(type, values)} != _INT_ONLY:
        _, path = next(
            item for item, value in zip(TASK_METRICS, values, strict=True) if type(value) is not int
        )
        where = "Task Metrics." + ".".join(path)
        raise EventLogError(f"field '{where}' must be an integer", field=where)
    return values


def _metric_groups():
    """One function returning every metric from the six containers (KeyError if one lacks
    any): an itemgetter per run of metrics in one container, concatenated."""
    runs: list[tuple[int, list[str]]] = []
    for where, name in METRIC_LOOKUP:
        if runs and runs[-1][0] == where:
            runs[-1][1].append(name)
        else:
            runs.append((where, [name]))
    getters = [(where, operator.itemgetter(*names), len(names)) for where, names in runs]

    def take(containers) -> tuple[int, ...]:
        values: list = []
        for where, getter, count in getters:
            found = getter(containers[where])
            if count == 1:
                values.append(found)
            else:
                values += found
        return tuple(values)

    return take


_METRIC_GROUPS = _metric_groups()
_PEAKS = operator.itemgetter(*PEAK_METRIC_NAMES)


def _executor_metrics(raw: dict) -> tuple[int, ...] | None:
    values = raw.get("Task Executor Metrics")
    if values is None:
        return None
    if not isinstance(values, dict):
        raise EventLogError(
            "field 'Task Executor Metrics' must be an object", field="Task Executor Metrics"
        )
    try:
        peaks = _PEAKS(values)
    except KeyError:  # Spark writes them all; anything else may leave some out
        peaks = tuple([values.get(name, 0) for name in PEAK_METRIC_NAMES])
    if {*map(type, peaks)} != _INT_ONLY:
        raise EventLogError(
            "field 'Task Executor Metrics' must hold integers", field="Task Executor Metrics"
        )
    return peaks


def _task_end(raw):
    info = _task_info(f.obj(raw, "Task Info"))
    reason = f.obj(raw, "Task End Reason")
    reason_name = sys.intern(f.text(reason, "Reason", "Task End Reason."))
    return (
        ("TaskEnd", info["task_id"]),
        info["finish_time"] or info["launch_time"],
        {
            "seed": False,
            "stage_id": f.integer(raw, "Stage ID"),
            "stage_attempt": f.integer(raw, "Stage Attempt ID", required=False) or 0,
            "task_type": f.text(raw, "Task Type", required=False),
            "reason": reason_name,
            "error": _error_text(reason_name, reason),
            "kill_reason": reason.get("Kill Reason") if reason_name == "TaskKilled" else None,
            "lost_executor": reason.get("Executor ID")
            if reason_name == "ExecutorLostFailure"
            else None,
            "metrics": _metrics(raw),
            "executor_metrics": _executor_metrics(raw),
            **info,
        },
    )


def _error_text(name: str, reason: dict) -> str | None:
    """The task's error message exactly as Spark renders the end reason (``toErrorString``)."""
    if name == "Success":
        return None
    if name == "TaskKilled":
        return str(reason.get("Kill Reason") or "unknown reason")
    if name == "ExceptionFailure":
        full = reason.get("Full Stack Trace")
        if isinstance(full, str) and full:
            return full
        lines = [f"        {_frame(frame)}" for frame in reason.get("Stack Trace") or []]
        return f"{reason.get('Class Name')}: {reason.get('Description') or ''}\n" + "\n".join(lines)
    if name == "FetchFailed":
        address = reason.get("Block Manager Address")
        where = "null"
        if isinstance(address, dict):
            where = (
                f"BlockManagerId({address.get('Executor ID')}, {address.get('Host')}, "
                f"{address.get('Port')}, None)"
            )
        return (
            f"FetchFailed({where}, shuffleId={reason.get('Shuffle ID')}, "
            f"mapIndex={reason.get('Map Index')}, mapId={reason.get('Map ID')}, "
            f"reduceId={reason.get('Reduce ID')}, message=\n{reason.get('Message')}\n)"
        )
    if name == "ExecutorLostFailure":
        cause = (
            "caused by one of the running tasks"
            if reason.get("Exit Caused By App", True)
            else "unrelated to the running tasks"
        )
        loss = reason.get("Loss Reason")
        suffix = f" Reason: {loss}" if loss else ""
        return f"ExecutorLostFailure (executor {reason.get('Executor ID')} exited {cause}){suffix}"
    if name == "TaskCommitDenied":
        return (
            f"TaskCommitDenied (Driver denied task commit) for job: {reason.get('Job ID')}, "
            f"partition: {reason.get('Partition ID')}, "
            f"attemptNumber: {reason.get('Attempt Number')}"
        )
    return _FIXED_ERRORS.get(name, name)


_FIXED_ERRORS = {
    "Resubmitted": "Resubmitted (resubmitted due to lost executor)",
    "TaskResultLost": "TaskResultLost (result lost from block manager)",
}


def _frame(frame: dict) -> str:
    return (
        f"{frame.get('Declaring Class')}.{frame.get('Method Name')}"
        f"({frame.get('File Name')}:{frame.get('Line Number')})"
    )


_NATIVE = {
    "LogStart": _log_start,
    "ApplicationStart": _app_start,
    "ApplicationEnd": _app_end,
    "EnvironmentUpdate": _environment,
    "ResourceProfileAdded": _resource_profile,
    "ExecutorAdded": _executor_added,
    "ExecutorRemoved": _executor_removed,
    "BlockManagerAdded": _block_manager_added,
    "BlockManagerRemoved": _block_manager_removed,
    "JobStart": _job_start,
    "JobEnd": _job_end,
    "StageSubmitted": _stage_submitted,
    "StageCompleted": _stage_completed,
    "TaskStart": _task_start,
    "TaskEnd": _task_end,
}
