"""Tasks kept column by column read back as the Task objects the aggregator was given."""

from __future__ import annotations

import pickle

from loganalytics.eventlog.metrics import METRIC_NAMES
from loganalytics.eventlog.task_table import TaskTable


def _start(task_id: int, **changes) -> dict:
    fields = {
        "task_id": task_id,
        "index": task_id % 7,
        "attempt": 0,
        "partition_id": task_id % 7,
        "launch_time": 1_700_000_000_000 + task_id,
        "executor_id": "1",
        "host": "node-a",
        "locality": "PROCESS_LOCAL",
        "speculative": False,
    }
    return fields | changes


def _end(task_id: int, **changes) -> dict:
    fields = {
        "finish_time": 1_700_000_000_500 + task_id,
        "getting_result_time": 0,
        "executor_id": "2",
        "host": "node-b",
        "reason": "Success",
        "failed": False,
        "killed": False,
        "error": None,
    }
    return fields | changes


def test_a_finished_task_reads_back_with_its_end_fields_and_metrics():
    table = TaskTable(3, 1)
    metrics = tuple(range(len(METRIC_NAMES)))
    row = table.start(_start(10, speculative=True))

    table.end(row, _end(10), metrics)

    task = table[10]
    assert (task.stage_id, task.stage_attempt, task.task_id, task.index) == (3, 1, 10, 3)
    assert (task.executor_id, task.host, task.locality) == ("2", "node-b", "PROCESS_LOCAL")
    assert task.speculative and task.successful and task.status == "SUCCESS"
    assert task.duration() == 500
    assert tuple(task.metrics) == metrics


def test_a_running_task_has_no_metrics_and_no_reason():
    table = TaskTable(0, 0)

    table.start(_start(1, partition_id=None))

    (task,) = table.values()
    assert task.metrics is None and task.reason is None and task.partition_id is None
    assert task.status == "RUNNING"


def test_values_beyond_int32_and_int64_are_kept_exactly():
    table = TaskTable(0, 0)
    huge = 2**70
    big_metrics = (2**40,) + (0,) * (len(METRIC_NAMES) - 1)
    first = table.start(_start(1))
    table.end(first, _end(1), (5,) * len(METRIC_NAMES))
    second = table.start(_start(huge))
    table.end(second, _end(2, error="boom", failed=True, reason="ExceptionFailure"), big_metrics)

    tasks = {task.task_id: task for task in table.values()}

    assert tuple(tasks[1].metrics) == (5,) * len(METRIC_NAMES)
    assert tuple(tasks[huge].metrics) == big_metrics
    assert tasks[huge].error == "boom" and tasks[huge].status == "FAILED"


def test_a_table_survives_pickling_as_the_model_cache_does():
    table = TaskTable(0, 0)
    table.end(table.start(_start(4)), _end(4), (1,) * len(METRIC_NAMES))

    copy = pickle.loads(pickle.dumps(table))

    assert list(copy.values()) == list(table.values())
    assert 4 in copy and len(copy) == 1


def test_column_scans_answer_as_the_tasks_themselves_do():
    table = TaskTable(0, 0)
    metrics = (0,) * len(METRIC_NAMES)
    table.end(table.start(_start(1)), _end(1), metrics)
    table.end(
        table.start(_start(2)), _end(2, failed=True, reason="FetchFailed", error="lost"), metrics
    )
    table.end(table.start(_start(3)), _end(3, finish_time=0, reason="TaskKilled"), None)
    table.start(_start(4))
    tasks = list(table.values())

    finished = [task for task in tasks if task.finished]
    assert table.counts() == (len(finished), sum(1 for task in finished if task.failed)) == (3, 1)
    assert table.busy_ms() == sum(task.duration() for task in finished)
    assert table.failed() == [task for task in tasks if task.failed]
    assert table.with_reason("FetchFailed") == [tasks[1]]
    assert table.with_reason("node-a") == [] and table.with_reason("ExecutorLostFailure") == []


def test_successful_measured_tasks_are_read_from_the_columns():
    table = TaskTable(0, 0)
    reads = {
        METRIC_NAMES.index("shuffleRemoteBytesRead"): 7,
        METRIC_NAMES.index("shuffleLocalBytesRead"): 5,
    }
    metrics = tuple(reads.get(i, 1) for i in range(len(METRIC_NAMES)))
    table.end(table.start(_start(1)), _end(1), metrics)
    table.end(table.start(_start(2)), _end(2, failed=True, reason="ExceptionFailure"), metrics)
    table.end(table.start(_start(3)), _end(3), None)
    table.start(_start(4))
    table.end(table.start(_start(5)), _end(5, finish_time=0), metrics)

    task_ids, durations, shuffle_reads = table.successful_measured()

    measured = [t for t in table.values() if t.successful and t.metrics is not None]
    assert task_ids == [t.task_id for t in measured] == [1, 5]
    assert durations == [t.duration() for t in measured] == [500, 0]
    assert shuffle_reads == [12, 12]
