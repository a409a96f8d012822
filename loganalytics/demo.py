"""Demo data: two small real Spark event logs (retries and a lost executor), imported."""

from __future__ import annotations

from pathlib import Path

from loganalytics.models import ImportOrigin
from loganalytics.services import import_event_log

DEMO_LOGS = Path(__file__).parent / "demo_logs"


def load() -> str:
    lines = []
    for log in sorted(DEMO_LOGS.iterdir()):
        if log.name.startswith("."):
            continue
        run = import_event_log(path=log, origin=ImportOrigin.DEMO, name=log.name)
        lines.append(f"{run.application.app_id} {run.outcome}")
    return f"{len(lines)} Spark application(s) imported: " + ", ".join(lines)
