"""Readers and writers: formats, paths, options, modes and the jobs reads start by themselves."""

from __future__ import annotations

import ast
import dataclasses

from . import catalog
from .columns import names_from_values, schema_columns
from .model import Frame, Function, Reader, StreamQuery, Text, Writer


def _text(value) -> str | None:
    return value.value if isinstance(value, Text) and value.value is not None else None


class ReadWriteCalls:
    """Mixed into :class:`.calls.Calls`; ``self.i`` is the interpreter."""

    # ----------------------------------------------------------------- reader
    def reader_method(self, reader: Reader, name: str, node: ast.Call):
        args, kwargs = self.arguments(node)
        line = _token_line(node)
        if name in catalog.READER_SETTERS:
            reader = dataclasses.replace(
                reader, options=dict(reader.options), option_lines=dict(reader.option_lines)
            )
            if name == "format":
                reader.fmt = (_text(args[0] if args else None) or "").lower() or None
            elif name == "option" and len(args) >= 2:
                key = _text(args[0])
                if key:
                    reader.options[key] = option_text(args[1], node.args[1])
                    reader.option_lines[key] = line
            elif name == "options":
                for key, value in kwargs.items():
                    reader.options[key] = _text(value)
                    reader.option_lines[key] = _keyword_line(node, key, line)
            elif name == "schema":
                reader.schema = True
                reader.columns = schema_columns(args[0] if args else None)
            return reader
        if name not in catalog.READER_FORMATS:
            return None
        return self.read(reader, name, node, args, kwargs)

    def read(self, reader: Reader, name: str, node: ast.Call, args: list, kwargs: dict):
        fmt = reader.fmt if name == "load" else name
        options = dict(reader.options)
        lines = dict(reader.option_lines)
        for key, value in kwargs.items():
            if key not in ("path", "schema", "properties"):
                options[key] = option_text(value, _keyword(node, key))
                lines[key] = _keyword_line(node, key, _token_line(node))
        schema = reader.schema or kwargs.get("schema") is not None
        columns = reader.columns or schema_columns(kwargs.get("schema"))
        if name == "jdbc":
            where = _text(args[1] if len(args) > 1 else kwargs.get("table"))
            if kwargs.get("predicates") is not None or len(args) > 6:
                options["predicates"] = "given"
        elif name == "table":
            where = _text(args[0] if args else kwargs.get("tableName"))
        else:
            where = _text(args[0] if args else kwargs.get("path"))
            if where is None and fmt == "jdbc":
                where = options.get("dbtable") or options.get("query")
            if where is None and fmt == "kafka":
                where = options.get("subscribe") or options.get("subscribePattern")
        prefix = "readStream" if reader.streaming else "read"
        op = self.new_op(
            f"{prefix}.{name}",
            node,
            [],
            api="source",
            columns=columns,
            detail={
                "format": fmt,
                "path_or_table": where,
                "options": options,
                "option_lines": lines,
                "schema": schema,
            },
        )
        op.streaming = reader.streaming
        if not reader.streaming:
            op.hidden_jobs.extend(read_jobs(fmt, options, schema))
        return Frame(ops=(op.id,))

    # ----------------------------------------------------------------- writer
    def writer_method(self, writer: Writer, name: str, node: ast.Call):
        args, kwargs = self.arguments(node)
        if name in catalog.WRITER_SETTERS:
            writer = dataclasses.replace(
                writer, options=dict(writer.options), partition_by=list(writer.partition_by)
            )
            if name == "mode":
                writer.mode_set = True
                writer.mode = _text(args[0] if args else kwargs.get("saveMode"))
            elif name == "format":
                writer.fmt = _text(args[0] if args else None)
            elif name == "option" and len(args) >= 2 and _text(args[0]):
                writer.options[_text(args[0])] = option_text(args[1], node.args[1])
            elif name == "options":
                writer.options.update({k: _text(v) for k, v in kwargs.items()})
            elif name == "partitionBy":
                writer.partition_by = names_from_values(args)
            elif name in ("outputMode", "queryName"):
                writer.options[name] = _text(args[0] if args else None)
            elif name == "foreachBatch":
                self.foreach_batch(writer, node, args)
            return writer
        streaming_terminal = writer.streaming and name in catalog.STREAM_TERMINALS
        if not streaming_terminal and name not in catalog.WRITER_TERMINALS:
            return None
        return self.write(writer, name, node, args, kwargs)

    def write(self, writer: Writer, name: str, node: ast.Call, args: list, kwargs: dict):
        options = dict(writer.options)
        for key, value in kwargs.items():
            if key not in ("path", "mode", "partitionBy", "format", "name", "tableName"):
                options[key] = option_text(value, _keyword(node, key))
        mode = writer.mode
        mode_set = writer.mode_set or "mode" in kwargs
        if "mode" in kwargs:
            mode = _text(kwargs["mode"])
        partition_by = writer.partition_by or names_from_values([kwargs.get("partitionBy")])
        if name in ("saveAsTable", "insertInto", "toTable"):
            where = _text(args[0] if args else kwargs.get("tableName") or kwargs.get("name"))
            fmt = writer.fmt or ("table" if name != "toTable" else None)
            if name == "insertInto":
                mode_set = True
                mode = mode or ("overwrite" if _keyword_true(node, "overwrite") else "append")
        else:
            where = _text(args[0] if args else kwargs.get("path"))
            fmt = writer.fmt if name in ("save", "start") else name
            if name == "jdbc":
                where = _text(args[1] if len(args) > 1 else kwargs.get("table"))
            if where is None:
                where = (
                    options.get("path")
                    or options.get("dbtable")
                    or options.get("topic")
                    or (options.get("queryName") if fmt == "memory" else None)
                )
        if writer.foreach_batch:
            fmt = "foreachBatch"
        prefix = "writeStream" if writer.streaming else "write"
        op = self.new_op(
            f"{prefix}.{name}",
            node,
            [writer.frame],
            api="sink",
            kind="action",
            detail={
                "format": fmt,
                "path_or_table": where,
                "options": options,
                "mode": mode,
                "mode_set": mode_set,
                "partition_by": partition_by,
            },
        )
        if writer.streaming:
            op.detail["mode"] = options.get("outputMode") or mode
            return StreamQuery(op.id)
        return None

    def foreach_batch(self, writer: Writer, node: ast.Call, args: list) -> None:
        writer.foreach_batch = True
        function = args[0] if args else None
        op = self.new_op("foreachBatch", node, [writer.frame], api="stream")
        op.streaming = False  # each micro-batch is a plain DataFrame
        if isinstance(function, Function):
            self.i.call_function(function, [Frame(ops=(op.id,)), None], {})


