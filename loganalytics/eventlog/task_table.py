"""A stage attempt's task attempts, kept column by column.

A big log holds hundreds of thousands of tasks; as objects each costs the better part of a
kilobyte, as machine arrays about 200 bytes. Readers see the same :class:`Task` objects as
before, made on demand: ``table.values()`` and ``table[task_id]``, like the dict it replaces.
Only the aggregator writes, through :meth:`TaskTable.start` and :meth:`TaskTable.end`.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .metrics import METRIC_NAMES


@dataclass(slots=True)
class Task:
    task_id: int | str
    stage_id: int | None
    stage_attempt: int | None
    index: int
    attempt: int
    partition_id: int | None
    launch_time: int
    executor_id: str
    host: str
    locality: str
    speculative: bool
    finish_time: int = 0
    getting_result_time: int = 0
    failed: bool = False
    killed: bool = False
    reason: str | None = None  # the TaskEnd reason name; None while running
    error: str | None = None
    metrics: Sequence[int] | None = None  # in metrics.METRIC_NAMES order
    duration_override: int | None = None  # seed tasks report their duration directly

    @property
    def finished(self) -> bool:
        return self.finish_time != 0 or self.reason is not None

    @property
    def successful(self) -> bool:
        return self.finished and not self.failed and not self.killed

    @property
    def status(self) -> str:
        if not self.finished:
            return "GET RESULT" if self.getting_result_time else "RUNNING"
        if self.failed:
            return "FAILED"
        if self.killed:
            return "KILLED"
        return "SUCCESS"

    def duration(self, now: int | None = None) -> int:
        if self.duration_override is not None:
            return self.duration_override
        if self.finished:
            return max(self.finish_time - self.launch_time, 0) if self.finish_time else 0
        return max((now or self.launch_time) - self.launch_time, 0)


_WIDTH = len(METRIC_NAMES)
_REMOTE_READ = METRIC_NAMES.index("shuffleRemoteBytesRead")
_LOCAL_READ = METRIC_NAMES.index("shuffleLocalBytesRead")
_INT_COLUMNS = (
    "task_id",
    "index",
    "attempt",
    "partition_id",
    "launch_time",
    "finish_time",
    "getting_result_time",
)
_SPECULATIVE, _FAILED, _KILLED, _NO_PARTITION = 1, 2, 4, 8


class TaskTable:
    """Task attempts of one stage attempt, in the order they started."""

    __slots__ = (
        "_errors",
        "_flags",
        "_ints",
        "_metrics",
        "_rows",
        "_slots",
        "_string_codes",
        "_strings",
        "_texts",
        "stage_attempt",
        "stage_id",
    )

    def __init__(self, stage_id: int, stage_attempt: int) -> None:
        self.stage_id = stage_id
        self.stage_attempt = stage_attempt
        # task_id ... getting_result_time as int64; a value Spark cannot write (beyond a long)
        # turns its column into a list.
        self._ints: list = [array("q") for _ in _INT_COLUMNS]
        # executor id, host, locality, end reason: codes into _strings (a handful per stage)
        self._texts: list[array] = [array("i") for _ in range(4)]
        self._strings: list[str | None] = [None]
        self._string_codes: dict[str | None, int] = {None: 0}
        self._flags = bytearray()
        self._errors: dict[int, str] = {}
        # _WIDTH metrics per task that reported them, in the order they ended (a row's slot, or
        # -1), int32 until a value needs more
        self._metrics: array | list = array("i")
        self._slots = array("i")
        self._rows: dict | None = None  # task id -> row, built when first looked up

    # ------------------------------------------------------------------ writing

    def _code(self, text: str | None) -> int:
        code = self._string_codes.get(text)
        if code is None:
            code = self._string_codes[text] = len(self._strings)
            self._strings.append(text)
        return code

    def start(self, f: dict) -> int:
        """Add a started task from its ``TaskStart`` fields; returns its row."""
        row = len(self._flags)
        partition = f["partition_id"]
        values = (
            f["task_id"],
            f["index"],
            f["attempt"],
            0 if partition is None else partition,
            f["launch_time"],
            0,
            0,
        )
        ints = self._ints
        try:
            ints[0].append(values[0])
            ints[1].append(values[1])
            ints[2].append(values[2])
            ints[3].append(values[3])
            ints[4].append(values[4])
            ints[5].append(0)
            ints[6].append(0)
        except OverflowError:
            self._ints = ints = [list(column[:row]) for column in ints]
            for column, value in zip(ints, values, strict=True):
                column.append(value)
        code = self._code
        texts = self._texts
        texts[0].append(code(f["executor_id"]))
        texts[1].append(code(f["host"]))
        texts[2].append(code(f["locality"]))
        texts[3].append(0)
        self._slots.append(-1)
        self._flags.append(
            (_SPECULATIVE if f["speculative"] else 0) | (_NO_PARTITION if partition is None else 0)
        )
        self._rows = None
        return row

    def end(self, row: int, f: dict, metrics: Sequence[int] | None) -> None:
        """Record a task's ``TaskEnd`` fields (and its metrics, when it reported them)."""
        ints = self._ints
        try:
            ints[5][row] = f["finish_time"]
            ints[6][row] = f["getting_result_time"]
        except OverflowError:
            self._ints = ints = [list(column) for column in ints]
            ints[5][row] = f["finish_time"]
            ints[6][row] = f["getting_result_time"]
        code = self._code
        texts = self._texts
        texts[0][row] = code(f["executor_id"])
        texts[1][row] = code(f["host"])
        texts[3][row] = code(f["reason"])
        flags = self._flags[row] & (_SPECULATIVE | _NO_PARTITION)
        if f["failed"]:
            flags |= _FAILED
        if f["killed"]:
            flags |= _KILLED
        self._flags[row] = flags
        if metrics is not None:
            self._slots[row] = self._add_metrics(metrics)
        error = f["error"]
        if error is not None:
            self._errors[row] = error
        else:
            self._errors.pop(row, None)

    def _add_metrics(self, metrics: Sequence[int]) -> int:
        """Append one task's metrics; returns their slot."""
        store = self._metrics
        slot = len(store) // _WIDTH
        try:
            store.extend(metrics)
        except OverflowError:
            del store[slot * _WIDTH :]
            self._metrics = array("q", store) if store.typecode == "i" else list(store)
            self._metrics.extend(metrics)
        return slot

    # ------------------------------------------------------------------ reading

    def __len__(self) -> int:
        return len(self._flags)

    def __bool__(self) -> bool:
        return bool(self._flags)

    def task(self, row: int) -> Task:
        ints = self._ints
        texts = self._texts
        strings = self._strings
        flags = self._flags[row]
        slot = self._slots[row]
        metrics = None if slot < 0 else self._metrics[slot * _WIDTH : (slot + 1) * _WIDTH]
        reason = strings[texts[3][row]]
        return Task(
            task_id=ints[0][row],
            stage_id=self.stage_id,
            stage_attempt=self.stage_attempt,
            index=ints[1][row],
            attempt=ints[2][row],
            partition_id=None if flags & _NO_PARTITION else ints[3][row],
            launch_time=ints[4][row],
            executor_id=strings[texts[0][row]],
            host=strings[texts[1][row]],
            locality=strings[texts[2][row]],
            speculative=bool(flags & _SPECULATIVE),
            finish_time=ints[5][row],
            getting_result_time=ints[6][row],
            failed=bool(flags & _FAILED),
            killed=bool(flags & _KILLED),
            reason=reason,
            error=self._errors.get(row),
            metrics=metrics,
        )

    # Column scans for questions asked of every task, without making a Task of each.

    def _finished_rows(self) -> Iterator[int]:
        finish_times = self._ints[5]
        reasons = self._texts[3]
        return (row for row in range(len(self._flags)) if finish_times[row] or reasons[row])

    def counts(self) -> tuple[int, int]:
        """How many task attempts finished, and how many of those failed."""
        flags = self._flags
        finished = failed = 0
        for row in self._finished_rows():
            finished += 1
            if flags[row] & _FAILED:
                failed += 1
        return finished, failed

    def busy_ms(self) -> int:
        """The summed durations of the finished task attempts."""
        launch_times, finish_times = self._ints[4], self._ints[5]
        return sum(
            max(finish_times[row] - launch_times[row], 0) if finish_times[row] else 0
            for row in self._finished_rows()
        )

    def successful_measured(self) -> tuple[list, list[int], list[int]]:
        """``(task ids, durations, shuffle read bytes)`` of the successful task attempts that
        reported metrics, in start order."""
        ints, flags, slots, metrics = self._ints, self._flags, self._slots, self._metrics
        task_ids, launch_times, finish_times = ints[0], ints[4], ints[5]
        reasons = self._texts[3]
        found: tuple[list, list[int], list[int]] = ([], [], [])
        for row in range(len(flags)):
            slot = slots[row]
            if slot < 0 or flags[row] & (_FAILED | _KILLED):
                continue
            finish = finish_times[row]
            if not finish and not reasons[row]:
                continue  # still running
            found[0].append(task_ids[row])
            found[1].append(max(finish - launch_times[row], 0) if finish else 0)
            start = slot * _WIDTH
            found[2].append(metrics[start + _REMOTE_READ] + metrics[start + _LOCAL_READ])
        return found

    def failed(self) -> list[Task]:
        return [self.task(row) for row, flags in enumerate(self._flags) if flags & _FAILED]

    def with_reason(self, reason: str) -> list[Task]:
        code = self._string_codes.get(reason)
        if not code:
            return []
        return [self.task(row) for row, found in enumerate(self._texts[3]) if found == code]

    def values(self) -> _Values:
        """Every task attempt, as :class:`Task` objects made while iterating."""
        return _Values(self)

    def _row_of(self, task_id) -> int | None:
        if self._rows is None:
            self._rows = {task: row for row, task in enumerate(self._ints[0])}
        return self._rows.get(task_id)

    def __getitem__(self, task_id) -> Task:
        row = self._row_of(task_id)
        if row is None:
            raise KeyError(task_id)
        return self.task(row)

    def __contains__(self, task_id) -> bool:
        return self._row_of(task_id) is not None

    def __getstate__(self):
        return {name: getattr(self, name) for name in self.__slots__ if name != "_rows"}

    def __setstate__(self, state) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self._rows = None


class _Values:
    """``TaskTable.values()``: iterable more than once, sized, like a dict's values view."""

    __slots__ = ("_table",)

    def __init__(self, table: TaskTable) -> None:
        self._table = table

    def __len__(self) -> int:
        return len(self._table)

    def __iter__(self) -> Iterator[Task]:
        task = self._table.task
        return (task(row) for row in range(len(self._table)))
