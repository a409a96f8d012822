"""The six mlbench tasks behind one entry point, :func:`run_task`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlbench.engine import TASK_NAMES
from mlbench.engine.errors import MLBenchInputError
from mlbench.engine.loaders import LoadedData
from mlbench.engine.tasks.classification import logistic_regression
from mlbench.engine.tasks.clustering import kmeans
from mlbench.engine.tasks.descriptive import descriptive_stats
from mlbench.engine.tasks.frequent import fpgrowth
from mlbench.engine.tasks.options import TaskOptions
from mlbench.engine.tasks.outcome import TaskOutcome
from mlbench.engine.tasks.regression import linear_regression
from mlbench.engine.tasks.timeseries import time_series

TASKS = {
    "descriptive_stats": descriptive_stats,
    "linear_regression": linear_regression,
    "logistic_regression": logistic_regression,
    "kmeans": kmeans,
    "fpgrowth": fpgrowth,
    "time_series": time_series,
}
assert tuple(TASKS) == TASK_NAMES


def run_task(task: str, data: LoadedData, options: Mapping[str, Any] | None = None) -> TaskOutcome:
    """Run one task on loaded data; raises MLBenchInputError for data or options to fix."""
    if task not in TASKS:
        raise MLBenchInputError(
            f"Unknown task {task!r}; choose from {', '.join(TASK_NAMES)}.", field="tasks"
        )
    return TASKS[task](data, TaskOptions(task, options))
