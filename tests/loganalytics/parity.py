"""Compare sparkhub's History Server JSON with the real History Server's, field by field."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from loganalytics.eventlog import (
    has_attempt,
    load_application,
    task_list_options,
    task_statuses,
    to_shs_application,
    to_shs_application_attempt,
    to_shs_executors,
    to_shs_jobs,
    to_shs_stage_attempt,
    to_shs_stage_attempts,
    to_shs_stages,
    to_shs_task_list,
    to_shs_task_summary,
)

# Where the History Server found the log: a property of the server, not of the application.
SERVER_ONLY_FIELDS = {"logSourceName", "logSourceFullPath"}

# Asked of every stage attempt's taskList: defaults, paging, both run-time orders (ties
# included), status filters before paging, and the spellings SHS accepts.
TASK_LIST_QUERIES = (
    "",
    "offset=1&length=2",
    "sortBy=runtime&length=6",
    "sortBy=-runtime&length=6",
    "sortBy=DECREASING_RUNTIME&status=success&offset=1&length=3",
    "status=FAILED&status=killed",
    "sortBy=increasing_runtime&status=failed&length=100",
)
# Asked of every stage (``.../stages/{id}``) and every stage attempt.
STAGE_QUERIES = ("details=false", "taskStatus=failed&taskStatus=KILLED")
# Attempt-qualified paths naming an attempt the application does not have (every application
# without an attempt id, and the attempt-id fixture, whose only attempt is "1").
UNKNOWN_ATTEMPT_PATHS = (
    "2",
    "2/jobs",
    "2/jobs/0",
    "2/stages",
    "2/stages/0",
    "2/stages/0/0",
    "2/stages/0/0/taskList",
    "2/executors",
    "2/allexecutors",
)


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
    answers.update(_options_and_attempt_answers(model, shs_answers))
    return answers


def _options_and_attempt_answers(model, shs_answers: dict[str, Any]) -> dict[str, Any]:
    """Task lists, stages asked with query options, and attempt-qualified paths."""
    answers: dict[str, Any] = {"task_list": {}, "stage_query": {}}
    for key in shs_answers["task_list"]:
        path, _, query = key.partition("?")
        stage_id, attempt = (int(part) for part in path.split("/"))
        options = task_list_options(**_task_list_arguments(parse_qs(query)))
        answers["task_list"][key] = to_shs_task_list(model, stage_id, attempt, **options)
    for key in shs_answers["stage_query"]:
        path, _, query = key.partition("?")
        params = parse_qs(query)
        details = params.get("details", ["true"])[0].lower() == "true"
        statuses = task_statuses(params.get("taskStatus", []), "taskStatus")
        ids = [int(part) for part in path.split("/")]
        if len(ids) == 1:
            found = to_shs_stage_attempts(model, ids[0], details=details, task_statuses=statuses)
        else:
            found = to_shs_stage_attempt(
                model, ids[0], ids[1], details=details, task_statuses=statuses
            )
        answers["stage_query"][key] = found
    if "application_attempt" in shs_answers:
        attempt_id = shs_answers["application"]["attempts"][0]["attemptId"]
        answers["application_attempt"] = to_shs_application_attempt(model, attempt_id)
    answers["unknown_attempt"] = {
        path: 200 if has_attempt(model, path.split("/")[0]) else 404
        for path in shs_answers["unknown_attempt"]
    }
    return answers


def _task_list_arguments(params: dict[str, list[str]]) -> dict[str, Any]:
    def first(name: str) -> str | None:
        return params[name][0] if name in params else None

    return {
        "offset": first("offset"),
        "length": first("length"),
        "sort_by": first("sortBy"),
        "statuses": params.get("status", []),
    }


def capture_history_server(shs, app_id: str, attempt_id: str | None = None) -> dict[str, Any]:
    """Ask a running History Server everything sparkhub answers too.

    With ``attempt_id``, everything below the application is asked on the attempt-qualified
    paths (``applications/{appId}/{attemptId}/jobs`` ...), as tools do for YARN applications.
    """
    app = f"applications/{app_id}"
    base = f"{app}/{attempt_id}" if attempt_id else app
    stages = shs.get(f"{base}/stages")
    answers: dict[str, Any] = {
        "application": shs.get(app),
        "jobs": shs.get(f"{base}/jobs"),
        "stages": stages,
        "executors": shs.get(f"{base}/executors"),
        "allexecutors": shs.get(f"{base}/allexecutors"),
        "stage": {str(i): shs.get(f"{base}/stages/{i}") for i in {s["stageId"] for s in stages}},
        "stage_attempt": {},
        "task_summary": {},
        "task_list": {},
        "stage_query": {},
    }
    for stage in stages:
        key = f"{stage['stageId']}/{stage['attemptId']}"
        answers["stage_attempt"][key] = shs.get(f"{base}/stages/{key}")
        answers["task_summary"][key] = shs.get_or_none(f"{base}/stages/{key}/taskSummary")
        for query in TASK_LIST_QUERIES:
            asked = f"{key}?{query}" if query else key
            answers["task_list"][asked] = shs.get(f"{base}/stages/{key}/taskList?{query}")
        answers["stage_query"][f"{key}?details=false"] = shs.get(
            f"{base}/stages/{key}?details=false"
        )
    for stage_id in answers["stage"]:
        for query in STAGE_QUERIES:
            answers["stage_query"][f"{stage_id}?{query}"] = shs.get(
                f"{base}/stages/{stage_id}?{query}"
            )
    if attempt_id:
        answers["application_attempt"] = shs.get(base)
    answers["unknown_attempt"] = {
        path: shs.status(f"{app}/{path}") for path in UNKNOWN_ATTEMPT_PATHS
    }
    return answers
