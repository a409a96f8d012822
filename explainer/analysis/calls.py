"""Record DataFrame, RDD, reader and writer calls as operations, following what they return."""

from __future__ import annotations

import ast
import dataclasses

from . import catalog
from .columns import derive_columns, literal_int, names_from_values, schema_columns
from .model import (
    Column,
    CountResult,
    Frame,
    Function,
    Grouped,
    ModuleRef,
    Namespaced,
    Operation,
    Reader,
    Rows,
    SparkObject,
    StreamQuery,
    Text,
    Udf,
    WindowSpec,
    Writer,
)
from .objects import ObjectCalls
from .readwrite import ReadWriteCalls
from .strings import format_text, join_texts

SAFE_STRING_METHODS = frozenset({"strip", "lstrip", "rstrip", "lower", "upper"})
DRIVER_AGGREGATES = frozenset({"sum", "len", "max", "min", "sorted"})


def token_line(node: ast.Call) -> int:
    """The line of the token naming the call: the attribute for ``x.method(...)``."""
    func = node.func
    return func.end_lineno if isinstance(func, ast.Attribute) else node.lineno


def text_value(value) -> str | None:
    return value.value if isinstance(value, Text) and value.value is not None else None


class Calls(ObjectCalls, ReadWriteCalls):
    def __init__(self, interpreter):
        self.i = interpreter

    # ------------------------------------------------------------- arguments
    def arguments(self, node: ast.Call) -> tuple[list, dict]:
        args: list = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                value = self.i.eval(arg.value)
                args.extend(value if isinstance(value, list) else [None])
            elif isinstance(arg, ast.Constant) and isinstance(arg.value, (int, float)):
                args.append(Text(str(arg.value)))
            else:
                args.append(self.i.eval(arg))
        kwargs: dict = {}
        for keyword in node.keywords:
            value = self.i.eval(keyword.value)
            if keyword.arg is None:
                if isinstance(value, dict):
                    kwargs.update({k: v for k, v in value.items() if k})
            elif isinstance(keyword.value, ast.Constant) and not isinstance(
                keyword.value.value, str
            ):
                kwargs[keyword.arg] = Text(str(keyword.value.value))
            else:
                kwargs[keyword.arg] = value
        return args, kwargs

    # ------------------------------------------------------------ operations
    def new_op(
        self,
        method: str,
        node: ast.Call,
        frames: list,
        *,
        api: str,
        kind: str = "transformation",
        shuffle: bool = False,
        columns: list[str] | None = None,
        detail: dict | None = None,
    ) -> Operation:
        inputs = list(dict.fromkeys(o for f in frames if isinstance(f, Frame) for o in f.ops))
        parents = [self.i.ops[o - 1] for o in inputs]
        op = Operation(
            id=len(self.i.ops) + 1,
            method=method,
            line=token_line(node),
            kind=kind,
            shuffle=shuffle,
            inputs=inputs,
            file=self.i.file,
            api=api,
            node=node,
            target=self.i.assign_target if self.i.assign_value is node else None,
            statement_line=self.i.statement.lineno if self.i.statement else node.lineno,
            loops=tuple(self.i.loops),
            streaming=any(p.streaming for p in parents),
            watermarked=any(p.watermarked for p in parents),
            columns=columns,
            detail=detail or {},
        )
        if any(isinstance(f, Frame) and f.external and not f.ops for f in frames):
            op.detail["external_input"] = True
        self.i.ops.append(op)
        return op

    def input_columns(self, frame: Frame) -> list[str] | None:
        if len(frame.ops) != 1:
            return None
        return self.i.ops[frame.ops[0] - 1].columns

    def loop_carried(self, node: ast.Call) -> str | None:
        """``df = df.method(...)`` inside a loop: the receiver chain starts at the target."""
        if not self.i.loops or not self.i.assign_target:
            return None
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        while isinstance(receiver, (ast.Call, ast.Attribute, ast.Subscript)):
            receiver = receiver.func if isinstance(receiver, ast.Call) else receiver.value
        if isinstance(receiver, ast.Name) and receiver.id == self.i.assign_target:
            return receiver.id
        return None

    # --------------------------------------------------------------- dispatch
    def call(self, node: ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver = self.i.eval(func.value)
            return self.method(receiver, func.attr, node)
        callee = self.i.eval(func)
        return self.call_value(callee, node)

    def method(self, receiver, name: str, node: ast.Call):
        if isinstance(receiver, Frame):
            if receiver.rdd:
                return self.rdd_method(receiver, name, node)
            return self.dataframe_method(receiver, name, node)
        if isinstance(receiver, Grouped):
            return self.grouped_method(receiver, name, node)
        if isinstance(receiver, Reader):
            return self.reader_method(receiver, name, node)
        if isinstance(receiver, Writer):
            return self.writer_method(receiver, name, node)
        if isinstance(receiver, Namespaced):
            return self.namespaced_method(receiver, name, node)
        if isinstance(receiver, Column):
            return self.column_method(receiver, name, node)
        if isinstance(receiver, WindowSpec):
            return self.window_method(receiver, name, node)
        if isinstance(receiver, Udf):
            self.arguments(node)
            if name == "asNondeterministic":
                receiver.nondeterministic_marked = True
            return receiver
        if isinstance(receiver, SparkObject):
            return self.object_method(receiver, name, node)
        if isinstance(receiver, ModuleRef):
            return self.call_value(self.attribute(receiver, name, node.func), node)
        if isinstance(receiver, Text):
            args, kwargs = self.arguments(node)
            if name == "format":
                return format_text(receiver, args, kwargs)
            if name == "join" and len(args) == 1 and isinstance(args[0], list):
                parts = [receiver] * (2 * len(args[0]) - 1)
                parts[::2] = args[0]
                return join_texts(parts) if args[0] else Text("")
            if name in SAFE_STRING_METHODS and receiver.value is not None and not args:
                return Text(getattr(receiver.value, name)(), receiver.interpolated)
            return None
        if isinstance(receiver, dict) and name in ("get", "__getitem__"):
            args, _ = self.arguments(node)
            return receiver.get(text_value(args[0])) if args else None
        self.arguments(node)
        return None

    def call_value(self, callee, node: ast.Call):
        if isinstance(callee, Function):
            args, kwargs = self.arguments(node)
            return self.i.call_function(callee, args, kwargs)
        if isinstance(callee, Udf):
            args, _ = self.arguments(node)
            column = names_from_values(args)
            return Column(sources=frozenset(column), uses_udf=True)
        if isinstance(callee, SparkObject):
            return self.object_call(callee, node)
        args, kwargs = self.arguments(node)
        if isinstance(node.func, ast.Name) and node.func.id in DRIVER_AGGREGATES and args:
            self.check_driver_aggregate(args[0])
        return None

    def check_driver_aggregate(self, value) -> None:
        from .interpreter import RowsIteration

        if isinstance(value, (Rows, RowsIteration)) and not getattr(value, "filtered", False):
            self.i.report("AP-D06", self.i.ops[value.op - 1].line)

    # ------------------------------------------------------------- attributes
    def attribute(self, receiver, name: str, node: ast.Attribute):
        if isinstance(receiver, Frame):
            return self.frame_attribute(receiver, name, node)
        if isinstance(receiver, SparkObject):
            return self.object_attribute(receiver, name, node)
        if isinstance(receiver, ModuleRef):
            return self.resolve_module(f"{receiver.path}.{name}")
        if isinstance(receiver, Column):
            return Column(sources=receiver.sources)
        if isinstance(receiver, StreamQuery):
            return None
        if receiver is None and name in ("spark", "sparkSession", "spark_session", "session"):
            return SparkObject("session")
        if receiver is None and name in ("sc", "sparkContext"):
            return SparkObject("context")
        return None

    def frame_attribute(self, frame: Frame, name: str, node: ast.Attribute):
        if name == "write":
            return Writer(frame=frame, streaming=False, line=node.end_lineno)
        if name == "writeStream":
            return Writer(frame=frame, streaming=True, line=node.end_lineno)
        if name in ("na", "stat"):
            return Namespaced(frame=frame, prefix=name)
        if name == "sparkSession":
            return SparkObject("session")
        if name == "rdd" and not frame.rdd:
            call = ast.Call(func=node, args=[], keywords=[])
            ast.copy_location(call, node)
            op = self.new_op("rdd", call, [frame], api="rdd")
            op.target = self.i.assign_target if self.i.assign_value is node else None
            return Frame(ops=(op.id,), rdd=True)
        if name == "context" and frame.rdd:
            return SparkObject("context")
        if frame.rdd or name.startswith("_") or name in NON_COLUMN_ATTRIBUTES:
            return None
        return Column(sources=frozenset({name}), alias=name)

    # ------------------------------------------------------------- DataFrame
    def dataframe_method(self, frame: Frame, name: str, node: ast.Call):
        if name == "transform":
            return self.transform(frame, node)
        args, kwargs = self.arguments(node)
        if name in catalog.DATAFRAME_ACTIONS:
            return self.dataframe_action(frame, name, node, args, kwargs)
        if name in ("groupBy", "groupby", "rollup", "cube", "groupingSets"):
            keys = names_from_values(args) if args else []
            op = self.new_op(
                name, node, [frame], api="dataframe", shuffle=True, detail={"keys": keys}
            )
            return Grouped(frame=Frame(ops=(op.id,)), op=op.id, keys=keys)
        if name not in catalog.DATAFRAME_TRANSFORMATIONS:
            return None
        if name in (
            "join",
            "crossJoin",
            "union",
            "unionAll",
            "unionByName",
            "intersect",
            "intersectAll",
            "subtract",
            "exceptAll",
            "lateralJoin",
        ):
            return self.binary(frame, name, node, args, kwargs)
        detail = self.transformation_detail(name, node, args, kwargs)
        shuffle = catalog.DATAFRAME_TRANSFORMATIONS[name] or detail.get("window", False)
        if name in ("select", "agg") and detail.get("global_aggregate"):
            shuffle = True
        columns = derive_columns(name, self.input_columns(frame), args, kwargs)
        op = self.new_op(
            name, node, [frame], api="dataframe", shuffle=shuffle, columns=columns, detail=detail
        )
        return self.after_transformation(frame, op, name, args)

    def after_transformation(self, frame: Frame, op: Operation, name: str, args: list):
        result = Frame(ops=(op.id,))
        if name in ("cache", "persist"):
            op.cached = True
            for parent in op.inputs:
                self.i.ops[parent - 1].cached = True
        elif name == "withWatermark":
            op.watermarked = True
        elif name == "hint" and text_value(args[0] if args else None) in BROADCAST_HINTS:
            result.broadcast_line = op.line
        elif name in (
            "createOrReplaceTempView",
            "createTempView",
            "createGlobalTempView",
            "createOrReplaceGlobalTempView",
        ):
            view = text_value(args[0] if args else None)
            if view:
                self.i.views[view.lower()] = op.id
            op.detail["view"] = view
            return None
        elif name == "randomSplit":
            weights = op.node.args[0] if op.node.args else None
            count = len(weights.elts) if isinstance(weights, (ast.List, ast.Tuple)) else 2
            return [Frame(ops=(op.id,)) for _ in range(count)]
        elif name == "na":
            return Namespaced(frame=result, prefix="na")
        return result

    def transformation_detail(self, name: str, node: ast.Call, args: list, kwargs: dict) -> dict:
        columns = [v for v in [*args, *kwargs.values()] if isinstance(v, Column)]
        for value in args:
            if isinstance(value, dict):
                columns.extend(v for v in value.values() if isinstance(v, Column))
        detail: dict = {
            "loop_carried": self.loop_carried(node),
            "window": any(c.windowed for c in columns),
            "udf_condition": name in ("filter", "where") and any(c.uses_udf for c in columns),
            "column_exprs": self.column_expressions(name, node, args),
        }
        if name in ("repartition", "coalesce", "repartitionByRange"):
            number = node.args[0] if node.args else _keyword(node, "numPartitions")
            detail["partitions"] = literal_int(number)
        if name in ("select", "agg"):
            detail["global_aggregate"] = bool(columns) and all(
                c.aggregate and not c.windowed for c in columns
            )
            if name == "agg":
                self.check_first_last(columns)
        if name in ("select", "selectExpr"):
            detail["star"] = [text_value(a) for a in args] == ["*"]
            if name == "selectExpr":
                detail["window"] = any(" over" in (text_value(a) or "").lower() for a in args)
        if name in ("dropDuplicates", "drop_duplicates"):
            detail["subset"] = names_from_values(args) if args else None
        if name == "limit":
            detail["bound"] = literal_int(node.args[0] if node.args else None)
        return detail

    def check_first_last(self, columns: list[Column]) -> None:
        for column in columns:
            if column.first_line and not column.windowed:
                self.i.report("AP-X03", column.first_line)

    def binary(self, frame: Frame, name: str, node: ast.Call, args: list, kwargs: dict):
        other = args[0] if args else kwargs.get("other")
        frames = [frame, other] if isinstance(other, Frame) else [frame]
        detail: dict = {"loop_carried": self.loop_carried(node) or self.argument_is_target(node)}
        shuffle = catalog.DATAFRAME_TRANSFORMATIONS[name]
        columns = None
        if name in ("join", "crossJoin", "lateralJoin"):
            on_node = node.args[1] if len(node.args) > 1 else _keyword(node, "on")
            how_value = args[2] if len(args) > 2 else kwargs.get("how")
            on_value = args[1] if len(args) > 1 else kwargs.get("on")
            how = (text_value(how_value) or "inner").lower().replace("_", "")
            right_hint = other.broadcast_line if isinstance(other, Frame) else 0
            detail.update(
                how=how,
                on_node=on_node,
                left_broadcast=frame.broadcast_line,
                right_broadcast=right_hint,
                udf_condition=isinstance(on_value, Column) and on_value.uses_udf,
                on_names=names_from_values([on_value])
                if isinstance(on_value, (Text, list))
                else None,
            )
            shuffle = not broadcast_honoured(how, frame.broadcast_line, right_hint)
        else:
            left = self.input_columns(frame)
            right = self.input_columns(other) if isinstance(other, Frame) else None
            detail.update(left_columns=left, right_columns=right)
            columns = left
        op = self.new_op(
            name, node, frames, api="dataframe", shuffle=shuffle, columns=columns, detail=detail
        )
        return Frame(ops=(op.id,))

    def argument_is_target(self, node: ast.Call) -> str | None:
        target = self.i.assign_target
        if (
            self.i.loops
            and target
            and any(isinstance(a, ast.Name) and a.id == target for a in node.args)
        ):
            return target
        return None

    def dataframe_action(self, frame: Frame, name: str, node: ast.Call, args: list, kwargs: dict):
        detail = {}
        if name in ("show", "take", "head", "tail"):
            detail["bound"] = True
        op = self.new_op(name, node, [frame], api="dataframe", kind="action", detail=detail)
        if name in ("collect", "toLocalIterator"):
            return Rows(op.id)
        if name == "count":
            return CountResult(op.id)
        if name in ("checkpoint",):
            op.cached = True
            return Frame(ops=(op.id,))
        return None

    def transform(self, frame: Frame, node: ast.Call):
        args, kwargs = self.arguments(node)
        function = args[0] if args else kwargs.get("func")
        if isinstance(function, Function):
            result = self.i.call_function(function, [frame, *args[1:]], kwargs)
            if isinstance(result, Frame):
                return result
        op = self.new_op("transform", node, [frame], api="dataframe")
        return Frame(ops=(op.id,))

    def namespaced_method(self, space: Namespaced, name: str, node: ast.Call):
        self.arguments(node)
        kind = "action" if name in ("approxQuantile", "freqItems_collect") else "transformation"
        op = self.new_op(
            f"{space.prefix}.{name}",
            node,
            [space.frame],
            api="dataframe",
            kind=kind,
            columns=self.input_columns(space.frame) if space.prefix == "na" else None,
        )
        return Frame(ops=(op.id,)) if kind == "transformation" else None

    def grouped_method(self, grouped: Grouped, name: str, node: ast.Call):
        args, kwargs = self.arguments(node)
        if name not in catalog.GROUPED_METHODS:
            return None
        if name == "pivot":
            has_values = len(node.args) > 1 or _keyword(node, "values") is not None
            op = self.new_op("pivot", node, [grouped.frame], api="grouped")
            if not has_values:
                op.hidden_jobs.append(("pivot() without values computes the distinct values", 1))
            return Grouped(frame=Frame(ops=(op.id,)), op=op.id, keys=grouped.keys)
        columns = [a for a in args if isinstance(a, Column)]
        if name == "agg":
            self.check_first_last(columns)
        keys = grouped.keys or []
        derived = derive_columns(name, None, args, kwargs, keys=keys)
        op = self.new_op(
            name,
            node,
            [grouped.frame],
            api="grouped",
            columns=derived,
            detail={
                "aggregation": True,
                "keys": keys,
                "column_exprs": self.column_expressions(name, node, args),
            },
        )
        return Frame(ops=(op.id,))

    # -------------------------------------------------------------------- RDD
    def rdd_method(self, frame: Frame, name: str, node: ast.Call):
        args, kwargs = self.arguments(node)
        if name == "toDF":
            schema = args[0] if args else kwargs.get("schema")
            op = self.new_op("toDF", node, [frame], api="dataframe", columns=schema_columns(schema))
            if not _is_struct_schema(node.args[0] if node.args else None):
                op.hidden_jobs.append(("toDF() on an RDD infers the schema by sampling rows", 1))
            return Frame(ops=(op.id,))
        if name in catalog.RDD_ACTIONS:
            op = self.new_op(
                name,
                node,
                [frame],
                api="rdd",
                kind="action",
                detail={"bound": name in ("take", "first", "top", "takeOrdered")},
            )
            if name in ("collect", "toLocalIterator"):
                return Rows(op.id)
            return CountResult(op.id) if name == "count" else None
        if name not in catalog.RDD_TRANSFORMATIONS:
            return None
        shuffle = catalog.RDD_TRANSFORMATIONS[name]
        if name == "coalesce":
            shuffle = _keyword_true(node, "shuffle")
        detail = {"loop_carried": self.loop_carried(node)}
        if name in ("repartition", "coalesce"):
            detail["partitions"] = literal_int(node.args[0] if node.args else None)
        inputs = [frame, *[a for a in args if isinstance(a, Frame)]]
        op = self.new_op(name, node, inputs, api="rdd", shuffle=shuffle, detail=detail)
        if name in ("sortBy", "sortByKey"):
            op.hidden_jobs.append((f"{name}() samples the keys for its range partitioner", 2))
        if name in ("cache", "persist"):
            op.cached = True
            for parent in op.inputs:
                self.i.ops[parent - 1].cached = True
        return Frame(ops=(op.id,), rdd=True)

    def column_expressions(self, name: str, node: ast.Call, args: list) -> list:
        """(output column, input columns, expression text) for column-level lineage."""
        text = self.i.source.of
        file = self.i.file
        pairs: list = []
        if name == "withColumn" and len(args) >= 2 and isinstance(args[1], Column):
            out = text_value(args[0])
            if out:
                pairs.append((out, sorted(args[1].sources), text(file, node.args[1])))
        elif name == "withColumns" and args and isinstance(args[0], dict):
            pairs.extend(
                (key, sorted(value.sources), "")
                for key, value in args[0].items()
                if key and isinstance(value, Column)
            )
        elif name in ("select", "agg"):
            for value, expr in zip(args, node.args, strict=False):
                if isinstance(value, Column) and value.alias:
                    pairs.append((value.alias, sorted(value.sources), text(file, expr)))
        return pairs

    # ------------------------------------------------------------ columns etc
    def column_method(self, column: Column, name: str, node: ast.Call):
        args, kwargs = self.arguments(node)
        if name == "over":
            window = args[0] if args else kwargs.get("window")
            if column.first_line and isinstance(window, WindowSpec) and not window.ordered:
                self.i.report("AP-X03", column.first_line)
            return dataclasses.replace(column, windowed=True, first_line=0, alias=None)
        if name in ("alias", "name", "as_"):
            return dataclasses.replace(column, alias=text_value(args[0] if args else None))
        merged = [column, *[a for a in args if isinstance(a, Column)]]
        return Column(
            sources=frozenset().union(*(c.sources for c in merged)),
            first_line=column.first_line,
            uses_udf=any(c.uses_udf for c in merged),
            aggregate=column.aggregate,
            windowed=column.windowed,
        )


NON_COLUMN_ATTRIBUTES = (
    frozenset(
        [
            "columns",
            "schema",
            "dtypes",
            "isStreaming",
            "storageLevel",
            "write",
            "writeStream",
            "rdd",
            "na",
            "stat",
            "sparkSession",
            "sql_ctx",
            "is_cached",
        ]
    )
    | catalog.DATAFRAME_ACTIONS
    | frozenset(catalog.DATAFRAME_TRANSFORMATIONS)
    | frozenset(
        [
            "printSchema",
            "explain",
            "toJSON",
            "registerTempTable",
            "inputFiles",
            "isLocal",
            "cov",
            "corr",
            "crosstab",
            "freqItems",
            "approxQuantile",
            "sameSemantics",
            "semanticHash",
            "groupby",
            "pandas_api",
            "to_pandas_on_spark",
            "writeTo",
            "mergeInto",
        ]
    )
)
BROADCAST_HINTS = frozenset({"broadcast", "broadcastjoin", "mapjoin"})


def broadcast_honoured(how: str, left_hint: int, right_hint: int) -> bool:
    """Spark can only build the hash table on the side an outer/semi join does not preserve."""
    if how in ("cross", "inner"):
        return bool(left_hint or right_hint)
    if how in ("left", "leftouter", "leftsemi", "semi", "leftanti", "anti"):
        return bool(right_hint)
    if how in ("right", "rightouter"):
        return bool(left_hint)
    return False


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in node.keywords if k.arg == name), None)


def _keyword_line(node: ast.Call, name: str, default: int) -> int:
    return next((k.lineno for k in node.keywords if k.arg == name), default)


def _keyword_true(node: ast.Call, name: str) -> bool:
    value = _keyword(node, name)
    return isinstance(value, ast.Constant) and value.value is True


def _is_struct_schema(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Call) and "StructType" in ast.unparse(node.func)
