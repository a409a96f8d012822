"""Compare sparkhub's History Server JSON with the real History Server's, field by field."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from loganalytics.eventlog import (
    load_application,
    stage_list_options,
    task_list_options,
    task_statuses,
    to_shs_application,
    to_shs_application_attempt,
    to_shs_environment,
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
# Asked of every application's stage list: SHS 4's summaries (default and unsorted quantiles),
# details with a task status filter, and everything at once.
STAGE_LIST_QUERIES = (
    "withSummaries=true",
    "withSummaries=true&quantiles=0.9,0.1,0.5",
    "details=true&taskStatus=FAILED&taskStatus=killed",
    "status=complete&details=true&withSummaries=true&quantiles=0.3",
)
# Below an application whose attempts have ids, asked without an attempt (SHS answers 404).
UNQUALIFIED_PATHS = (
    "jobs",
    "jobs/0",
    "stages",
    "stages/0",
    "stages/0/0",
    "stages/0/0/taskSummary",
    "stages/0/0/taskList",
    "executors",
    "allexecutors",
    "environment",
)
# Recorded answers about HTTP routing only, compared by the Django API tests.
HTTP_ONLY_ANSWERS = ("unqualified", "unknown_attempt")
# Attempt-qualified paths naming attempt "2": one that every application without attempt ids
# does not have (404), and the second attempt of the attempt-id fixture's application.
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


def engine_answers(recorded: dict[str, Any]) -> dict[str, Any]:
    """The recorded answers the engine gives by itself (without HTTP routing)."""
    return {key: value for key, value in recorded.items() if key not in HTTP_ONLY_ANSWERS}


def sparkhub_answers(
    log: Path, shs_answers: dict[str, Any], other_attempts: list[Path] = ()
) -> dict[str, Any]:
    """sparkhub's answer to every request in ``shs_answers`` (see capture_history_server);
    ``other_attempts`` are the logs of the application's other attempts."""
    model = load_application(log)
    others = [load_application(path) for path in other_attempts]
    answers: dict[str, Any] = {
        "application": to_shs_application(model, *others),
        "environment": to_shs_environment(model),
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
    answers: dict[str, Any] = {"task_list": {}, "stage_query": {}, "stage_list": {}}
    for query in shs_answers["stage_list"]:
        params = parse_qs(query)
        options = stage_list_options(
            details=_first(params, "details"),
            with_summaries=_first(params, "withSummaries"),
            quantiles=_first(params, "quantiles"),
            task_statuses=params.get("taskStatus", []),
        )
        answers["stage_list"][query] = to_shs_stages(model, _first(params, "status"), **options)
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
        answers["application_attempt"] = to_shs_application_attempt(model, model.app.attempt_id)
    return answers


def _first(params: dict[str, list[str]], name: str) -> str | None:
    return params[name][0] if name in params else None


def _task_list_arguments(params: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "offset": _first(params, "offset"),
        "length": _first(params, "length"),
        "sort_by": _first(params, "sortBy"),
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
    answers["environment"] = shs.get_or_none(f"{base}/environment")
    answers["stage_list"] = {
        query: shs.get(f"{base}/stages?{query}") for query in STAGE_LIST_QUERIES
    }
    if attempt_id:
        answers["application_attempt"] = shs.get(base)
        answers["unqualified"] = {path: shs.status(f"{app}/{path}") for path in UNQUALIFIED_PATHS}
    answers["unknown_attempt"] = {
        path: shs.status(f"{app}/{path}") for path in UNKNOWN_ATTEMPT_PATHS
    }
    return answers
