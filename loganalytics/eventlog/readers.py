"""Find the files of an event log and stream their lines and JSON objects.

An event log is either one file (plain or compressed, ``.inprogress`` while running) or a
rolling directory ``eventlog_v2_<appId>/`` holding ``events_<N>_<appId>[.<codec>]`` files, an
``appstatus_<appId>[.inprogress]`` marker and, after the History Server compacted it, an
``events_<N>_...compact`` file that replaces every file before it. Lines are yielded as they are
decompressed; nothing holds more than one line and one block at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import orjson

from .codecs import DECODERS, codec_from_name, sniff_codec
from .errors import EventLogError
from .normalise import Event, normalise

ROLLING_PREFIX = "eventlog_v2_"
DEFAULT_MAX_LINE_BYTES = 64 << 20
_MAX_EVENTS_BEFORE_APP_START = 10_000
_EVENT_FILE = re.compile(r"^events_(\d+)_")


class RawEvent(NamedTuple):
    """One parsed JSON object, its text, and where it came from (a tuple: one per line)."""

    path: str
    line: int
    data: dict
    text: bytes


def log_files(path: str | Path) -> list[Path]:
    """The files to read, in order: the file itself, or a rolling directory's event files."""
    path = Path(path)
    if not path.exists():
        raise EventLogError("no such file or directory", path=path)
    if path.is_file():
        return [path]
    indexed = []
    for child in path.iterdir():
        name = child.name
        if name.startswith(".") or name.endswith(".crc") or not child.is_file():
            continue
        match = _EVENT_FILE.match(name)
        if match:
            indexed.append((int(match.group(1)), name.endswith(".compact"), child))
    if not indexed:
        raise EventLogError("directory holds no events_<N>_... files", path=path)
    indexed.sort(key=lambda item: (item[0], not item[1]))
    last_compact = max((i for i, item in enumerate(indexed) if item[1]), default=0)
    return [item[2] for item in indexed[last_compact:]]


def is_in_progress(path: str | Path) -> bool:
    """Whether Spark was still writing this log (``.inprogress`` file or status marker)."""
    path = Path(path)
    if path.is_dir():
        return any(child.name.endswith(".inprogress") for child in path.iterdir())
    return path.name.endswith(".inprogress")


def _decoded_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as stream:
        head = stream.read(16)
        stream.seek(0)
        named = codec_from_name(path.name)
        sniffed = sniff_codec(head)
        if named and sniffed != named and head:
            raise EventLogError(f"the name says {named} but the content is not {named}", path=path)
        codec = named or sniffed or "plain"
        try:
            yield from DECODERS[codec](stream)
        except EventLogError as exc:
            raise exc.located(path=path, line=None) from None


def iter_file_lines(
    path: Path, *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> Iterator[tuple[int, bytes, bool]]:
    """``(line number, line, complete)`` for each non-blank line of one file.

    ``complete`` is False only for a last line without its newline (a log cut mid-write).
    """
    number = 0
    pending: list[bytes] = []
    pending_size = 0
    for chunk in _decoded_chunks(path):
        parts = chunk.split(b"\n")
        if len(parts) == 1:
            pending.append(chunk)
            pending_size += len(chunk)
        else:
            parts[0] = b"".join([*pending, parts[0]])
            tail = parts.pop()
            for part in parts:
                number += 1
                if len(part) > max_line_bytes:
                    raise _too_long(path, number, max_line_bytes)
                if part.strip():
                    yield number, part, True
            pending, pending_size = [tail], len(tail)
        if pending_size > max_line_bytes:
            raise _too_long(path, number + 1, max_line_bytes)
    last = b"".join(pending)
    if last.strip():
        yield number + 1, last, False


def _too_long(path: Path, line: int, limit: int) -> EventLogError:
    return EventLogError(
        f"line is longer than {limit >> 20} MiB; this is not a Spark event log",
        path=path,
        line=line,
    )


def iter_lines(
    path: str | Path, *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> Iterator[bytes]:
    """Every complete line of an event log (file or rolling directory), decompressed."""
    yield from read_raw_events(path, max_line_bytes=max_line_bytes, parse=False)


def read_raw_events(
    path: str | Path, *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES, parse: bool = True
) -> Iterator:
    """Yield a :class:`RawEvent` per JSON line (or the raw line bytes when ``parse`` is False).

    A last line cut mid-write is dropped, as the History Server does; a line that is not a JSON
    object anywhere else raises :class:`EventLogError` naming the file and line. An empty log
    raises too: a file with no event in it is not an event log.
    """
    files = log_files(path)
    seen_any = False
    for file_index, file in enumerate(files):
        last_file = file_index == len(files) - 1
        name = str(file)
        for number, line, complete in iter_file_lines(file, max_line_bytes=max_line_bytes):
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                if not complete and last_file:
                    break  # an event still being written
                raise EventLogError(f"not JSON ({exc})", path=file, line=number) from None
            if not isinstance(data, dict):
                raise EventLogError(
                    f"expected a JSON object, got {type(data).__name__}", path=file, line=number
                )
            seen_any = True
            yield RawEvent(name, number, data, line) if parse else line
    if not seen_any:
        raise EventLogError(
            "no complete event in this log (empty, or cut before its first event ended)", path=path
        )


def read_events(
    path: str | Path, *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> Iterator[Event]:
    """Every event of a log in canonical form, each tagged with the log's application id.

    Native events only name their application in ``ApplicationStart``, a few lines in; the
    events before it wait (a bounded number of them) until it is known. A log without one
    takes its id from its name, as Spark names logs after the application.
    """
    fallback = app_id_from_name(path)
    pending: list[Event] = []
    app_id: str | None = None
    for raw in read_raw_events(path, max_line_bytes=max_line_bytes):
        try:
            event = normalise(raw.data, app_id=app_id)
        except EventLogError as exc:
            raise exc.located(path=raw.path, line=raw.line) from None
        if app_id is not None:
            yield event
            continue
        pending.append(event)
        if event.kind == "ApplicationStart" or len(pending) >= _MAX_EVENTS_BEFORE_APP_START:
            app_id = event.app_id if event.kind == "ApplicationStart" else fallback
            for waiting in pending:
                waiting.app_id = app_id
                yield waiting
            pending = []
    for waiting in pending:
        waiting.app_id = fallback
        yield waiting


def app_id_from_name(path: str | Path) -> str:
    """``local-1700000000000`` from ``local-1700000000000.zstd.inprogress`` or from
    ``eventlog_v2_local-1700000000000``."""
    name = Path(path).name.removeprefix(ROLLING_PREFIX).removesuffix(".inprogress")
    stem, dot, _ = name.rpartition(".")
    return stem if dot and codec_from_name(name) else name


def last_modified_millis(path: str | Path) -> int:
    """When the log was last written (the newest of its files), in epoch milliseconds."""
    # Whole milliseconds as Java's File.lastModified() gives them (float seconds can round down).
    return max(file.stat().st_mtime_ns // 1_000_000 for file in log_files(path))
