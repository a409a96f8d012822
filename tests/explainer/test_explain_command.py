"""`manage.py explain FILE [--json] [--fail-on]`: usable from CI and pre-commit hooks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.explainer.test_api import JOB
from tests.sparkhub.helpers import REPO

CLEAN = "from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\n"


def explain(tmp_path, source: str, *args: str) -> subprocess.CompletedProcess:
    path = tmp_path / "job.py"
    path.write_text(source)
    return subprocess.run(
        [sys.executable, "manage.py", "explain", str(path), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_json_output_is_the_analysis_document(tmp_path):
    done = explain(tmp_path, JOB, "--json")

    document = json.loads(done.stdout)
    assert done.returncode == 0
    assert {"operations", "findings", "sources", "sinks", "lineage", "stages", "errors"} <= set(
        document
    )
    operation = document["operations"][0]
    assert {"id", "method", "line", "kind", "shuffle", "inputs", "target"} <= set(operation)
    assert {"rule", "line", "severity", "message", "fix"} <= set(document["findings"][0])
    assert document["sources"][0] == {**document["sources"][0], "format": "csv", "line": 3}


@pytest.mark.parametrize(
    ("source", "threshold", "status"),
    [(JOB, "high", 1), (JOB, "low", 1), (CLEAN, "low", 0), ("def broken(:\n", "high", 2)],
)
def test_the_exit_status_follows_the_fail_on_threshold(tmp_path, source, threshold, status):
    assert explain(tmp_path, source, "--fail-on", threshold).returncode == status


def test_without_json_the_offline_explanation_is_printed(tmp_path):
    done = explain(tmp_path, JOB)

    assert "collect" in done.stdout
    assert done.returncode == 0


def test_a_missing_file_is_a_clear_error(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "explain", str(tmp_path / "nope.py")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode != 0
    assert "no such file" in done.stderr


def test_explain_starts_no_redis_or_any_other_process_that_outlives_it(tmp_path):
    from tests.sparkhub.helpers import processes_mentioning

    var = tmp_path / "var"
    path = tmp_path / "job.py"
    path.write_text(JOB)
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}

    done = subprocess.run(
        [sys.executable, "manage.py", "explain", str(path)],
        cwd=REPO,
        env={**env, "SPARKHUB_VAR_DIR": str(var)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert processes_mentioning(str(var)) == []
