"""Spark event logs without Django or Spark: read, normalise, aggregate, answer like SHS.

The public API::

    read_events(path)            -> Iterator[Event]   every layout Spark writes, streamed
    normalise(raw, app_id=None)  -> Event             native listener JSON or seed events
    normalise_batch(body)        -> Batch             one event, a JSON array or NDJSON
    aggregate(events)            -> ApplicationModel  order-free, duplicates count once
    load_application(path)       -> ApplicationModel  read_events + aggregate
    extract_event_log_zip(z, d)  -> Path              safe unpacking of an uploaded .zip
    to_shs_*(model, ...)         -> dict | list        History Server REST shapes
    job_result(model, job)       -> dict               the seed's per-job result
    daily_summary(models, date)  -> dict               the seed's daily summary
    find_issues(model)           -> list[Finding]      diagnosis with evidence
    scaling(model, counts)       -> list[Estimate]    time with more or fewer executors
    critical_path_ms(model)      -> int               the floor no hardware goes under
    compare_runs(base, new)      -> dict              what got slower, where

Every bad input raises :class:`EventLogError`, which names the file, line and field.
"""

from __future__ import annotations

from pathlib import Path

from .aggregate import aggregate
from .archive import extract_event_log_zip
from .batch import Batch, normalise_batch
from .compare import compare_runs
from .errors import EventLogError
from .findings import Finding, find_issues
from .model import ApplicationModel
from .normalise import DEFAULT_APP_ID, Event, normalise
from .readers import is_in_progress, last_modified_millis, log_files, read_events
from .seed import daily_summary, job_result
from .shs import (
    DEFAULT_QUANTILES,
    has_attempt,
    shs_date,
    task_list_options,
    task_statuses,
    to_shs_application,
    to_shs_application_attempt,
    to_shs_applications,
    to_shs_executors,
    to_shs_job,
    to_shs_jobs,
    to_shs_stage_attempt,
    to_shs_stage_attempts,
    to_shs_task_list,
    to_shs_task_summary,
)
from .shs_environment import to_shs_environment
from .shs_stage_list import quantile_list, stage_list_options, to_shs_stages
from .simulate import Estimate, critical_path_ms, driver_time_ms, estimate_ms, scaling


def load_application(path: str | Path) -> ApplicationModel:
    """Read one event log (file or rolling directory) into its application model."""
    return aggregate(read_events(path), last_updated=last_modified_millis(path))


__all__ = [
    "DEFAULT_APP_ID",
    "DEFAULT_QUANTILES",
    "ApplicationModel",
    "Batch",
    "Estimate",
    "Event",
    "EventLogError",
    "Finding",
    "aggregate",
    "compare_runs",
    "critical_path_ms",
    "daily_summary",
    "driver_time_ms",
    "estimate_ms",
    "extract_event_log_zip",
    "find_issues",
    "has_attempt",
    "is_in_progress",
    "job_result",
    "last_modified_millis",
    "load_application",
    "log_files",
    "normalise",
    "normalise_batch",
    "quantile_list",
    "read_events",
    "scaling",
    "shs_date",
    "stage_list_options",
    "task_list_options",
    "task_statuses",
    "to_shs_application",
    "to_shs_application_attempt",
    "to_shs_applications",
    "to_shs_environment",
    "to_shs_executors",
    "to_shs_job",
    "to_shs_jobs",
    "to_shs_stage_attempt",
    "to_shs_stage_attempts",
    "to_shs_stages",
    "to_shs_task_list",
    "to_shs_task_summary",
]
