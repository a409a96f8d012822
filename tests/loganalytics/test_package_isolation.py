from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_event_log_package_loads_and_runs_without_django_or_pyspark(eventlog):
    script = (
        "import sys\n"
        "import loganalytics.eventlog as e\n"
        f"e.find_issues(e.load_application({str(eventlog('lz4_retries'))!r}))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'pyspark')))\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )

    assert result.stdout.strip() == "[]"
