"""Built-in components, importable as ``lakehouse.engine.components.<Class>``."""

from .base import Component, Sink, Source, StepContext, StepOutput, Transform, Validator
from .sinks import JdbcSink, ParquetSink
from .sources import CsvSource, JdbcSource, JsonSource, ParquetSource, TableSource
from .transforms import (
    CastTransform,
    DedupeTransform,
    DeriveTransform,
    FilterTransform,
    RenameTransform,
    SelectTransform,
    SqlTransform,
    TrimTransform,
    UnionTransform,
)

__all__ = [
    "CastTransform",
    "Component",
    "CsvSource",
    "DedupeTransform",
    "DeriveTransform",
    "FilterTransform",
    "JdbcSink",
    "JdbcSource",
    "JsonSource",
    "ParquetSink",
    "ParquetSource",
    "RenameTransform",
    "SelectTransform",
    "Sink",
    "Source",
    "SqlTransform",
    "StepContext",
    "StepOutput",
    "TableSource",
    "Transform",
    "TrimTransform",
    "UnionTransform",
    "Validator",
]
