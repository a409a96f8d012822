"""The directory watch and the demo data."""

from __future__ import annotations

import os
import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from loganalytics import demo
from loganalytics.models import EventLogImport, SparkApplication
from loganalytics.services import scan_eventlog_dir


@pytest.mark.django_db
def test_the_watch_imports_new_logs_once_and_grown_logs_again(tmp_path, eventlog, settings):
    settings.SPARK_EVENTLOG_DIR = tmp_path
    shutil.copy(eventlog("zstd_sql"), tmp_path)
    shutil.copytree(eventlog("rolling_zstd"), tmp_path / eventlog("rolling_zstd").name)
    (tmp_path / ".hidden").write_text("not a log")
    lines = eventlog("plain_mixed").read_bytes().splitlines(keepends=True)
    growing = tmp_path / "local-1795304375874.inprogress"
    growing.write_bytes(b"".join(lines[:40]))

    first = scan_eventlog_dir()
    second = scan_eventlog_dir()
    growing.write_bytes(b"".join(lines))
    os.utime(growing, (1_900_000_000, 1_900_000_000))
    third = scan_eventlog_dir()

    assert sorted(line.split()[0] for line in first) == ["created"] * 3
    assert second == []
    assert len(third) == 1 and third[0].startswith("updated local-1795304375874")
    assert SparkApplication.objects.count() == 3


@pytest.mark.django_db
def test_the_watch_command_scans_once_and_skips_unreadable_logs(tmp_path, eventlog):
    shutil.copy(eventlog("lzf_shuffle"), tmp_path)
    (tmp_path / "local-1.inprogress").write_bytes(b'{"Event": "SparkListenerLogStart"')
    out = StringIO()

    call_command("watch_eventlogs", "--once", "--dir", str(tmp_path), stdout=out)

    printed = out.getvalue()
    assert "created local-1795303971359" in printed
    assert "skipped local-1.inprogress" in printed and "no complete event" in printed


@pytest.mark.django_db
def test_demo_data_imports_its_logs_once():
    first = demo.load()
    again = demo.load()

    assert first.startswith("2 Spark application(s)") and "created" in first
    assert again.count("unchanged") == 2
    assert EventLogImport.objects.filter(origin="demo").count() == 4


@pytest.mark.django_db
def test_a_log_renamed_when_its_application_ends_is_followed_not_read_again(tmp_path, eventlog):
    finished = tmp_path / "local-1795304375874"
    running = tmp_path / "local-1795304375874.inprogress"
    shutil.copy(eventlog("plain_mixed"), running)
    scan_eventlog_dir(tmp_path)

    running.rename(finished)
    renamed = scan_eventlog_dir(tmp_path)
    again = scan_eventlog_dir(tmp_path)

    assert renamed == ["unchanged local-1795304375874 (0 new events)"]
    assert again == []
    assert SparkApplication.objects.get().source_path == str(finished)


@pytest.mark.django_db(transaction=True)
def test_the_periodic_watch_job_imports_new_logs_and_runs_one_scanner_at_a_time(settings, tmp_path):
    import shutil

    import django_rq

    from loganalytics.models import SparkApplication
    from loganalytics.tasks import watch_eventlog_dir
    from tests.loganalytics.conftest import EVENTLOGS

    settings.SPARK_EVENTLOG_DIR = tmp_path
    source = next(p for p in sorted(EVENTLOGS.iterdir()) if p.is_file() and p.suffix == "")
    shutil.copy(source, tmp_path / source.name)
    lock = django_rq.get_connection("default").lock("sparkhub:lock:watch-eventlogs", timeout=60)

    assert lock.acquire(blocking=False)
    try:
        assert watch_eventlog_dir() == []  # someone else is scanning
    finally:
        lock.release()
    changed = watch_eventlog_dir()

    assert len(changed) == 1
    assert SparkApplication.objects.filter(source_path__startswith=str(tmp_path)).count() == 1
