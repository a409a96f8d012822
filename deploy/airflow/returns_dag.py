"""Airflow DAG: run sparkhub's returns pipeline every night through sparkhub's HTTP API.

Copy this file into Airflow's dags folder. It needs no sparkhub code, only HTTP access:

- ``SPARKHUB_URL``    base URL, e.g. https://sparkhub.example.com (Airflow Variable or env)
- ``SPARKHUB_TOKEN``  an API token of a sparkhub user allowed to run pipelines

The first task starts a run (``POST /api/lakehouse/pipelines/returns/runs``) and returns its id;
the second polls ``GET /api/lakehouse/runs/<id>`` until the run succeeded (the task succeeds) or
failed (the task fails with sparkhub's error message). Adjust ``START_PATH`` / ``STATUS_PATH``
if your sparkhub serves the lakehouse API elsewhere.
"""

from __future__ import annotations

import json
import os
import time
import urllib.request
from datetime import datetime, timedelta

try:  # Airflow 3
    from airflow.sdk import Variable, dag, task
except ImportError:  # Airflow 2
    from airflow.decorators import dag, task
    from airflow.models import Variable

PIPELINE = "returns"
START_PATH = "/api/lakehouse/pipelines/{pipeline}/runs"
STATUS_PATH = "/api/lakehouse/runs/{run_id}"
POLL_SECONDS = 30
TIMEOUT = timedelta(hours=3)
FINISHED = {"succeeded", "failed", "cancelled"}


def _setting(name: str) -> str:
    value = os.environ.get(name) or Variable.get(name, default=None)
    if not value:
        raise RuntimeError(f"set the Airflow Variable or environment variable {name}")
    return value


def _call(method: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        _setting("SPARKHUB_URL").rstrip("/") + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Authorization": f"Token {_setting('SPARKHUB_TOKEN')}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read().decode())


@dag(
    dag_id="sparkhub_returns_pipeline",
    schedule="0 2 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    tags=["sparkhub", "lakehouse"],
)
def sparkhub_returns_pipeline():
    @task
    def start_run(ds=None) -> str:
        # The day's drop of return files; sparkhub applies this as --set returns.input_path=...
        overrides = {"returns.input_path": f"s3://returns-landing/{ds}/*.csv"} if ds else {}
        run = _call("POST", START_PATH.format(pipeline=PIPELINE), {"overrides": overrides})
        return str(run["id"])

    @task(execution_timeout=TIMEOUT)
    def wait_for_run(run_id: str) -> dict:
        while True:
            run = _call("GET", STATUS_PATH.format(run_id=run_id))
            status = str(run.get("status", "")).lower()
            if status in FINISHED:
                if status != "succeeded":
                    raise RuntimeError(f"sparkhub run {run_id} {status}: {run.get('error', '')}")
                return run
            time.sleep(POLL_SECONDS)

    wait_for_run(start_run())


sparkhub_returns_pipeline()
