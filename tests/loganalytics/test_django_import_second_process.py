"""Big logs are parsed and aggregated by a second process while the first stores them: the
import must store and answer exactly what an import in one process does."""

from __future__ import annotations

import pytest

from loganalytics import services
from loganalytics.eventlog import (
    EventLogError,
    load_application,
    to_shs_executors,
    to_shs_jobs,
    to_shs_stages,
)
from loganalytics.eventlog.background import BackgroundAggregate
from loganalytics.models import EventLogImport, SparkApplication, SparkEvent
from loganalytics.services import import_event_log
from loganalytics.store import application_model

pytestmark = pytest.mark.django_db


def what_was_stored() -> dict:
    application = SparkApplication.objects.get()
    model = application_model(application)
    return {
        "events": list(
            SparkEvent.objects.order_by("identity").values_list(
                "identity", "kind", "time", "order_time", "order_rank", "raw"
            )
        ),
        "summary": {
            name: getattr(application, name)
            for name in (
                "app_id",
                "name",
                "status",
                "event_count",
                "job_count",
                "failed_job_count",
                "stage_count",
                "task_count",
                "failed_task_count",
                "executor_count",
                "duration_ms",
            )
        },
        "findings": sorted(
            application.findings.values_list("rule", "severity", "title", "stage_id", "job_id")
        ),
        "shs": [to_shs_jobs(model), to_shs_stages(model), to_shs_executors(model)],
    }


def forget_everything() -> None:
    EventLogImport.objects.all().delete()
    SparkApplication.objects.all().delete()


@pytest.mark.parametrize(
    "scenario",
    ["plain_mixed", "rolling_zstd", "lz4_retries", "duplicate_stage_completed", "plain_inprogress"],
)
def test_a_log_parsed_in_a_second_process_is_stored_and_answered_the_same(
    scenario, eventlog, monkeypatch
):
    first = import_event_log(path=eventlog(scenario))
    in_one_process = what_was_stored()
    forget_everything()
    monkeypatch.setattr(services, "BACKGROUND_PARSE_MIN_BYTES", 0)

    run = import_event_log(path=eventlog(scenario))

    assert what_was_stored() == in_one_process
    assert (run.events_read, run.events_added) == (first.events_read, first.events_added)


def test_a_bad_line_found_by_the_second_process_is_refused_with_its_file_and_line(
    eventlog, tmp_path, monkeypatch
):
    monkeypatch.setattr(services, "BACKGROUND_PARSE_MIN_BYTES", 0)
    lines = eventlog("plain_mixed").read_bytes().splitlines(keepends=True)
    broken = tmp_path / "local-broken"
    broken.write_bytes(b"".join(lines[:30]) + b'{"Event": "SparkListenerTaskEnd"}\n' + lines[31])

    with pytest.raises(EventLogError) as refused:
        import_event_log(path=broken)

    assert str(broken) in str(refused.value) and "line 31" in str(refused.value)
    assert SparkEvent.objects.count() == 0 and SparkApplication.objects.count() == 0


def test_a_log_that_changes_under_the_import_stores_nothing(eventlog, monkeypatch):
    monkeypatch.setattr(services, "BACKGROUND_PARSE_MIN_BYTES", 0)
    original = BackgroundAggregate._lines

    def lines_with_one_rewritten(self):
        for number, line in enumerate(original(self)):
            yield line + b" " if number == 40 else line

    monkeypatch.setattr(BackgroundAggregate, "_lines", lines_with_one_rewritten)

    with pytest.raises(EventLogError, match="changed while it was read"):
        import_event_log(path=eventlog("zstd_sql"))

    assert SparkEvent.objects.count() == 0 and SparkApplication.objects.count() == 0


def test_a_grown_log_parsed_in_a_second_process_updates_the_application(
    eventlog, tmp_path, monkeypatch
):
    monkeypatch.setattr(services, "BACKGROUND_PARSE_MIN_BYTES", 0)
    lines = eventlog("plain_mixed").read_bytes().splitlines(keepends=True)
    growing = tmp_path / "local-1795304375874.inprogress"
    growing.write_bytes(b"".join(lines[: len(lines) // 2]))
    first = import_event_log(path=growing)

    growing.write_bytes(b"".join(lines))
    second = import_event_log(path=growing)

    assert (first.outcome, second.outcome) == ("created", "updated")
    assert first.events_added + second.events_added == SparkEvent.objects.count()
    expected = load_application(eventlog("plain_mixed"))
    model = application_model(SparkApplication.objects.get())
    assert to_shs_jobs(model) == to_shs_jobs(expected)
    assert to_shs_stages(model) == to_shs_stages(expected)


def test_a_parsing_process_that_crashes_is_reported_with_its_own_error(tmp_path):
    log = tmp_path / "app.log"
    log.write_text("")
    # a time the child cannot read: it dies with a traceback before it sends anything
    crashing = BackgroundAggregate(log, app_id="app-1", last_updated="soon")

    with crashing, pytest.raises(RuntimeError) as failure:
        list(crashing.rows())

    assert "stopped (exit code 1)" in str(failure.value)
    assert "ValueError" in str(failure.value) and "soon" in str(failure.value)
