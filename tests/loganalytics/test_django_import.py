"""Importing event logs into the database: command, idempotence, growth, bad input."""

from __future__ import annotations

import json
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from loganalytics.eventlog import load_application, to_shs_jobs, to_shs_stages
from loganalytics.models import EventLogImport, SparkApplication, SparkEvent
from loganalytics.services import import_event_log, reanalyse_application
from loganalytics.store import application_model

pytestmark = pytest.mark.django_db


def run_import_command(*paths) -> list[dict]:
    out = StringIO()
    call_command("import_eventlog", *map(str, paths), "--json", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_the_command_prints_one_line_per_application(eventlog, manifest):
    out = StringIO()

    call_command(
        "import_eventlog", str(eventlog("zstd_sql")), str(eventlog("rolling_zstd")), stdout=out
    )

    lines = out.getvalue().splitlines()
    assert [line.split("\t")[0] for line in lines] == [
        manifest["zstd_sql"]["app_id"],
        manifest["rolling_zstd"]["app_id"],
    ]
    assert all("\tcreated\t" in line for line in lines)
    assert SparkApplication.objects.count() == 2


def test_importing_the_same_log_twice_changes_nothing(eventlog):
    first = run_import_command(eventlog("lz4_retries"))[0]
    events = SparkEvent.objects.count()
    application = SparkApplication.objects.get()

    again = run_import_command(eventlog("lz4_retries"))[0]

    assert first["outcome"] == "created" and first["events_added"] == events > 0
    assert again["outcome"] == "unchanged" and again["events_added"] == 0
    assert SparkEvent.objects.count() == events
    assert SparkApplication.objects.get().events_token == application.events_token


def test_the_same_log_from_another_path_adds_no_events(eventlog, tmp_path):
    run_import_command(eventlog("snappy_shuffle"))
    copy = tmp_path / eventlog("snappy_shuffle").name
    shutil.copy(eventlog("snappy_shuffle"), copy)

    again = run_import_command(copy)[0]

    assert again["outcome"] == "unchanged"
    assert SparkEvent.objects.count() == load_application(copy).event_count


def test_a_longer_version_of_an_inprogress_log_updates_the_application(eventlog, tmp_path):
    lines = eventlog("plain_mixed").read_bytes().splitlines(keepends=True)
    growing = tmp_path / "local-1795304375874.inprogress"
    growing.write_bytes(b"".join(lines[: len(lines) // 2]))
    first = run_import_command(growing)[0]
    assert first["status"] == "running"

    growing.write_bytes(b"".join(lines))
    second = run_import_command(growing)[0]

    assert second["outcome"] == "updated" and second["events_added"] > 0
    application = SparkApplication.objects.get()
    expected = load_application(eventlog("plain_mixed"))
    assert application.status != "running"
    assert application.job_count == len(expected.jobs)
    assert to_shs_jobs(application_model(application)) == to_shs_jobs(expected)


def test_stored_events_aggregate_to_the_same_model_as_the_log(eventlog):
    # The duplicated StageCompleted must count once from the database too.
    run_import_command(eventlog("duplicate_stage_completed"))
    application = SparkApplication.objects.get()

    reanalysed = reanalyse_application(application=application)

    expected = load_application(eventlog("duplicate_stage_completed"))
    model = application_model(reanalysed)
    assert to_shs_stages(model) == to_shs_stages(expected)
    assert reanalysed.stage_count == len({s for s, _ in expected.stages})


def test_a_bad_log_is_refused_naming_file_and_line_and_stores_nothing(eventlog, tmp_path):
    lines = eventlog("plain_mixed").read_bytes().splitlines(keepends=True)
    broken = tmp_path / "local-broken"
    broken.write_bytes(b"".join(lines[:30]) + b'{"Event": "SparkListenerTaskEnd"}\n' + lines[31])

    with pytest.raises(CommandError) as refused:
        run_import_command(broken)

    assert str(broken) in str(refused.value) and "line 31" in str(refused.value)
    assert SparkApplication.objects.count() == 0 and SparkEvent.objects.count() == 0
    assert EventLogImport.objects.get().status == "failed"


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "no complete event"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "line 1"),
        (bytes(range(256)) * 4, "line 1"),
        (b'{"not": "an event"}\n', "not a Spark event"),
        (b"[1, 2, 3]\n", "expected a JSON object"),
    ],
)
def test_files_that_are_not_event_logs_get_a_clear_error(tmp_path, content, expected):
    bad = tmp_path / "upload.log"
    bad.write_bytes(content)

    with pytest.raises(CommandError) as refused:
        run_import_command(bad)

    assert expected in str(refused.value)
    assert SparkEvent.objects.count() == 0


def test_a_log_whose_application_id_is_not_a_spark_id_is_refused(eventlog, tmp_path):
    text = eventlog("plain_mixed").read_text().replace('"App ID":"', '"App ID":"../x/', 1)
    forged = tmp_path / "forged"
    forged.write_text(text)

    with pytest.raises(CommandError, match="an application id must be"):
        run_import_command(forged)

    assert SparkApplication.objects.count() == 0


def test_a_missing_path_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run_import_command(tmp_path / "nope")


def test_importing_links_the_sparkhub_run_that_wrote_the_log(eventlog, manifest):
    from tests.sparkhub.factories import WorkerCheckFactory

    check = WorkerCheckFactory(spark_application_id=manifest["lzf_shuffle"]["app_id"])

    run = import_event_log(path=eventlog("lzf_shuffle"))

    assert (run.application.run_label, run.application.run_id) == ("sparkhub.workercheck", check.pk)
    assert run.application.run_url == f"/runs/sparkhub.workercheck/{check.pk}/"


def test_an_import_that_fails_while_aggregating_stores_nothing_and_frees_the_connection(
    eventlog, monkeypatch
):
    """On PostgreSQL events stream into the table with COPY while they are aggregated: a
    failure in the aggregator must end that COPY so the transaction can roll back."""
    from loganalytics import services

    def failing_aggregate(events, **kwargs):
        for number, _ in enumerate(events):
            if number == 50:
                raise RuntimeError("the aggregator broke")

    monkeypatch.setattr(services, "aggregate", failing_aggregate)
    with pytest.raises(RuntimeError, match="the aggregator broke"):
        import_event_log(path=eventlog("zstd_sql"))

    assert SparkEvent.objects.count() == 0
    assert SparkApplication.objects.count() == 0