def read_jobs(fmt: str | None, options: dict, schema: bool) -> list[tuple[str, int]]:
    """Jobs Spark runs when the read is declared (checked against Spark 4.3 in the tests)."""
    if schema:
        return []
    infer = (options.get("inferSchema") or "").lower() in ("true", "1")
    if fmt == "csv":
        if infer:
            return [
                ("CSV read without a schema reads the first line for the column names", 1),
                ("CSV inferSchema reads the whole input to infer the types", 1),
            ]
        return [("CSV read without a schema reads the first line for the column names", 1)]
    if fmt == "json":
        return [("JSON read without a schema reads the input to infer it", 1)]
    if fmt == "parquet":
        return [("Parquet read without a schema reads file footers for it", 1)]
    return []


def option_text(value, node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and not isinstance(node.value, str):
        return str(node.value)
    return _text(value)


def _token_line(node: ast.Call) -> int:
    func = node.func
    return func.end_lineno if isinstance(func, ast.Attribute) else node.lineno


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in node.keywords if k.arg == name), None)


def _keyword_line(node: ast.Call, name: str, default: int) -> int:
    return next((k.lineno for k in node.keywords if k.arg == name), default)


def _keyword_true(node: ast.Call, name: str) -> bool:
    value = _keyword(node, name)
    return isinstance(value, ast.Constant) and value.value is True
