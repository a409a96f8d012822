"""Imports queued for a worker (big uploads, admin re-imports) run on a real RQ worker."""

from __future__ import annotations

import pytest

from loganalytics.models import SparkEvent
from loganalytics.services import queue_event_log_import
from tests.sparkhub.helpers import run_burst_worker


@pytest.mark.slow
def test_a_queued_import_runs_on_a_real_worker(worker_env, empty_queues, eventlog, manifest):
    run = queue_event_log_import(path=eventlog("lz4_retries"))
    assert run.status == "queued" and run.job_id

    output = run_burst_worker(worker_env, "default")

    run.refresh_from_db()
    assert run.status == "succeeded", output
    assert run.application.app_id == manifest["lz4_retries"]["app_id"]
    assert SparkEvent.objects.filter(application=run.application).count() == run.events_added > 0
