"""Static column lists: what a DataFrame's columns are, when the code says so."""

from __future__ import annotations

import ast
import re

from .model import Column, Text

# Transformations that keep their input's columns in the same order.
PRESERVING = frozenset(
    [
        "filter",
        "where",
        "limit",
        "offset",
        "sample",
        "distinct",
        "dropDuplicates",
        "drop_duplicates",
        "orderBy",
        "sort",
        "sortWithinPartitions",
        "cache",
        "persist",
        "unpersist",
        "repartition",
        "repartitionByRange",
        "coalesce",
        "hint",
        "withWatermark",
        "alias",
        "localCheckpoint",
        "checkpoint",
        "dropna",
        "fillna",
        "replace",
        "dropDuplicatesWithinWatermark",
    ]
)
DDL_FIELD = re.compile(r"^\s*`?([A-Za-z_][\w]*)`?\s*:?\s+\w")


def literal_int(node: ast.AST | None) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def names_from_values(values: list) -> list[str]:
    """Column names given as strings, lists of strings or plain column references."""
    names: list[str] = []
    for value in values:
        if isinstance(value, Text) and value.value is not None:
            names.append(value.value)
        elif isinstance(value, Column) and value.alias:
            names.append(value.alias)
        elif isinstance(value, list):
            names.extend(names_from_values(value))
    return names


def schema_columns(schema) -> list[str] | None:
    """Column names of a DDL string, a list of names or a StructType literal."""
    if isinstance(schema, Text) and schema.value:
        names = []
        for field in _split_top_level(schema.value):
            match = DDL_FIELD.match(field)
            if not match:
                return None
            names.append(match.group(1))
        return names or None
    if isinstance(schema, list) and schema and all(isinstance(v, Text) for v in schema):
        return names_from_values(schema)
    if isinstance(schema, StructSchema):
        return schema.names
    return None


class StructSchema:
    """A ``StructType([StructField('a', ...), ...])`` literal."""

    def __init__(self, names: list[str]):
        self.names = names


def struct_schema(node: ast.Call) -> StructSchema | None:
    fields = node.args[0] if node.args else None
    if not isinstance(fields, (ast.List, ast.Tuple)):
        return None
    names = []
    for field in fields.elts:
        if not (isinstance(field, ast.Call) and field.args):
            return None
        first = field.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            return None
        names.append(first.value)
    return StructSchema(names)


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, []
    for char in text:
        if char in "<(":
            depth += 1
        elif char in ">)":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


def derive_columns(
    name: str, columns: list[str] | None, args: list, kwargs: dict, keys: list[str] | None = None
) -> list[str] | None:
    """The output columns of ``name`` applied to a DataFrame with ``columns``, when knowable."""
    if name in PRESERVING:
        return columns
    if name == "toDF":
        names = names_from_values(args)
        return names if names and len(names) == len(args) else None
    if name == "select":
        return _selected(columns, args)
    if name == "withColumn" and columns is not None and args:
        new = args[0].value if isinstance(args[0], Text) else None
        if new is None:
            return None
        return columns if new in columns else [*columns, new]
    if name == "withColumnRenamed" and columns is not None and len(args) >= 2:
        old, new = (a.value if isinstance(a, Text) else None for a in args[:2])
        return [new if c == old else c for c in columns] if old and new else None
    if name == "drop" and columns is not None:
        dropped = set(names_from_values(args))
        return [c for c in columns if c not in dropped]
    if keys is not None:
        return _aggregated(name, keys, args)
    return None


def _selected(columns: list[str] | None, args: list) -> list[str] | None:
    names: list[str] = []
    for value in args:
        if isinstance(value, list):
            nested = _selected(columns, value)
            if nested is None:
                return None
            names.extend(nested)
        elif isinstance(value, Text) and value.value == "*":
            if columns is None:
                return None
            names.extend(columns)
        elif isinstance(value, Text) and value.value:
            names.append(value.value)
        elif isinstance(value, Column) and value.alias:
            names.append(value.alias)
        else:
            return None
    return names


def _aggregated(name: str, keys: list[str], args: list) -> list[str] | None:
    if name == "count":
        return [*keys, "count"]
    if name == "agg":
        out = []
        for value in args:
            if not (isinstance(value, Column) and value.alias):
                return None
            out.append(value.alias)
        return [*keys, *out]
    if name in ("sum", "avg", "mean", "min", "max"):
        label = "avg" if name == "mean" else name
        names = names_from_values(args)
        return [*keys, *(f"{label}({n})" for n in names)] if names else None
    return None
