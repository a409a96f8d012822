"""The compact sets behave as the plain sets they replace."""

from __future__ import annotations

from loganalytics.eventlog import normalise
from loganalytics.eventlog.identities import IdentitySet, PartitionSet


def task_start(task_id) -> dict:
    return {
        "Event": "SparkListenerTaskStart",
        "Stage ID": 0,
        "Task Info": {
            "Task ID": task_id,
            "Index": 0,
            "Attempt": 0,
            "Launch Time": 1,
            "Executor ID": "1",
            "Host": "h",
        },
    }


def test_an_identity_set_sees_each_event_once_whatever_its_task_id():
    seen = IdentitySet()
    events = [normalise(task_start(task_id)) for task_id in (0, 7, 2**40, -3)]
    events.append(normalise({"Event": "SparkListenerLogStart", "Spark Version": "4.1.0"}))

    first = [seen.add(event) for event in events]
    again = [seen.add(event) for event in events]

    assert first == [True] * 5 and again == [False] * 5
    assert all(event in seen for event in events)
    assert normalise(task_start(8)) not in seen


def test_identities_known_only_by_their_text_match_the_events_they_name():
    seen = IdentitySet()
    event = normalise(task_start(12))
    seen.add(event)

    assert not seen.add_identity("TaskStart", "TaskStart:12")
    assert seen.add_identity("TaskStart", "TaskStart:13")
    assert seen.add_identity("TaskEnd", "TaskEnd:seed:job-1:12")
    assert not seen.add_identity("TaskEnd", "TaskEnd:seed:job-1:12")


def test_a_partition_set_counts_distinct_stage_and_partition_pairs():
    partitions = PartitionSet()
    pairs = [(0, 1), (0, 1), (1, 0), (0, 3), (2**30, 0), (2**30, 0), (-1, 5), (3, 5)]

    for partition, stage in pairs:
        partitions.add(partition, stage)

    assert len(partitions) == len(set(pairs))
