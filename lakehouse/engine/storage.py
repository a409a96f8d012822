"""Publish a table written to a staging directory into place, so readers never see half of it.

Spark writes the whole result next to the table first (``<parent>/.lakehouse/<table>/``, hidden
from Spark readers by its leading dot). Only then are directories moved into place by renames,
which are atomic on one filesystem. The list of moves is written to a journal before the first
one, so a run killed half-way through publishing is rolled forward by the next run that touches
the table (or by :func:`recover`): each move is skipped once its source is gone, which makes
finishing it safe to repeat.

Modes: ``overwrite`` replaces the table (with ``dynamic`` partition overwrite only the partitions
present in the new data are replaced, for incremental loads), ``append`` adds files,
``error`` refuses an existing table, ``ignore`` leaves it alone. Only local paths are published
this way; other filesystems are written directly by Spark (a Delta commit can plug in here).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

WORK_DIR = ".lakehouse"


class PublishError(Exception):
    pass


@dataclass
class TablePaths:
    target: Path

    @property
    def work(self) -> Path:
        return self.target.parent / WORK_DIR / self.target.name

    @property
    def journal(self) -> Path:
        return self.work / "journal.json"

    def new_staging(self) -> Path:
        return self.work / f"staging-{uuid.uuid4().hex[:12]}"


def table_lock(target: Path):
    """Serialises writers of one table: two runs must not publish (or recover) it at once."""
    from filelock import FileLock

    target.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(target.parent / f"{WORK_DIR}-{target.name}.lock"))


def local_path(path: str) -> Path | None:
    if path.startswith("file:"):
        return Path(path.removeprefix("file://").removeprefix("file:"))
    return None if "://" in path else Path(path)


def has_data(path: Path) -> bool:
    return path.is_dir() and any(not p.name.startswith((".", "_")) for p in path.iterdir())


def partition_dirs(root: Path, depth: int) -> list[Path]:
    """Leaf partition directories (``a=1/b=2``) below ``root``, relative to it."""
    level = [Path()]
    for _ in range(depth):
        level = [
            rel / child.name
            for rel in level
            for child in sorted((root / rel).iterdir())
            if child.is_dir() and "=" in child.name
        ]
    return level


def plan_moves(staging: Path, target: Path, mode: str, partition_depth: int, dynamic: bool):
    """The renames that publish ``staging`` as ``target``: ``[(source, destination)]``."""
    exists = has_data(target)
    if mode in ("error", "errorifexists") and exists:
        raise PublishError(f"{target} already exists and mode is error")
    if mode == "ignore" and exists:
        return []
    if mode == "append" and exists:
        return [
            (file, target / file.relative_to(staging))
            for file in sorted(staging.rglob("*"))
            if file.is_file() and not file.name.startswith(("_", "."))
        ]
    if mode == "overwrite" and dynamic and partition_depth and exists:
        return [(staging / rel, target / rel) for rel in partition_dirs(staging, partition_depth)]
    return [(staging, target)]


def publish(
    staging: Path, target: Path, mode: str, partition_depth: int = 0, dynamic: bool = False
) -> dict:
    """Move the finished ``staging`` output into ``target``; returns what was published."""
    paths = TablePaths(target)
    moves = plan_moves(staging, target, mode, partition_depth, dynamic)
    journal = {
        "staging": str(staging),
        "trash": str(paths.work / f"trash-{uuid.uuid4().hex[:12]}"),
        "moves": [[str(s), str(d)] for s, d in moves],
    }
    _write_json(paths.journal, journal)
    _finish(journal)
    paths.journal.unlink()
    _remove_if_empty(paths.work)
    return {"path": str(target), "moves": len(moves), "mode": mode, "dynamic": dynamic}


def recover(target: Path) -> bool:
    """Finish a publish that a killed run left half-done; True when there was one."""
    paths = TablePaths(target)
    if not paths.journal.exists():
        if paths.work.exists():  # staging from a run killed while Spark was still writing
            shutil.rmtree(paths.work, ignore_errors=True)
            _remove_if_empty(paths.work)
        return False
    _finish(json.loads(paths.journal.read_text()))
    paths.journal.unlink()
    _remove_if_empty(paths.work)
    return True


def recover_unless_busy(target: Path) -> str:
    """What :func:`recover` did for ``target`` (``rolled forward``, ``discarded``), ``""`` when
    nothing was left behind, or ``busy`` when a live writer holds the table (left alone)."""
    from filelock import Timeout

    paths = TablePaths(target)
    if not paths.work.exists():
        return ""
    try:
        with table_lock(target).acquire(timeout=0):
            if not paths.work.exists():
                return ""
            return "rolled forward" if recover(target) else "discarded"
    except Timeout:
        return "busy"


def _remove_if_empty(work: Path) -> None:
    for directory in (work, work.parent):
        try:
            if directory.exists():
                directory.rmdir()
        except OSError:
            return  # not empty: another table's work is in progress


def _finish(journal: dict) -> None:
    trash = Path(journal["trash"])
    for index, (source, destination) in enumerate(journal["moves"]):
        source, destination = Path(source), Path(destination)
        if not source.exists():
            continue  # done before the interruption
        if destination.exists():
            trash.mkdir(parents=True, exist_ok=True)
            os.rename(destination, trash / f"{index}-{destination.name}")
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.rename(source, destination)
    shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(journal["staging"], ignore_errors=True)


def _write_json(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(document))
    os.replace(temporary, path)
