"""Typed access to the options a user passes with a job (strings from forms and the CLI).

An option may be given for every task (``k=4``) or for one task (``kmeans.k=4``); the
task-specific one wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlbench.engine.errors import MLBenchInputError

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


class TaskOptions:
    def __init__(self, task: str, options: Mapping[str, Any] | None = None) -> None:
        self.task = task
        self._options = dict(options or {})

    def raw(self, name: str) -> Any:
        value = self._options.get(f"{self.task}.{name}", self._options.get(name))
        if isinstance(value, str):
            value = value.strip()
        return None if value in (None, "") else value

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.raw(name)
        return default if value is None else str(value)

    def integer(self, name: str, default: int, *, minimum: int | None = None) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise MLBenchInputError(
                f"Option {name} must be a whole number, got {value!r}.", field=name
            ) from None
        if minimum is not None and number < minimum:
            raise MLBenchInputError(
                f"Option {name} must be at least {minimum}, got {number}.", field=name
            )
        return number

    def number(self, name: str, default: float, *, low: float, high: float) -> float:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise MLBenchInputError(
                f"Option {name} must be a number, got {value!r}.", field=name
            ) from None
        if not low <= number <= high:
            raise MLBenchInputError(
                f"Option {name} must be between {low:g} and {high:g}, got {number:g}.", field=name
            )
        return number

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        word = str(value).lower()
        if word in TRUE_WORDS | FALSE_WORDS:
            return word in TRUE_WORDS
        raise MLBenchInputError(f"Option {name} must be true or false, got {value!r}.", field=name)

    def names(self, name: str) -> list[str] | None:
        """A list of column names, given as a list or as a comma-separated string."""
        value = self.raw(name)
        if value is None:
            return None
        items = value if isinstance(value, list | tuple) else str(value).split(",")
        names = [str(item).strip() for item in items if str(item).strip()]
        return names or None
