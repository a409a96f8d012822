"""Fixtures for the event-log tests: the committed real Spark logs and their SHS answers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

EVENTLOGS = Path(__file__).resolve().parent / "eventlogs"


@pytest.fixture(scope="session")
def manifest() -> dict[str, dict[str, str]]:
    """Scenario name -> {"path", "app_id"} for every committed event log."""
    return json.loads((EVENTLOGS / "manifest.json").read_text())


@pytest.fixture(scope="session")
def eventlog(manifest):
    """Path of the committed event log for a scenario name.

    The History Server reports a finished application's ``lastUpdated`` as its log's
    modification time, and a git checkout gives every file the checkout's time: put back the
    time the History Server saw, so the recorded answers still apply.
    """

    def path(name: str) -> Path:
        log = EVENTLOGS / manifest[name]["path"]
        recorded = EVENTLOGS / "shs" / f"{name}.json"
        if recorded.exists():
            attempts = json.loads(recorded.read_text())["application"]["attempts"]
            # The log's own attempt: an application retried by YARN lists every attempt.
            wanted = manifest[name].get("attempt_id")
            attempt = next((a for a in attempts if a.get("attemptId") == wanted), None)
            if attempt is not None and attempt.get("completed"):
                nanoseconds = attempt["lastUpdatedEpoch"] * 1_000_000
                for file in [log, *(log.rglob("*") if log.is_dir() else [])]:
                    if file.is_file():
                        os.utime(file, ns=(nanoseconds, nanoseconds))
        return log

    return path


@pytest.fixture(scope="session")
def shs_answers():
    """The real History Server's recorded answers for a scenario name."""

    def answers(name: str) -> dict:
        return json.loads((EVENTLOGS / "shs" / f"{name}.json").read_text())

    return answers


@pytest.fixture(autouse=True)
def forget_application_pks():
    """Each test's database rolls back, taking its applications with it: so must the
    per-process app_id -> pk memory of HTTP ingest."""
    from loganalytics import store

    store.forget_application_pks()
    yield
    store.forget_application_pks()
