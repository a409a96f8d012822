"""The application model: what one Spark application did, built from its canonical events.

The entities mirror what the Spark History Server keeps (jobs, stage attempts, tasks,
executors), with the same counting rules, so that :mod:`.shs` can answer with its numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .identities import PartitionSet
from .metrics import ZERO_METRICS, unset_peaks
from .task_table import Task, TaskTable

DRIVER_ID = "driver"


@dataclass(slots=True)
class Application:
    app_id: str
    name: str = ""
    attempt_id: str | None = None
    user: str = ""
    start_time: int | None = None
    end_time: int | None = None
    last_updated: int | None = None
    spark_version: str = ""
    exit_code: int | None = None
    spark_properties: dict[str, str] = field(default_factory=dict)
    cpus_per_task: int = 1
    # The EnvironmentUpdate as logged: {"jvm": {name: value}, "sections": {section: pairs}}.
    environment: dict[str, Any] | None = None
    # ResourceProfileAdded by id: {"executor": requests, "task": requests} as logged.
    resource_profiles: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def completed(self) -> bool:
        return self.end_time is not None

    @property
    def duration(self) -> int:
        if self.start_time is None or self.end_time is None:
            return 0
        return self.end_time - self.start_time


@dataclass(slots=True)
class ExecutorStageSummary:
    task_time: int = 0
    succeeded: int = 0
    failed: int = 0
    killed: int = 0
    metrics: tuple[int, ...] = ZERO_METRICS
    peak: list[int] = field(default_factory=unset_peaks)


@dataclass(slots=True)
class StageAttempt:
    stage_id: int
    attempt: int
    info: dict[str, Any]
    status: str = "PENDING"
    description: str | None = None
    pool: str = "default"
    job_ids: set[int] = field(default_factory=set)
    jobs: list[Job] = field(default_factory=list)
    active_tasks: int = 0
    completed_tasks: int = 0
    failed_tasks: int = 0
    killed_tasks: int = 0
    completed_indices: PartitionSet = field(default_factory=PartitionSet)
    killed_summary: dict[str, int] = field(default_factory=dict)
    first_launch_time: int | None = None
    metrics: tuple[int, ...] = ZERO_METRICS
    executor_summaries: dict[str, ExecutorStageSummary] = field(default_factory=dict)
    active_per_executor: dict[str, int] = field(default_factory=dict)
    tasks: TaskTable = field(init=False)
    peak: list[int] = field(default_factory=unset_peaks)

    def __post_init__(self) -> None:
        self.tasks = TaskTable(self.stage_id, self.attempt)

    @property
    def name(self) -> str:
        return self.info["name"]

    @property
    def num_tasks(self) -> int:
        return self.info["num_tasks"]


@dataclass(slots=True)
class Job:
    job_id: int | str
    name: str
    description: str | None
    submission_time: int | None
    stage_ids: list[int]
    job_group: str | None
    job_tags: list[str]
    num_tasks: int
    sql_execution_id: int | None = None
    user: str | None = None
    seed: bool = False
    status: str = "RUNNING"
    completion_time: int | None = None
    failure: str | None = None
    active_tasks: int = 0
    completed_tasks: int = 0
    failed_tasks: int = 0
    killed_tasks: int = 0
    completed_indices: PartitionSet = field(default_factory=PartitionSet)  # (stage, partition)
    killed_summary: dict[str, int] = field(default_factory=dict)
    skipped_tasks: int = 0
    skipped_stages: set[int] = field(default_factory=set)
    completed_stages: set[int] = field(default_factory=set)
    active_stages: int = 0
    failed_stages: int = 0
    seed_tasks: dict[str, Task] = field(default_factory=dict)
    # What the History Server shows is the job as it was when last written, not as it is now.
    snapshot: dict[str, Any] | None = None


@dataclass(slots=True)
class Executor:
    executor_id: str
    add_time: int
    host_port: str | None = None
    host: str | None = None
    is_active: bool = True
    total_cores: int = 0
    max_tasks: int = 0
    remove_time: int | None = None
    remove_reason: str | None = None
    max_memory: int = 0
    total_on_heap: int = -1
    total_off_heap: int = 0
    active_tasks: int = 0
    completed_tasks: int = 0
    failed_tasks: int = 0
    total_tasks: int = 0
    total_duration: int = 0
    total_gc_time: int = 0
    total_input_bytes: int = 0
    total_shuffle_read: int = 0
    total_shuffle_write: int = 0
    logs: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    resources: dict[str, Any] = field(default_factory=dict)
    resource_profile_id: int = 0
    peak: list[int] = field(default_factory=unset_peaks)


@dataclass(slots=True)
class ApplicationModel:
    """Everything aggregated for one application; read it through :mod:`.shs` and friends."""

    app: Application
    jobs: dict[Any, Job] = field(default_factory=dict)
    stages: dict[tuple[int, int], StageAttempt] = field(default_factory=dict)
    executors: dict[str, Executor] = field(default_factory=dict)
    event_count: int = 0
    duplicate_count: int = 0
    late_count: int = 0

    def task_counts(self) -> tuple[int, int]:
        """How many task attempts finished, and how many of those failed (seed tasks too)."""
        finished = failed = 0
        for stage in self.stages.values():
            done, bad = stage.tasks.counts()
            finished, failed = finished + done, failed + bad
        for job in self.jobs.values():
            done = [task for task in job.seed_tasks.values() if task.finished]
            finished += len(done)
            failed += sum(1 for task in done if task.failed)
        return finished, failed

    def busy_ms(self) -> int:
        """Task time: the summed durations of every finished task attempt."""
        seeds = (task for job in self.jobs.values() for task in job.seed_tasks.values())
        return sum(stage.tasks.busy_ms() for stage in self.stages.values()) + sum(
            task.duration() for task in seeds if task.finished
        )

    def tasks_with_reason(self, reason: str) -> list[Task]:
        """The task attempts that ended for ``reason`` (``FetchFailed``, ...)."""
        found = [task for stage in self.stages.values() for task in stage.tasks.with_reason(reason)]
        seeds = (task for job in self.jobs.values() for task in job.seed_tasks.values())
        return found + [task for task in seeds if task.reason == reason]

    def job_tasks(self, job: Job) -> list[Task]:
        """The task attempts that ran for ``job``: its stages' attempts, or its seed tasks."""
        if job.seed:
            return list(job.seed_tasks.values())
        return [
            task
            for stage in self.stages.values()
            if job.job_id in stage.job_ids
            for task in stage.tasks.values()
        ]

    @property
    def now(self) -> int | None:
        """The reference time for things still running: the log's last update."""
        return self.app.last_updated or self.app.end_time
