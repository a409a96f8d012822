"""A small Spark DDL schema parser, so schemas are checked at start-up without a JVM."""

from __future__ import annotations

import re

_SIMPLE = {
    "string",
    "varchar",
    "char",
    "int",
    "integer",
    "bigint",
    "long",
    "smallint",
    "short",
    "tinyint",
    "byte",
    "double",
    "float",
    "real",
    "boolean",
    "bool",
    "date",
    "timestamp",
    "timestamp_ntz",
    "timestamp_ltz",
    "binary",
    "decimal",
    "numeric",
    "dec",
}
_CANONICAL = {
    "integer": "int",
    "long": "bigint",
    "short": "smallint",
    "byte": "tinyint",
    "bool": "boolean",
    "real": "float",
    "numeric": "decimal",
    "dec": "decimal",
}
_DECIMAL = re.compile(r"^(decimal|numeric|dec)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$")


def split_top_level(text: str, separator: str = ",") -> list[str]:
    parts, depth, current = [], 0, []
    for ch in text:
        if ch in "(<":
            depth += 1
        elif ch in ")>":
            depth -= 1
        if ch == separator and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def normalise_type(type_text: str) -> str:
    """The canonical Spark type name; raises ValueError for types Spark does not know."""
    text = type_text.strip().lower()
    decimal = _DECIMAL.match(text)
    if decimal:
        precision, scale = int(decimal.group(2)), int(decimal.group(3) or 0)
        if not 0 < precision <= 38 or scale > precision:
            raise ValueError(f"decimal({precision},{scale}) is out of range")
        return f"decimal({precision},{scale})"
    for wrapper in ("array", "map", "struct"):
        if text.startswith(wrapper + "<") and text.endswith(">"):
            inner = text[len(wrapper) + 1 : -1]
            if wrapper == "struct":
                fields = parse_schema(inner.replace(":", " "))
                return "struct<" + ",".join(f"{n}:{t}" for n, t in fields) + ">"
            items = [normalise_type(t) for t in split_top_level(inner)]
            return f"{wrapper}<{','.join(items)}>"
    base = re.sub(r"\(\s*\d+\s*\)$", "", text)
    if base not in _SIMPLE:
        raise ValueError(f"unknown type {type_text.strip()!r}")
    if base == "decimal":
        return "decimal(10,0)"
    return _CANONICAL.get(base, base)


def parse_schema(ddl: str) -> list[tuple[str, str]]:
    """``"id string, amount decimal(12,2)"`` into ``[("id", "string"), ...]``."""
    fields = []
    for part in split_top_level(ddl):
        match = re.match(r"^(`[^`]+`|[A-Za-z_]\w*)\s*:?\s+(.+?)(\s+not\s+null)?$", part, re.I)
        if not match:
            raise ValueError(f"cannot read field {part!r}; write 'name type'")
        fields.append((match.group(1).strip("`"), normalise_type(match.group(2))))
    if not fields:
        raise ValueError("the schema is empty")
    return fields
