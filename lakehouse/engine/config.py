"""Load a pipeline's HOCON: parse, apply ``--set`` overrides, resolve, and check for pyhocon traps.

Overrides are merged into the *unresolved* tree, so ``--set lake.root=/x`` also moves every
path written as ``${lake.root}/...``. The resolved tree becomes plain dicts and lists; typed
validation happens in :mod:`lakehouse.engine.spec`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import PipelineError, Problem
from .sourcemap import SourceMap, scan

_OVERRIDE_KEY = re.compile(r"^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$")


@dataclass
class RawConfig:
    """A resolved config as plain Python values, with where each key was defined."""

    data: dict
    sourcemap: SourceMap
    file: str = ""
    text: str = ""
    overrides: dict[str, str] = field(default_factory=dict)

    def problem(self, path: str, message: str, step: str = "") -> Problem:
        location = self.sourcemap.locate(path)
        if location is None:
            return Problem(message, path=path, file=self.file, step=step)
        line = location.line or None
        return Problem(message, path=path, file=location.file, line=line, step=step)


def parse_overrides(items: Iterable[str] | Mapping[str, object] | None) -> dict[str, str]:
    """``["a.b=1", ...]`` or ``{"a.b": 1}`` into ``{"a.b": "1"}``, rejecting malformed keys."""
    if not items:
        return {}
    pairs = items.items() if isinstance(items, Mapping) else (_split(i) for i in items)
    overrides: dict[str, str] = {}
    for key, value in pairs:
        key = key.strip()
        if not _OVERRIDE_KEY.match(key):
            raise PipelineError(
                Problem(f"override key {key!r} must be a dotted path like lake.root", file="--set")
            )
        overrides[key] = value if isinstance(value, str) else json.dumps(value)
    return overrides


def _split(item: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep:
        raise PipelineError(Problem(f"override {item!r} must read key=value", file="--set"))
    return key, value


def _hocon_value(value: str) -> str:
    """Quote a ``--set`` value unless it is already a HOCON/JSON literal.

    Unquoted, ``s3://bucket/x`` would turn into a comment after ``//``.
    """
    stripped = value.strip()
    if stripped[:1] in '[{"' and stripped:
        return stripped
    try:
        json.loads(stripped)
    except ValueError:
        return json.dumps(value)
    return stripped


def read_source(conf: str | os.PathLike) -> tuple[str, str, Path | None]:
    """``(text, file name, base directory)`` for a path or for HOCON text itself."""
    if isinstance(conf, os.PathLike) or ("\n" not in conf and conf.endswith(".conf")):
        path = Path(conf)
        if not path.is_file():
            raise PipelineError(Problem(f"config file not found: {path}", file=str(path)))
        return path.read_text(encoding="utf-8"), str(path), path.resolve().parent
    return str(conf), "<config>", None


def load_raw(
    conf: str | os.PathLike,
    *,
    overrides: Iterable[str] | Mapping[str, object] | None = None,
    basedir: str | os.PathLike | None = None,
) -> RawConfig:
    """Parse and resolve HOCON text or a ``.conf`` file, with overrides applied first."""
    from pyhocon import ConfigFactory, ConfigTree
    from pyhocon.config_parser import ConfigParser
    from pyhocon.exceptions import ConfigException

    text, file, base = read_source(conf)
    if basedir is not None:
        base = Path(basedir)
    parsed_overrides = parse_overrides(overrides)
    sourcemap = SourceMap()
    scan(text, file, base, sourcemap)
    sourcemap.add_overrides(list(parsed_overrides))
    try:
        tree = ConfigFactory.parse_string(text, basedir=str(base) if base else None, resolve=False)
        if parsed_overrides:
            extra = "\n".join(f"{k} = {_hocon_value(v)}" for k, v in parsed_overrides.items())
            tree = ConfigTree.merge_configs(tree, ConfigFactory.parse_string(extra, resolve=False))
        ConfigParser.resolve_substitutions(tree)
    except ConfigException as error:
        raise PipelineError(_config_exception_problem(error, text, file)) from None
    except Exception as error:  # pyparsing's ParseException and friends: broken syntax
        raise PipelineError(_syntax_problem(error, file)) from None
    if not isinstance(tree, ConfigTree):
        raise PipelineError(Problem("the config must be an object at the top level", file=file))
    raw = RawConfig(
        data=_plain(tree), sourcemap=sourcemap, file=file, text=text, overrides=parsed_overrides
    )
    problems = list(_trap_problems(raw))
    for missing, location in sourcemap.missing_includes:
        problems.append(
            Problem(f"included file not found: {missing}", file=location.file, line=location.line)
        )
    if problems:
        raise PipelineError(problems)
    return raw


def _plain(value):
    from pyhocon import ConfigTree
    from pyhocon.config_tree import NoneValue

    if isinstance(value, ConfigTree):
        return {_unquote(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, NoneValue):
        return None
    return value


def _unquote(key: str) -> str:
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] == '"' else key


def _trap_problems(raw: RawConfig):
    """Values pyhocon gets silently wrong: dotted keys, and nulls from ``${?VAR}`` chains."""

    def walk(value, path: str):
        if isinstance(value, dict):
            for key, child in value.items():
                child_path = f"{path}.{key}" if path else key
                if "." in key:
                    yield raw.problem(
                        child_path,
                        f"key {key!r} contains a dot; pyhocon mis-reads quoted dotted keys, "
                        "so write nested objects instead",
                    )
                yield from walk(child, child_path)
        elif isinstance(value, list):
            for index, child in enumerate(value):
                yield from walk(child, f"{path}[{index}]")
        elif value is None and not _literal_null(raw, path):
            yield raw.problem(
                path,
                "resolved to null: an unset ${?VAR} override replaced the value (pyhocon drops "
                "the default when several optional overrides are chained); keep one "
                "${?VAR} line after the default, or set the variable",
            )

    yield from walk(raw.data, "")


def _literal_null(raw: RawConfig, path: str) -> bool:
    location = raw.sourcemap.locations.get(path)
    if location is None or location.file != raw.file or not location.line:
        return False
    source_line = raw.text.splitlines()[location.line - 1]
    return re.search(r"[=:]\s*null\b", source_line) is not None


def _config_exception_problem(error: Exception, text: str, file: str) -> Problem:
    message = str(error)
    found = re.search(r"\$\{\??([^}]+)\}", message)
    line = None
    if found:
        index = text.find("${" + found.group(1)) if "${" + found.group(1) in text else -1
        if index < 0:
            index = text.find("${?" + found.group(1))
        line = text.count("\n", 0, index) + 1 if index >= 0 else None
        message = (
            f"cannot resolve substitution ${{{found.group(1)}}}: no such key (and no "
            "environment variable of that name)"
        )
    return Problem(message, file=file, line=line)


def _syntax_problem(error: Exception, file: str) -> Problem:
    line = getattr(error, "lineno", None)
    column = getattr(error, "col", None)
    detail = getattr(error, "msg", None) or str(error)
    if len(detail) > 80:  # pyparsing lists its whole grammar; say what it stumbled on instead
        source_line = getattr(error, "line", "") or ""
        found = source_line[column - 1 : column + 19] if column else ""
        detail = f"unexpected text at {found!r}" if found.strip() else "unexpected end of input"
    where = f" (column {column})" if column else ""
    return Problem(f"HOCON syntax error{where}: {detail}", file=file, line=line)
