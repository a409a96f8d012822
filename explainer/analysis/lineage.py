"""Sources, sinks, table-level and column-level lineage from the recorded operations."""

from __future__ import annotations

from .dag import ancestors
from .model import Operation

LOCAL_SOURCES = frozenset({"createDataFrame", "range", "sc.parallelize", "sc.range", "sc.emptyRDD"})


def sources_and_sinks(ops: list[Operation]) -> tuple[list[dict], list[dict], dict[int, list]]:
    """Public source/sink records, plus which records each operation id stands for."""
    sources: list[dict] = []
    sinks: list[dict] = []
    records: dict[int, list] = {}
    for op in ops:
        detail = op.detail
        if op.api == "source" and op.method not in LOCAL_SOURCES:
            record = {
                "format": detail.get("format"),
                "path_or_table": detail.get("path_or_table"),
                "line": op.line,
                "file": op.file,
                "options": clean_options(detail.get("options")),
                "streaming": op.streaming,
                "operation": op.id,
            }
            sources.append(record)
            records.setdefault(op.id, []).append(("source", record))
        elif op.api == "sink":
            record = {
                "format": detail.get("format"),
                "path_or_table": detail.get("path_or_table"),
                "line": op.line,
                "file": op.file,
                "mode": detail.get("mode"),
                "options": clean_options(detail.get("options")),
                "partition_by": list(detail.get("partition_by") or []),
                "streaming": op.method.startswith("writeStream"),
                "operation": op.id,
            }
            sinks.append(record)
            records.setdefault(op.id, []).append(("sink", record))
        elif op.api == "sql":
            for table in detail.get("tables_read") or []:
                record = {
                    "format": "table",
                    "path_or_table": table,
                    "line": op.line,
                    "file": op.file,
                    "options": {},
                    "streaming": False,
                    "operation": op.id,
                }
                sources.append(record)
                records.setdefault(op.id, []).append(("source", record))
            if detail.get("table_written"):
                record = {
                    "format": "table",
                    "path_or_table": detail["table_written"],
                    "line": op.line,
                    "file": op.file,
                    "mode": detail.get("write_mode"),
                    "options": {},
                    "partition_by": [],
                    "streaming": False,
                    "operation": op.id,
                }
                sinks.append(record)
                records.setdefault(op.id, []).append(("sink", record))
    return sources, sinks, records


def clean_options(options: dict | None) -> dict:
    secret_words = ("password", "secret", "token", "key")
    return {
        key: ("***" if any(word in key.lower() for word in secret_words) else value)
        for key, value in (options or {}).items()
    }


def build_lineage(ops: list[Operation], records: dict[int, list]) -> dict:
    by_id = {op.id: op for op in ops}
    tables = []
    seen = set()
    for op_id, entries in records.items():
        for role, sink in entries:
            if role != "sink":
                continue
            upstream = ancestors(op_id, by_id) | {op_id}
            for source_id in sorted(upstream):
                for source_role, source in records.get(source_id, []):
                    if source_role != "source":
                        continue
                    key = (
                        source["path_or_table"],
                        sink["path_or_table"],
                        source["line"],
                        sink["line"],
                    )
                    if key in seen:
                        continue
                    seen.add(key)
                    tables.append(
                        {
                            "from": source["path_or_table"],
                            "from_format": source["format"],
                            "from_line": source["line"],
                            "to": sink["path_or_table"],
                            "to_format": sink["format"],
                            "to_line": sink["line"],
                        }
                    )
    columns = []
    for op in ops:
        for out, inputs, expression in op.detail.get("column_exprs") or []:
            if inputs == [out] and expression in ("", repr(out), f"F.col({out!r})"):
                continue
            columns.append(
                {
                    "operation": op.id,
                    "line": op.line,
                    "column": out,
                    "from": list(inputs),
                    "expression": expression,
                }
            )
    return {"tables": tables, "columns": columns}
