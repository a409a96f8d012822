"""One plain-language sentence per operation, written at analysis time from its arguments."""

from __future__ import annotations

import ast
from contextvars import ContextVar

from .model import Operation
from .source import SourceText

MAX_EXPR = 70
# The submission being described: set by describe() for the helpers below.
_current: ContextVar[tuple[SourceText, str]] = ContextVar("described_source")


FORMAT_NAMES = {
    "csv": "CSV",
    "json": "JSON",
    "parquet": "Parquet",
    "orc": "ORC",
    "avro": "Avro",
    "delta": "Delta",
    "jdbc": "JDBC",
    "text": "text",
    "xml": "XML",
    "kafka": "Kafka",
    "memory": "memory",
    "console": "console",
    "iceberg": "Iceberg",
    "hudi": "Hudi",
}


def format_name(fmt: str | None) -> str:
    return FORMAT_NAMES.get((fmt or "").lower(), fmt or "data")


def code(node: ast.AST | None) -> str:
    source, file = _current.get()
    return source.of(file, node, MAX_EXPR)


def _args(op: Operation) -> list[ast.expr]:
    return list(getattr(op.node, "args", []) or [])


def _keyword(op: Operation, name: str) -> ast.expr | None:
    return next((k.value for k in getattr(op.node, "keywords", []) if k.arg == name), None)


def _listing(op: Operation, limit: int = 4) -> str:
    parts = [code(a) for a in _args(op)]
    if len(parts) > limit:
        parts = [*parts[:limit], f"and {len(parts) - limit} more"]
    return ", ".join(parts) or "nothing"


def _where(detail: dict) -> str:
    where = detail.get("path_or_table")
    return f"`{where}`" if where else "a location only known at run time"


def describe(op: Operation, source: SourceText) -> str:
    token = _current.set((source, op.file))
    try:
        return _describe(op)
    finally:
        _current.reset(token)


def _describe(op: Operation) -> str:
    method = op.method
    detail = op.detail
    short = method.rpartition(".")[2]
    if op.api == "source":
        return _describe_source(op)
    if op.api == "sink":
        return _describe_sink(op)
    if method == "sql":
        tables = detail.get("tables") or []
        if detail.get("table_written"):
            return f"Run a SQL statement that writes table `{detail['table_written']}`"
        if tables:
            return "Run a SQL query over " + ", ".join(f"`{t}`" for t in tables)
        return "Run a SQL query (its text is only known at run time)"
    simple = _SIMPLE.get(short)
    if simple:
        return simple(op)
    return f"Call {short}({_listing(op, 2)})"


def _describe_source(op: Operation) -> str:
    detail = op.detail
    fmt = format_name(detail.get("format"))
    if op.method == "createDataFrame":
        return "Build a DataFrame from " + (
            "local Python data" if detail.get("local") else "an RDD or pandas data"
        )
    if op.method in ("range", "sc.range"):
        return "Generate a range of numbers"
    if op.method.startswith("sc."):
        if op.method == "sc.parallelize":
            return "Distribute local Python data as an RDD"
        return f"Read text lines from {_where(detail)} as an RDD"
    if detail.get("format") == "table" or op.method.endswith(".table") or op.method == "table":
        return f"Read table {_where(detail)}"
    stream = "Read a stream of" if op.streaming else "Read"
    options = [k for k, v in (detail.get("options") or {}).items() if v not in (None, "false")]
    extra = f" (options: {', '.join(options[:4])})" if options else ""
    return f"{stream} {fmt} data from {_where(detail)}{extra}"


def _describe_sink(op: Operation) -> str:
    detail = op.detail
    fmt = detail.get("format")
    parts = []
    if op.method.startswith("writeStream"):
        target = f" to {_where(detail)}" if detail.get("path_or_table") else ""
        if fmt == "foreachBatch":
            text = "Start a streaming query that hands each micro-batch to a function"
        else:
            text = f"Start a streaming query writing {format_name(fmt)}{target}"
        if detail.get("mode"):
            parts.append(f"output mode {detail['mode']}")
    else:
        kind = "table" if op.method.endswith(("saveAsTable", "insertInto")) else (format_name(fmt))
        text = f"Write {kind} to {_where(detail)}"
        parts.append(
            f"mode {detail['mode']}"
            if detail.get("mode")
            else "default mode, which fails if the output exists"
        )
    if detail.get("partition_by"):
        parts.append("partitioned by " + ", ".join(detail["partition_by"]))
    return text + (f" ({'; '.join(parts)})" if parts else "")


def _join(op: Operation) -> str:
    args = _args(op)
    other = code(args[0]) if args else code(_keyword(op, "other")) or "another DataFrame"
    on = op.detail.get("on_node")
    how = op.detail.get("how", "inner")
    if op.method == "crossJoin" or on is None:
        text = f"Pair every row with every row of {other} (cartesian product)"
    else:
        text = f"Join with {other} on {code(on)} ({how} join)"
    if not op.shuffle:
        text += ", broadcasting the smaller side so no shuffle is needed"
    return text


def _count(op: Operation) -> str:
    return "Count rows per group" if op.api == "grouped" else "Count the rows"


def _partitions(op: Operation) -> str:
    number = op.detail.get("partitions")
    target = f"{number} partitions" if number is not None else f"partitions ({_listing(op)})"
    verb = "Merge down to" if op.method == "coalesce" else "Redistribute rows into"
    return f"{verb} {target}"


