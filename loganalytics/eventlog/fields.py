"""Typed access to event fields: every wrong or missing value names its field."""

from __future__ import annotations

from datetime import UTC, datetime

from .errors import EventLogError


def _fail(path: str, expected: str, value: object) -> EventLogError:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return EventLogError(f"field '{path}' must be {expected}, got {shown}", field=path)


def obj(data: dict, name: str, path: str = "", *, required: bool = True) -> dict:
    full = f"{path}{name}"
    value = data.get(name)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise _fail(full, "an object", value)
    return value


def integer(data: dict, name: str, path: str = "", *, required: bool = True) -> int | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(f"{path}{name}", "an integer", value)
    return value


def text(data: dict, name: str, path: str = "", *, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise _fail(f"{path}{name}", "a string", value)
    return value


def boolean(data: dict, name: str, path: str = "", *, default: bool = False) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise _fail(f"{path}{name}", "true or false", value)
    return value


def int_list(data: dict, name: str, path: str = "") -> list[int]:
    value = data.get(name, [])
    if not isinstance(value, list) or any(
        isinstance(item, bool) or not isinstance(item, int) for item in value
    ):
        raise _fail(f"{path}{name}", "a list of integers", value)
    return value


def identifier(data: dict, name: str, path: str = "") -> str:
    """An id the seed API sends either as a number or as a string."""
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
        raise _fail(f"{path}{name}", "a string or an integer", value)
    return str(value)


def epoch_millis(data: dict, name: str, *, required: bool = True) -> int | None:
    """A time as epoch milliseconds, from epoch seconds, epoch milliseconds or ISO 8601."""
    value = data.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool):
        raise _fail(name, "a time", value)
    if isinstance(value, int | float):
        # Seconds until the year 5138, milliseconds after 1973: the two ranges do not overlap.
        return int(value * 1000) if abs(value) < 1e11 else int(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise _fail(name, "an ISO 8601 time or epoch number", value) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return int(parsed.timestamp() * 1000)
    raise _fail(name, "a time", value)
