"""``GET .../stages`` in the History Server's shape, with its options.

``details=true`` adds each attempt's tasks and executor summaries (``taskStatus`` filters the
tasks); ``withSummaries=true`` (SHS 4) adds ``taskMetricsDistributions`` (the taskSummary) and
``executorMetricsDistributions`` (quantiles over the attempt's per-executor summaries), at the
``quantiles`` asked, which SHS sorts and defaults to 0, ¼, ½, ¾ and 1.
"""

from __future__ import annotations

from typing import Any

from . import metrics as m
from .model import ApplicationModel, StageAttempt
from .shs import (
    executor_stage_summary,
    stage_order,
    to_shs_stage,
    to_shs_task_summary,
)
from .shs import task_statuses as parse_task_statuses

STAGE_LIST_QUANTILES = (0.0, 0.25, 0.5, 0.75, 1.0)


def quantile_list(text: str) -> tuple[float, ...]:
    """``quantiles=0.05,0.5`` as numbers; ``ValueError`` for anything else."""
    try:
        wanted = tuple(float(part) for part in text.split(","))
    except ValueError:
        raise ValueError("quantiles must be numbers like 0.05,0.5,0.95") from None
    if not all(0 <= q <= 1 for q in wanted):
        raise ValueError("quantiles must lie between 0 and 1")
    return wanted


def stage_list_options(
    *,
    details: str | None = None,
    with_summaries: str | None = None,
    quantiles: str | None = None,
    task_statuses: list[str] | tuple[str, ...] = (),
) -> dict[str, Any]:
    """``to_shs_stages`` arguments from the query's text; booleans are true only for "true"
    (any case), as SHS reads them. Raises ``ValueError`` naming a bad parameter."""
    return {
        "details": (details or "").lower() == "true",
        "with_summaries": (with_summaries or "").lower() == "true",
        "quantiles": quantile_list(quantiles) if quantiles else STAGE_LIST_QUANTILES,
        "task_statuses": parse_task_statuses(task_statuses, "taskStatus"),
    }


def to_shs_stages(
    model: ApplicationModel,
    status: str | None = None,
    *,
    details: bool = False,
    with_summaries: bool = False,
    quantiles: tuple[float, ...] = STAGE_LIST_QUANTILES,
    task_statuses: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """``GET .../stages``: every stage attempt, newest first."""
    stages = sorted(model.stages.values(), key=stage_order, reverse=True)
    if status:
        stages = [stage for stage in stages if stage.status == status.upper()]
    if details and task_statuses:
        stages = [stage for stage in stages if _counts_any(stage, task_statuses)]
    answers = [
        to_shs_stage(model, stage, details=details, task_statuses=task_statuses) for stage in stages
    ]
    if with_summaries:
        ordered = tuple(sorted(quantiles))
        answers = [
            _with_summaries(model, stage, answer, ordered)
            for stage, answer in zip(stages, answers, strict=True)
        ]
    return answers


def _counts_any(stage: StageAttempt, statuses: tuple[str, ...]) -> bool:
    """SHS lists a stage with details for chosen task statuses only when its counters show a
    task in one of them (UNKNOWN: tasks neither active, complete, failed nor killed)."""
    counted = {
        "RUNNING": stage.active_tasks,
        "SUCCESS": stage.completed_tasks,
        "FAILED": stage.failed_tasks,
        "KILLED": stage.killed_tasks,
    }
    counted["UNKNOWN"] = stage.num_tasks - sum(counted.values())
    return any(counted[status] > 0 for status in statuses)


def _with_summaries(
    model: ApplicationModel, stage: StageAttempt, answer: dict, quantiles: tuple[float, ...]
) -> dict[str, Any]:
    summaries = {
        "taskMetricsDistributions": to_shs_task_summary(
            model, stage.stage_id, stage.attempt, quantiles
        ),
        "executorMetricsDistributions": executor_metrics_distributions(stage, quantiles),
    }
    # Where SHS writes them: after peakExecutorMetrics, before isShufflePushEnabled.
    placed: dict[str, Any] = {}
    for key, value in answer.items():
        if key == "isShufflePushEnabled":
            placed.update((k, v) for k, v in summaries.items() if v is not None)
        placed[key] = value
    return placed


_EXECUTOR_SUMMARY_FIELDS = (
    "taskTime",
    "failedTasks",
    "succeededTasks",
    "killedTasks",
    "inputBytes",
    "inputRecords",
    "outputBytes",
    "outputRecords",
    "shuffleRead",
    "shuffleReadRecords",
    "shuffleWrite",
    "shuffleWriteRecords",
    "memoryBytesSpilled",
    "diskBytesSpilled",
)


def executor_metrics_distributions(
    stage: StageAttempt, quantiles: tuple[float, ...]
) -> dict[str, Any] | None:
    """Quantiles over the stage attempt's executor summaries (``None`` when it has none).

    As in SHS, quantile ``q`` of ``n`` sorted values is the one at ``min(int(q * n), n - 1)``;
    peak memory metrics count only the executors that reported them.
    """
    summaries = [executor_stage_summary(s) for s in stage.executor_summaries.values()]
    if not summaries:
        return None

    def dist(values: list[int]) -> list[float]:
        ordered = sorted(values)
        count = len(ordered)
        return [float(ordered[min(int(q * count), count - 1)]) for q in quantiles]

    answer: dict[str, Any] = {"quantiles": list(quantiles)}
    for name in _EXECUTOR_SUMMARY_FIELDS:
        answer[name] = dist([summary[name] for summary in summaries])
    peaks = [s["peakMemoryMetrics"] for s in summaries if "peakMemoryMetrics" in s]
    answer["peakMemoryMetrics"] = (
        {name: dist([peak[name] for peak in peaks]) for name in m.PEAK_METRIC_NAMES}
        if peaks
        else {}
    )
    return answer
