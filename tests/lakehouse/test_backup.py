import os

import pytest

from lakehouse.engine.backup import BackupError, backup_lake, restore_lake, verify_lake


def _lake(root):
    files = {
        "silver/returns/return_date=2024-01-01/part-0.parquet": b"a" * 100,
        "silver/returns/return_date=2024-01-02/part-0.parquet": b"b" * 50,
        "gold/summary/part-0.parquet": b"gold",
        "silver/.lakehouse/returns/staging-x/junk.parquet": b"half-written",
        "silver/.lakehouse-returns.lock": b"",
    }
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return root


def test_the_first_backup_copies_everything_except_staging_work(tmp_path):
    lake = _lake(tmp_path / "lake")

    result = backup_lake(lake, tmp_path / "backup")

    assert result["incremental"] is False
    assert result["files_copied"] == 3
    assert not (tmp_path / "backup/data/silver/.lakehouse").exists()


def test_later_backups_copy_only_changed_partitions_and_drop_removed_ones(tmp_path):
    lake = _lake(tmp_path / "lake")
    backup_lake(lake, tmp_path / "backup")
    changed = lake / "silver/returns/return_date=2024-01-02/part-0.parquet"
    changed.write_bytes(b"c" * 60)
    (lake / "gold/summary/part-0.parquet").unlink()

    result = backup_lake(lake, tmp_path / "backup")

    assert result["incremental"] is True
    assert result["partitions_copied"] == ["silver/returns/return_date=2024-01-02"]
    assert result["files_copied"] == 1
    assert result["files_deleted"] == ["gold/summary/part-0.parquet"]
    assert not (tmp_path / "backup/data/gold/summary/part-0.parquet").exists()


def test_a_restore_is_verified_byte_identical(tmp_path):
    lake = _lake(tmp_path / "lake")
    backup_lake(lake, tmp_path / "backup")

    result = restore_lake(tmp_path / "backup", tmp_path / "restored")

    assert result["ok"] is True
    assert result["files"] == 3
    restored = tmp_path / "restored/silver/returns/return_date=2024-01-01/part-0.parquet"
    assert restored.read_bytes() == b"a" * 100


def test_verify_names_missing_changed_and_extra_files(tmp_path):
    lake = _lake(tmp_path / "lake")
    backup_lake(lake, tmp_path / "backup")
    restore_lake(tmp_path / "backup", tmp_path / "restored")
    restored = tmp_path / "restored"
    (restored / "gold/summary/part-0.parquet").write_bytes(b"GOLD")  # same size, other bytes
    os.remove(restored / "silver/returns/return_date=2024-01-01/part-0.parquet")
    (restored / "stray.txt").write_text("x")

    result = verify_lake(restored, tmp_path / "backup")

    assert result["ok"] is False
    assert result["changed"] == ["gold/summary/part-0.parquet"]
    assert result["missing"] == ["silver/returns/return_date=2024-01-01/part-0.parquet"]
    assert result["extra"] == ["stray.txt"]


def test_restoring_over_a_non_empty_lake_needs_explicit_overwrite(tmp_path):
    lake = _lake(tmp_path / "lake")
    backup_lake(lake, tmp_path / "backup")

    with pytest.raises(BackupError, match="not empty"):
        restore_lake(tmp_path / "backup", lake)


def test_backups_go_to_s3_through_boto3(tmp_path, monkeypatch):
    moto = pytest.importorskip("moto")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    lake = _lake(tmp_path / "lake")
    with moto.mock_aws():
        import boto3

        boto3.client("s3").create_bucket(Bucket="lake-backups")
        first = backup_lake(lake, "s3://lake-backups/nightly")
        second = backup_lake(lake, "s3://lake-backups/nightly")
        restored = restore_lake("s3://lake-backups/nightly", tmp_path / "restored")

    assert first["files_copied"] == 3
    assert second["files_copied"] == 0
    assert restored["ok"] is True
