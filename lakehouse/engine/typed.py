"""Turn plain config dicts into dataclasses, collecting every type error with its config path.

Dataclass fields are the schema: a field without a default is required, unknown keys are
errors (with a "did you mean" hint), and ``list[...]``, ``dict[str, ...]``, ``X | None`` and
``Literal[...]`` are checked recursively.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from typing import Any, Literal, get_args, get_origin, get_type_hints

from .errors import Problem

Report = typing.Callable[[str, str], Problem]


class _Invalid(Exception):
    pass


def build(cls: type, data: Any, path: str, report: Report, problems: list[Problem]):
    """An instance of dataclass ``cls`` from ``data``; problems are appended, not raised."""
    try:
        return _convert(cls, data, path, report, problems)
    except _Invalid:
        return None


def _convert(hint: Any, value: Any, path: str, report: Report, problems: list[Problem]):
    origin = get_origin(hint)
    if hint is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        options = get_args(hint)
        if value is None and type(None) in options:
            return None
        non_null = [o for o in options if o is not type(None)]
        if len(non_null) == 1:
            return _convert(non_null[0], value, path, report, problems)
        errors: list[Problem] = []
        for option in non_null:
            attempt: list[Problem] = []
            try:
                result = _convert(option, value, path, report, attempt)
            except _Invalid:
                errors.extend(attempt)
                continue
            if not attempt:
                return result
            errors.extend(attempt)
        names = " or ".join(_type_name(o) for o in non_null)
        return _fail(path, f"expected {names}, got {_describe(value)}", report, problems)
    if origin is Literal:
        allowed = get_args(hint)
        if value not in allowed:
            choices = ", ".join(repr(a) for a in allowed)
            return _fail(path, f"must be one of {choices}, got {value!r}", report, problems)
        return value
    if dataclasses.is_dataclass(hint):
        return _dataclass(hint, value, path, report, problems)
    if origin is list:
        if not isinstance(value, list):
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                value = [value]  # a single value where a list is expected: be forgiving
            else:
                return _fail(path, f"expected a list, got {_describe(value)}", report, problems)
        (item,) = get_args(hint) or (Any,)
        return [_convert(item, v, f"{path}[{i}]", report, problems) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            return _fail(path, f"expected an object, got {_describe(value)}", report, problems)
        _, item = get_args(hint) or (str, Any)
        return {k: _convert(item, v, f"{path}.{k}", report, problems) for k, v in value.items()}
    if hint is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "on", "off"):
            return value.lower() in ("true", "yes", "on")
        return _fail(path, f"expected true or false, got {_describe(value)}", report, problems)
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        return _fail(path, f"expected a whole number, got {_describe(value)}", report, problems)
    if hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        try:
            return float(value)
        except (TypeError, ValueError):
            return _fail(path, f"expected a number, got {_describe(value)}", report, problems)
    if hint is str:
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return _fail(path, f"expected text, got {_describe(value)}", report, problems)
    return value


def _dataclass(cls: type, value: Any, path: str, report: Report, problems: list[Problem]):
    if not isinstance(value, dict):
        return _fail(path, f"expected an object, got {_describe(value)}", report, problems)
    hints = get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    known = {f.metadata.get("key", f.name): f.name for f in fields.values()}
    kwargs: dict[str, Any] = {}
    before = len(problems)
    for key, item in value.items():
        child = f"{path}.{key}" if path else key
        if key not in known:
            hint = difflib.get_close_matches(key, list(known), n=1)
            suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
            allowed = ", ".join(sorted(known)) or "none"
            message = f"unknown field {key!r}{suggestion} (allowed: {allowed})"
            problems.append(report(child, message))
            continue
        name = known[key]
        try:
            kwargs[name] = _convert(hints[name], item, child, report, problems)
        except _Invalid:
            continue
    for name, f in fields.items():
        key = f.metadata.get("key", name)
        missing = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if missing and key not in value:
            problems.append(report(f"{path}.{key}" if path else key, "is required"))
    if len(problems) > before:
        raise _Invalid
    return cls(**kwargs)


def _fail(path: str, message: str, report: Report, problems: list[Problem]):
    problems.append(report(path, message))
    raise _Invalid


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _type_name(hint: Any) -> str:
    if dataclasses.is_dataclass(hint):
        return "an object"
    origin = get_origin(hint)
    if origin is list:
        return "a list"
    if origin is dict:
        return "an object"
    return getattr(hint, "__name__", str(hint))
