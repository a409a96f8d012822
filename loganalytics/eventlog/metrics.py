"""Task metrics: where each lives in Spark's JSON and what the REST API calls it.

A task's metrics travel as one tuple in this order, which keeps a million tasks small in memory.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

# (REST API name, path in the event's "Task Metrics" object)
TASK_METRICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("executorDeserializeTime", ("Executor Deserialize Time",)),
    ("executorDeserializeCpuTime", ("Executor Deserialize CPU Time",)),
    ("executorRunTime", ("Executor Run Time",)),
    ("executorCpuTime", ("Executor CPU Time",)),
    ("resultSize", ("Result Size",)),
    ("jvmGcTime", ("JVM GC Time",)),
    ("resultSerializationTime", ("Result Serialization Time",)),
    ("memoryBytesSpilled", ("Memory Bytes Spilled",)),
    ("diskBytesSpilled", ("Disk Bytes Spilled",)),
    ("peakExecutionMemory", ("Peak Execution Memory",)),
    ("inputBytes", ("Input Metrics", "Bytes Read")),
    ("inputRecords", ("Input Metrics", "Records Read")),
    ("outputBytes", ("Output Metrics", "Bytes Written")),
    ("outputRecords", ("Output Metrics", "Records Written")),
    ("shuffleRemoteBlocksFetched", ("Shuffle Read Metrics", "Remote Blocks Fetched")),
    ("shuffleLocalBlocksFetched", ("Shuffle Read Metrics", "Local Blocks Fetched")),
    ("shuffleFetchWaitTime", ("Shuffle Read Metrics", "Fetch Wait Time")),
    ("shuffleRemoteBytesRead", ("Shuffle Read Metrics", "Remote Bytes Read")),
    ("shuffleRemoteBytesReadToDisk", ("Shuffle Read Metrics", "Remote Bytes Read To Disk")),
    ("shuffleLocalBytesRead", ("Shuffle Read Metrics", "Local Bytes Read")),
    ("shuffleReadRecords", ("Shuffle Read Metrics", "Total Records Read")),
    ("shuffleRemoteReqsDuration", ("Shuffle Read Metrics", "Remote Requests Duration")),
    ("shuffleWriteBytes", ("Shuffle Write Metrics", "Shuffle Bytes Written")),
    ("shuffleWriteTime", ("Shuffle Write Metrics", "Shuffle Write Time")),
    ("shuffleWriteRecords", ("Shuffle Write Metrics", "Shuffle Records Written")),
    (
        "shuffleCorruptMergedBlockChunks",
        ("Shuffle Read Metrics", "Push Based Shuffle", "Corrupt Merged Block Chunks"),
    ),
    (
        "shuffleMergedFetchFallbackCount",
        ("Shuffle Read Metrics", "Push Based Shuffle", "Merged Fetch Fallback Count"),
    ),
    (
        "shuffleMergedRemoteBlocksFetched",
        ("Shuffle Read Metrics", "Push Based Shuffle", "Merged Remote Blocks Fetched"),
    ),
    (
        "shuffleMergedLocalBlocksFetched",
        ("Shuffle Read Metrics", "Push Based Shuffle", "Merged Local Blocks Fetched"),
    ),
    (
        "shuffleMergedRemoteChunksFetched",
        ("Shuffle Read Metrics", "Push Based Shuffle", "Merged Remote Chunks Fetched"),
    ),
    (
        "shuffleMergedLocalChunksFetched",
        ("Shuffle Read Metrics", "Push Based Shuffle", "Merged Local Chunks Fetched"),
    ),
    (
        "shuffleMergedRemoteBytesRead",
        ("Shuffle Read Metrics", "Push Based Shuffle", "Merged Remote Bytes Read"),
    ),
    (
        "shuffleMergedLocalBytesRead",
        ("Shuffle Read Metrics", "Push Based Shuffle", "Merged Local Bytes Read"),
    ),
    (
        "shuffleMergedRemoteReqsDuration",
        ("Shuffle Read Metrics", "Push Based Shuffle", "Merged Remote Requests Duration"),
    ),
)

METRIC_NAMES: tuple[str, ...] = tuple(name for name, _ in TASK_METRICS)
METRIC_INDEX: dict[str, int] = {name: i for i, name in enumerate(METRIC_NAMES)}
ZERO_METRICS: tuple[int, ...] = (0,) * len(TASK_METRICS)


def metric(values: Sequence[int], name: str) -> int:
    return values[METRIC_INDEX[name]]


def shuffle_read_bytes(values: Sequence[int]) -> int:
    return metric(values, "shuffleRemoteBytesRead") + metric(values, "shuffleLocalBytesRead")


def add(left: Sequence[int], right: Sequence[int]) -> tuple[int, ...]:
    return tuple(map(operator.add, left, right))


# Executor memory and GC peaks, in the order Spark's ExecutorMetricType lists them.
PEAK_METRIC_NAMES: tuple[str, ...] = (
    "JVMHeapMemory",
    "JVMOffHeapMemory",
    "OnHeapExecutionMemory",
    "OffHeapExecutionMemory",
    "OnHeapStorageMemory",
    "OffHeapStorageMemory",
    "OnHeapUnifiedMemory",
    "OffHeapUnifiedMemory",
    "DirectPoolMemory",
    "MappedPoolMemory",
    "ProcessTreeJVMVMemory",
    "ProcessTreeJVMRSSMemory",
    "ProcessTreePythonVMemory",
    "ProcessTreePythonRSSMemory",
    "ProcessTreeOtherVMemory",
    "ProcessTreeOtherRSSMemory",
    "MinorGCCount",
    "MinorGCTime",
    "MajorGCCount",
    "MajorGCTime",
    "TotalGCTime",
    "ConcurrentGCCount",
    "ConcurrentGCTime",
)


def unset_peaks() -> list[int]:
    """Spark starts every peak at 0 except the JVM heap, whose -1 means "never reported"."""
    return [-1] + [0] * (len(PEAK_METRIC_NAMES) - 1)


def raise_peaks(peaks: list[int], values: Sequence[int] | None) -> None:
    if values is None or (peaks[0] >= 0 and not any(values)):
        return  # nothing reported, or only zeros on peaks already set: nothing can rise
    peaks[:] = map(max, peaks, values)


# Task metrics grouped by the object that holds them, for a fast single pass over an event.
_CONTAINERS = (
    (),
    ("Shuffle Read Metrics",),
    ("Shuffle Read Metrics", "Push Based Shuffle"),
    ("Shuffle Write Metrics",),
    ("Input Metrics",),
    ("Output Metrics",),
)
METRIC_LOOKUP: tuple[tuple[int, str], ...] = tuple(
    (_CONTAINERS.index(path[:-1]), path[-1]) for _, path in TASK_METRICS
)
