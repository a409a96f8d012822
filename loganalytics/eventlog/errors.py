"""The one error type every bad event log raises: it always says which file and which line."""

from __future__ import annotations

from pathlib import Path


class EventLogError(ValueError):
    """An event log (or one event in it) that sparkhub cannot read.

    ``path`` is the file (``None`` for events that did not come from a file, such as an HTTP
    body), ``line`` the 1-based line in that file (``None`` when the problem is the whole file,
    e.g. an unknown compression frame), ``field`` the event field at fault when there is one.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = []
        if self.path is not None:
            where.append(self.path)
        if self.line is not None:
            where.append(f"line {self.line}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.reason}" if prefix else self.reason

    def located(self, *, path: str | Path | None, line: int | None) -> EventLogError:
        """The same error, placed in a file and line (keeps what it already knew)."""
        return EventLogError(
            self.reason,
            path=self.path if self.path is not None else path,
            line=self.line if self.line is not None else line,
            field=self.field,
        )
