"""Unpack an uploaded ``.zip`` of an event log (usually a rolling ``eventlog_v2_*`` directory).

Uploads are untrusted: member names must stay inside the target directory (no ``../``, no
absolute paths, no links), and the bytes actually written are counted against a limit while
extracting, so a zip bomb stops at the limit whatever its headers claim.
"""

from __future__ import annotations

import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from .errors import EventLogError
from .readers import ROLLING_PREFIX

MAX_UNPACKED_BYTES = 4 << 30
MAX_RATIO = 400  # deflate rarely beats ~20x on event logs; 400x is a bomb
CHUNK = 1 << 20


def extract_event_log_zip(
    archive: str | Path, target: str | Path, *, max_bytes: int = MAX_UNPACKED_BYTES
) -> Path:
    """Extract ``archive`` under ``target`` and return the event log it holds.

    That is the ``eventlog_v2_*`` directory if there is one, else the single file inside.
    """
    archive, target = Path(archive), Path(target)
    try:
        bundle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise EventLogError(f"not a zip archive ({exc})", path=archive) from None
    written = 0
    with bundle:
        for member in bundle.infolist():
            parts = _safe_parts(member, archive)
            if member.is_dir():
                continue
            if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
                raise EventLogError(
                    f"{member.filename} expands {MAX_RATIO}x or more: refusing a likely zip bomb",
                    path=archive,
                )
            destination = target.joinpath(*parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            with bundle.open(member) as source, destination.open("wb") as sink:
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    if written > max_bytes:
                        sink.close()
                        shutil.rmtree(target, ignore_errors=True)
                        raise EventLogError(
                            f"the archive unpacks to more than {max_bytes >> 20} MiB", path=archive
                        )
                    sink.write(chunk)
    return _event_log_in(target, archive)


def _safe_parts(member: zipfile.ZipInfo, archive: Path) -> tuple[str, ...]:
    name = PurePosixPath(member.filename.replace("\\", "/"))
    mode = member.external_attr >> 16
    if name.is_absolute() or ".." in name.parts or stat.S_ISLNK(mode):
        raise EventLogError(f"unsafe path in archive: {member.filename!r}", path=archive)
    return tuple(part for part in name.parts if part not in ("", "."))


def _event_log_in(target: Path, archive: Path) -> Path:
    rolling = sorted(p for p in target.rglob(f"{ROLLING_PREFIX}*") if p.is_dir())
    if rolling:
        return rolling[0]
    files = [p for p in target.rglob("*") if p.is_file() and not p.name.startswith(".")]
    if len(files) == 1:
        return files[0]
    if any(p.name.startswith("events_") for p in files):
        return min((p.parent for p in files if p.name.startswith("events_")), key=str)
    raise EventLogError(
        "the archive holds no event log (one file or an eventlog_v2_ folder)", path=archive
    )
