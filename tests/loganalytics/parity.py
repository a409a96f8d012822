"""Compare sparkhub's History Server JSON with the real History Server's, field by field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from loganalytics.eventlog import (
    load_application,
    to_shs_application,
    to_shs_executors,
    to_shs_jobs,
    to_shs_stage_attempt,
    to_shs_stage_attempts,
    to_shs_stages,
    to_shs_task_summary,
)

# Where the History Server found the log: a property of the server, not of the application.
SERVER_ONLY_FIELDS = {"logSourceName", "logSourceFullPath"}


def differences(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Every place where ``actual`` differs from ``expected`` (missing, extra or unequal)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in expected.keys() | actual.keys():
            if key in SERVER_ONLY_FIELDS:
                continue
            if key not in actual:
                found.append(f"{where}.{key}: missing (SHS has {str(expected[key])[:80]})")
            elif key not in expected:
                found.append(f"{where}.{key}: extra (sparkhub has {str(actual[key])[:80]})")
            else:
                found += differences(expected[key], actual[key], f"{where}.{key}")
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{where}: {len(actual)} items, SHS has {len(expected)}"]
        found = []
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            found += differences(left, right, f"{where}[{index}]")
        return found
    if expected != actual or type(expected) is not type(actual):
        return [f"{where}: sparkhub {str(actual)[:100]!r}, SHS {str(expected)[:100]!r}"]
    return []


def sparkhub_answers(log: Path, shs_answers: dict[str, Any]) -> dict[str, Any]:
    """sparkhub's answer to every request in ``shs_answers`` (see capture_history_server)."""
    model = load_application(log)
    answers: dict[str, Any] = {
        "application": to_shs_application(model),
        "jobs": to_shs_jobs(model),
        "stages": to_shs_stages(model),
        "executors": to_shs_executors(model),
        "allexecutors": to_shs_executors(model, include_dead=True),
        "stage": {key: to_shs_stage_attempts(model, int(key)) for key in shs_answers["stage"]},
        "stage_attempt": {},
        "task_summary": {},
    }
    for key in shs_answers["stage_attempt"]:
        stage_id, attempt = (int(part) for part in key.split("/"))
        answers["stage_attempt"][key] = to_shs_stage_attempt(model, stage_id, attempt)
    for key in shs_answers["task_summary"]:
        stage_id, attempt = (int(part) for part in key.split("/"))
        answers["task_summary"][key] = to_shs_task_summary(model, stage_id, attempt)
    return answers


def capture_history_server(shs, app_id: str) -> dict[str, Any]:
    """Ask a running History Server everything sparkhub answers too."""
    base = f"applications/{app_id}"
    stages = shs.get(f"{base}/stages")
    answers: dict[str, Any] = {
        "application": shs.get(base),
        "jobs": shs.get(f"{base}/jobs"),
        "stages": stages,
        "executors": shs.get(f"{base}/executors"),
        "allexecutors": shs.get(f"{base}/allexecutors"),
        "stage": {str(i): shs.get(f"{base}/stages/{i}") for i in {s["stageId"] for s in stages}},
        "stage_attempt": {},
        "task_summary": {},
    }
    for stage in stages:
        key = f"{stage['stageId']}/{stage['attemptId']}"
        answers["stage_attempt"][key] = shs.get(f"{base}/stages/{key}")
        answers["task_summary"][key] = shs.get_or_none(f"{base}/stages/{key}/taskSummary")
    return answers
