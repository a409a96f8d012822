"""Fixtures for the event-log tests: the committed real Spark logs and their SHS answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

EVENTLOGS = Path(__file__).resolve().parent / "eventlogs"


@pytest.fixture(scope="session")
def manifest() -> dict[str, dict[str, str]]:
    """Scenario name -> {"path", "app_id"} for every committed event log."""
    return json.loads((EVENTLOGS / "manifest.json").read_text())


@pytest.fixture(scope="session")
def eventlog(manifest):
    """Path of the committed event log for a scenario name."""

    def path(name: str) -> Path:
        return EVENTLOGS / manifest[name]["path"]

    return path


@pytest.fixture(scope="session")
def shs_answers():
    """The real History Server's recorded answers for a scenario name."""

    def answers(name: str) -> dict:
        return json.loads((EVENTLOGS / "shs" / f"{name}.json").read_text())

    return answers
