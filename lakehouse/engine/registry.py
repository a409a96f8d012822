"""Find component and hook classes by short alias or by dotted class path."""

from __future__ import annotations

import difflib
import importlib

from .components.base import Component

ALIASES: dict[str, str] = {
    # sources
    "csv": "lakehouse.engine.components.sources.CsvSource",
    "read_csv": "lakehouse.engine.components.sources.CsvSource",
    "json": "lakehouse.engine.components.sources.JsonSource",
    "parquet": "lakehouse.engine.components.sources.ParquetSource",
    "jdbc": "lakehouse.engine.components.sources.JdbcSource",
    "table": "lakehouse.engine.components.sources.TableSource",
    "stream_file": "lakehouse.engine.components.streaming.FileStreamSource",
    # transforms
    "sql": "lakehouse.engine.components.transforms.SqlTransform",
    "select": "lakehouse.engine.components.transforms.SelectTransform",
    "rename": "lakehouse.engine.components.transforms.RenameTransform",
    "cast": "lakehouse.engine.components.transforms.CastTransform",
    "trim": "lakehouse.engine.components.transforms.TrimTransform",
    "filter": "lakehouse.engine.components.transforms.FilterTransform",
    "dedupe": "lakehouse.engine.components.transforms.DedupeTransform",
    "derive": "lakehouse.engine.components.transforms.DeriveTransform",
    "union": "lakehouse.engine.components.transforms.UnionTransform",
    # validators
    "quality": "lakehouse.engine.quality.QualityValidator",
    # sinks
    "write_parquet": "lakehouse.engine.components.sinks.ParquetSink",
    "write_jdbc": "lakehouse.engine.components.sinks.JdbcSink",
}

HOOK_ALIASES: dict[str, str] = {
    "logging": "lakehouse.engine.hooks.LoggingHook",
    "metrics": "lakehouse.engine.hooks.MetricsHook",
    "lineage": "lakehouse.engine.hooks.LineageHook",
}


class UnknownType(LookupError):
    """Raised with a message meant for people; callers attach the config location."""


def import_class(path: str) -> type:
    module_name, _, class_name = path.rpartition(".")
    if not module_name:
        raise UnknownType(f"{path!r} is not a dotted class path")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise UnknownType(f"cannot import module {module_name!r} for {path!r}: {error}") from None
    try:
        return getattr(module, class_name)
    except AttributeError:
        raise UnknownType(f"module {module_name!r} has no class {class_name!r}") from None


def resolve_component(type_name: str) -> type[Component]:
    path = ALIASES.get(type_name, type_name)
    if "." not in path:
        close = difflib.get_close_matches(type_name, list(ALIASES), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UnknownType(
            f"unknown component type {type_name!r}{hint} (use an alias: "
            f"{', '.join(sorted(ALIASES))}, or a class path like my_module.MySource)"
        )
    cls = import_class(path)
    if not (isinstance(cls, type) and issubclass(cls, Component)):
        raise UnknownType(f"{path!r} is not a Source, Transform, Validator or Sink subclass")
    return cls


def resolve_hook(type_name: str) -> type:
    from .hooks import Hook

    path = HOOK_ALIASES.get(type_name, type_name)
    if "." not in path:
        raise UnknownType(
            f"unknown hook {type_name!r} (built in: {', '.join(sorted(HOOK_ALIASES))}, "
            "or a class path)"
        )
    cls = import_class(path)
    if not (isinstance(cls, type) and issubclass(cls, Hook)):
        raise UnknownType(f"{path!r} is not a lakehouse.engine.hooks.Hook subclass")
    return cls
