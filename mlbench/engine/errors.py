"""The one exception type the engine raises for input a person has to fix."""

from __future__ import annotations


class MLBenchInputError(ValueError):
    """Bad data or bad options; ``message`` is written for the person who uploaded the file.

    ``field`` names the option or column at fault when there is one, so a form can put the
    message next to it.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
