"""Aggregate a big log in a second process while this one stores its lines.

Parsing and aggregating take most of an import's CPU, storing the raw lines little. So a child
process (``python -m loganalytics.eventlog.background``) reads, normalises and aggregates the
log, and streams back, for each event in log order, what the database needs besides the line
itself (identity, kind, times); this process reads the same lines again (decompressing is
cheap) and stores them, then receives the finished model. On two cores the two run side by
side, next to the database.

The child is a fresh interpreter, not a fork: the parent may be a web or RQ worker holding
threads and database connections.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .aggregate import aggregate
from .errors import EventLogError
from .model import ApplicationModel
from .normalise import normalise
from .readers import iter_file_lines, log_files, read_raw_events

# (identity, kind, time, order_time, order_rank) of one event
EventRow = tuple[str, str, "int | None", int, int]

_ROWS_PER_MESSAGE = 2000
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]


class BackgroundAggregate:
    """One log aggregated by a child process; iterate :meth:`rows`, then take :meth:`model`.

    Use it as a context manager: leaving early (an error here) stops the child.
    """

    def __init__(self, path: str | Path, *, app_id: str, last_updated: int | None) -> None:
        self.path = Path(path)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(_PACKAGE_ROOT), *filter(None, [env.get("PYTHONPATH")])]
        )
        # A file, not a pipe: a child writing many warnings must never block on a full pipe.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "loganalytics.eventlog.background",
                str(self.path),
                app_id,
                "" if last_updated is None else str(last_updated),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
        )
        self._model: ApplicationModel | None = None

    def __enter__(self) -> BackgroundAggregate:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def rows(self) -> Iterator[tuple[bytes, EventRow]]:
        """``(line, row)`` for every event of the log, in log order, as the child read them."""
        lines = self._lines()
        stream = self._process.stdout
        while True:
            message = self._receive(stream)
            kind = message[0]
            if kind == "rows":
                for row in message[1]:
                    line = next(lines, None)
                    if line is None or len(line) != row[5]:
                        raise EventLogError("the log changed while it was read", path=self.path)
                    yield line, row[:5]
            elif kind == "model":
                self._model = message[1]
                return
            else:
                reason, path, line, field = message[1]
                raise EventLogError(reason, path=path, line=line, field=field)

    def model(self) -> ApplicationModel:
        """The aggregated model; call after :meth:`rows` is exhausted."""
        if self._model is None:
            raise RuntimeError("the rows were not all read")
        return self._model

    def _lines(self) -> Iterator[bytes]:
        for file in log_files(self.path):
            for _, line, _ in iter_file_lines(file):
                yield line

    def _receive(self, stream):
        try:
            return pickle.load(stream)
        except EOFError:
            self._process.wait()
            self._stderr.seek(0)
            detail = self._stderr.read().decode(errors="replace").strip()
            raise RuntimeError(
                f"parsing {self.path} in the background stopped (exit code "
                f"{self._process.returncode}): {detail[-2000:]}"
            ) from None

    def close(self) -> None:
        process = self._process
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()
        self._stderr.close()


def _serve(path: str, app_id: str, last_updated: int | None, out) -> None:
    batch: list[tuple] = []

    def send(message) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)

    def events():
        for raw in read_raw_events(path):
            try:
                event = normalise(raw.data, app_id=app_id)
            except EventLogError as error:
                raise error.located(path=raw.path, line=raw.line) from None
            order_time, order_rank, identity = event.order_key
            batch.append((identity, event.kind, event.time, order_time, order_rank, len(raw.text)))
            if len(batch) >= _ROWS_PER_MESSAGE:
                send(("rows", batch))  # written out at once: the list can be reused
                batch.clear()
            yield event

    try:
        model = aggregate(events(), app_id=app_id, last_updated=last_updated)
    except EventLogError as error:
        send(("error", (error.reason, error.path, error.line, error.field)))
        return
    if batch:
        send(("rows", batch))
    send(("model", model))


def main() -> None:
    path, app_id, last_updated = sys.argv[1:4]
    # The message stream owns stdout: anything printed goes to stderr instead.
    out = os.fdopen(os.dup(1), "wb", buffering=1 << 20)
    os.dup2(2, 1)
    try:
        _serve(path, app_id, int(last_updated) if last_updated else None, out)
    finally:
        out.close()


if __name__ == "__main__":
    main()
