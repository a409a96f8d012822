from __future__ import annotations

import zipfile

import pytest

from loganalytics.eventlog import EventLogError, extract_event_log_zip, load_application


def test_a_zipped_rolling_directory_unpacks_to_a_log_that_loads(tmp_path, eventlog, manifest):
    folder = eventlog("rolling_zstd")
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for file in folder.iterdir():
            bundle.write(file, f"{folder.name}/{file.name}")

    log = extract_event_log_zip(archive, tmp_path / "out")

    assert log.name == folder.name
    assert load_application(log).app.app_id == manifest["rolling_zstd"]["app_id"]


@pytest.mark.parametrize("name", ["../escape.json", "/etc/passwd", "a/../../b"])
def test_a_member_that_escapes_the_target_directory_is_refused(tmp_path, name):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr(name, b"{}")

    with pytest.raises(EventLogError, match="unsafe path"):
        extract_event_log_zip(archive, tmp_path / "out")

    assert not (tmp_path / "escape.json").exists()


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("events_1_app", b"\0" * (50 << 20))

    with pytest.raises(EventLogError, match="zip bomb"):
        extract_event_log_zip(archive, tmp_path / "out")


def test_unpacking_stops_at_the_byte_limit_and_leaves_nothing(tmp_path):
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as bundle:
        bundle.writestr("events_1_app", b"x" * (3 << 20))

    with pytest.raises(EventLogError, match="more than 1 MiB"):
        extract_event_log_zip(archive, tmp_path / "out", max_bytes=1 << 20)

    assert not (tmp_path / "out").exists()


def test_a_file_that_is_not_a_zip_names_itself(tmp_path):
    archive = tmp_path / "report.pdf"
    archive.write_bytes(b"%PDF-1.7\n")

    with pytest.raises(EventLogError, match=r"report\.pdf: not a zip archive"):
        extract_event_log_zip(archive, tmp_path / "out")