_SIMPLE = {
    "filter": lambda op: f"Keep rows where {_listing(op, 1)}",
    "where": lambda op: f"Keep rows where {_listing(op, 1)}",
    "select": lambda op: f"Select {_listing(op)}",
    "selectExpr": lambda op: f"Select expressions {_listing(op)}",
    "withColumn": lambda op: (
        f"Set column {code(_args(op)[0])} to {code(_args(op)[1])}"
        if len(_args(op)) > 1
        else "Add a column"
    ),
    "withColumns": lambda op: f"Set several columns ({_listing(op, 1)})",
    "withColumnRenamed": lambda op: f"Rename column {_listing(op, 2).replace(', ', ' to ', 1)}",
    "drop": lambda op: f"Drop {_listing(op)}",
    "join": _join,
    "crossJoin": _join,
    "groupBy": lambda op: f"Group rows by {_listing(op)}",
    "groupby": lambda op: f"Group rows by {_listing(op)}",
    "agg": lambda op: f"Aggregate: {_listing(op)}",
    "count": _count,
    "sum": lambda op: f"Sum {_listing(op)} per group",
    "avg": lambda op: f"Average {_listing(op)} per group",
    "mean": lambda op: f"Average {_listing(op)} per group",
    "max": lambda op: f"Take the maximum of {_listing(op)} per group",
    "min": lambda op: f"Take the minimum of {_listing(op)} per group",
    "pivot": lambda op: f"Pivot {_listing(op, 1)} into columns",
    "distinct": lambda op: "Remove duplicate rows",
    "dropDuplicates": lambda op: (
        f"Remove duplicate rows (by {_listing(op)})" if _args(op) else "Remove duplicate rows"
    ),
    "orderBy": lambda op: f"Sort all rows by {_listing(op)}",
    "sort": lambda op: f"Sort all rows by {_listing(op)}",
    "sortWithinPartitions": lambda op: f"Sort within each partition by {_listing(op)}",
    "repartition": _partitions,
    "coalesce": _partitions,
    "union": lambda op: f"Append the rows of {_listing(op, 1)} (matched by position)",
    "unionAll": lambda op: f"Append the rows of {_listing(op, 1)} (matched by position)",
    "unionByName": lambda op: f"Append the rows of {_listing(op, 1)} (matched by name)",
    "limit": lambda op: f"Keep only the first {_listing(op, 1)} rows",
    "cache": lambda op: "Cache the result for reuse",
    "persist": lambda op: "Persist the result for reuse",
    "unpersist": lambda op: "Release the cached data",
    "checkpoint": lambda op: "Checkpoint the data (runs a job now)",
    "localCheckpoint": lambda op: "Checkpoint the data locally, cutting the lineage",
    "createOrReplaceTempView": lambda op: f"Register it as the SQL view {_listing(op, 1)}",
    "createTempView": lambda op: f"Register it as the SQL view {_listing(op, 1)}",
    "withWatermark": lambda op: f"Set an event-time watermark ({_listing(op, 2)})",
    "hint": lambda op: f"Add the optimizer hint {_listing(op, 1)}",
    "collect": lambda op: "Collect every row to the driver",
    "toLocalIterator": lambda op: "Stream the rows to the driver one partition at a time",
    "show": lambda op: "Print rows to the console",
    "display": lambda op: "Display rows in the notebook",
    "take": lambda op: f"Fetch {_listing(op, 1)} rows to the driver",
    "head": lambda op: "Fetch the first rows to the driver",
    "first": lambda op: "Fetch the first row to the driver",
    "toPandas": lambda op: "Convert everything to a pandas DataFrame on the driver",
    "isEmpty": lambda op: "Check whether there is any row",
    "foreach": lambda op: "Run a Python function on every row",
    "foreachPartition": lambda op: "Run a Python function on every partition",
    "rdd": lambda op: "Convert to an RDD of Row objects",
    "map": lambda op: "Apply a Python function to every element",
    "flatMap": lambda op: "Apply a Python function that returns several elements per element",
    "mapValues": lambda op: "Apply a Python function to every value",
    "reduceByKey": lambda op: "Combine the values of each key",
    "groupByKey": lambda op: "Gather all values of each key together",
    "sortBy": lambda op: "Sort the RDD",
    "sortByKey": lambda op: "Sort the RDD by key",
    "toDF": lambda op: (
        "Turn it into a DataFrame" + (f" with columns {_listing(op)}" if _args(op) else "")
    ),
    "transform": lambda op: f"Apply {_listing(op, 1)}",
    "foreachBatch": lambda op: "Hand each micro-batch to a function as a plain DataFrame",
    "describe": lambda op: "Compute summary statistics",
    "summary": lambda op: "Compute summary statistics",
    "explode": lambda op: "Turn array elements into rows",
    "fillna": lambda op: "Fill missing values",
    "dropna": lambda op: "Drop rows with missing values",
    "fill": lambda op: "Fill missing values",
    "sample": lambda op: "Take a random sample of the rows",
    "intersect": lambda op: f"Keep rows also present in {_listing(op, 1)}",
    "subtract": lambda op: f"Remove rows present in {_listing(op, 1)}",
    "exceptAll": lambda op: f"Remove rows present in {_listing(op, 1)}",
    "alias": lambda op: f"Name this DataFrame {_listing(op, 1)}",
}
