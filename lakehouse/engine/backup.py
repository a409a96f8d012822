"""Back up the lake to a directory or S3, restore it, and prove the restore is byte-identical.

A backup is ``manifest.json`` (sha256 and size of every file) plus ``data/<same paths>``. After
the first backup only partitions (directories) whose files changed are copied again; partitions
gone from the lake are removed from the backup. Unchanged files are recognised by size and
modification time, so an incremental backup reads only what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from .storage import WORK_DIR

MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def scan_lake(root: Path, previous: dict | None = None) -> dict[str, dict]:
    """``{relative path: {sha256, size, mtime_ns}}`` for every file; reuses known checksums."""
    known = (previous or {}).get("files", {})
    files = {}
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if not path.is_file() or any(part.startswith(WORK_DIR) for part in parts):
            continue  # staging, journals and locks of writes in progress
        relative = path.relative_to(root).as_posix()
        stat = path.stat()
        old = known.get(relative)
        if old and old["size"] == stat.st_size and old.get("mtime_ns") == stat.st_mtime_ns:
            files[relative] = old
        else:
            files[relative] = {
                "sha256": sha256_file(path),
                "size": stat.st_size,
                "mtime_ns": stat.st_mtime_ns,
            }
    return files


def _partitions(files: dict[str, dict]) -> dict[str, str]:
    """Each directory's fingerprint: the checksums of the files directly inside it."""
    grouped: dict[str, list[str]] = {}
    for relative, info in files.items():
        grouped.setdefault(str(PurePosixPath(relative).parent), []).append(
            f"{PurePosixPath(relative).name}:{info['sha256']}"
        )
    return {
        d: hashlib.sha256("\n".join(sorted(v)).encode()).hexdigest() for d, v in grouped.items()
    }


class LocalStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def read_text(self, key: str) -> str | None:
        path = self.root / key
        return path.read_text() if path.is_file() else None

    def write_text(self, key: str, text: str) -> None:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(text)
        os.replace(temporary, path)

    def put(self, source: Path, key: str) -> None:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, path)

    def get(self, key: str, destination: Path) -> None:
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(self.root / key, destination)

    def delete(self, key: str) -> None:
        (self.root / key).unlink(missing_ok=True)


class S3Store:
    """The same operations on ``s3://bucket/prefix`` through boto3 (``AWS_*`` variables)."""

    def __init__(self, uri: str, client=None):
        bucket, _, prefix = uri.removeprefix("s3://").partition("/")
        self.bucket, self.prefix = bucket, prefix.strip("/")
        if client is None:
            import boto3

            client = boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None)
        self.client = client

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def read_text(self, key: str) -> str | None:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except self.client.exceptions.NoSuchKey:
            return None
        return body.read().decode()

    def write_text(self, key: str, text: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=text.encode())

    def put(self, source: Path, key: str) -> None:
        self.client.upload_file(str(source), self.bucket, self._key(key))

    def get(self, key: str, destination: Path) -> None:
        destination.parent.mkdir(parents=True, exist_ok=True)
        self.client.download_file(self.bucket, self._key(key), str(destination))

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))


def open_store(location: str | Path):
    text = str(location)
    return S3Store(text) if text.startswith("s3://") else LocalStore(text)


def read_manifest(store) -> dict | None:
    text = store.read_text(MANIFEST)
    return json.loads(text) if text else None


def backup_lake(lake_root: str | Path, destination: str | Path) -> dict:
    """Copy the lake to ``destination`` (path or ``s3://``); only changed partitions after the
    first time. Returns what was copied."""
    root = Path(lake_root)
    if not root.is_dir():
        raise BackupError(f"the lake {root} does not exist")
    store = open_store(destination)
    previous = read_manifest(store)
    files = scan_lake(root, previous)
    partitions = _partitions(files)
    old_files = (previous or {}).get("files", {})
    old_partitions = (previous or {}).get("partitions", {})
    changed = sorted(d for d, digest in partitions.items() if old_partitions.get(d) != digest)
    copied, copied_bytes = 0, 0
    for relative, info in files.items():
        if str(PurePosixPath(relative).parent) in changed and (
            old_files.get(relative, {}).get("sha256") != info["sha256"]
        ):
            store.put(root / relative, f"data/{relative}")
            copied += 1
            copied_bytes += info["size"]
    deleted = sorted(set(old_files) - set(files))
    for relative in deleted:
        store.delete(f"data/{relative}")
    manifest = {
        "version": 1,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": str(root.resolve()),
        "files": files,
        "partitions": partitions,
    }
    store.write_text(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
    return {
        "destination": str(destination),
        "incremental": previous is not None,
        "partitions_total": len(partitions),
        "partitions_copied": changed,
        "files_copied": copied,
        "bytes_copied": copied_bytes,
        "files_deleted": deleted,
    }


def restore_lake(source: str | Path, lake_root: str | Path, *, overwrite: bool = False) -> dict:
    """Rebuild the lake from a backup, then verify it; refuses a non-empty target unless told."""
    store = open_store(source)
    manifest = read_manifest(store)
    if manifest is None:
        raise BackupError(f"{source} holds no {MANIFEST}: not a lake backup")
    root = Path(lake_root)
    if root.exists() and any(root.iterdir()):
        if not overwrite:
            raise BackupError(
                f"{root} is not empty; restore into an empty directory or pass overwrite=True"
            )
        shutil.rmtree(root)
    for relative in manifest["files"]:
        store.get(f"data/{relative}", root / relative)
    return verify_lake(root, source)


def verify_lake(lake_root: str | Path, backup: str | Path) -> dict:
    """Compare every file's sha256 with the backup manifest; ``ok`` only when identical."""
    manifest = read_manifest(open_store(backup))
    if manifest is None:
        raise BackupError(f"{backup} holds no {MANIFEST}: not a lake backup")
    actual = scan_lake(Path(lake_root))  # no reuse: verification reads every byte
    expected = manifest["files"]
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    changed = sorted(
        p for p in set(expected) & set(actual) if expected[p]["sha256"] != actual[p]["sha256"]
    )
    return {
        "ok": not (missing or extra or changed),
        "files": len(expected),
        "missing": missing,
        "extra": extra,
        "changed": changed,
    }
