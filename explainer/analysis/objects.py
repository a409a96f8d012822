"""Calls on Spark's entry objects: session, builder, context, functions, Window, UDFs, imports."""

from __future__ import annotations

import ast

from . import catalog
from .columns import literal_int, schema_columns, struct_schema
from .model import (
    Column,
    Frame,
    Function,
    ModuleRef,
    SparkObject,
    Text,
    Udf,
    UdfFactory,
    WindowOrigin,
    WindowSpec,
)

PARTITION_CONF = "spark.sql.shuffle.partitions"
SESSION_ATTRIBUTES = {
    "sparkContext": "context",
    "conf": "conf",
    "udf": "udf_registry",
    "catalog": "catalog",
}
WINDOW_ORDERING = frozenset({"orderBy", "rowsBetween", "rangeBetween"})
NON_COLUMN_FIRST_ARG = frozenset({"lit", "expr", "broadcast", "udf", "pandas_udf", "when"})
FIRST_LAST = frozenset({"first", "last", "first_value", "last_value"})
SMALL_RANGE = 100_000


class ObjectCalls:
    """Mixed into :class:`.calls.Calls`; ``self.i`` is the interpreter."""

    # ---------------------------------------------------------------- imports
    def resolve_module(self, path: str):
        user = self.i.module_files
        if path in user:
            return ModuleRef(path)
        head, _, attr = path.rpartition(".")
        if head in user:
            env = self.i.run_file(user[head])
            return env.get(attr)
        if path in ("pyspark.sql.functions", "pyspark.sql.functions.builtin"):
            return SparkObject("functions")
        if path.startswith(("pyspark.sql.functions.", "pyspark.sql.functions.builtin.")):
            return SparkObject(f"fn:{attr}")
        if path.startswith("pyspark"):
            known = {
                "SparkSession": "session_class",
                "SparkContext": "context_class",
                "Window": "window",
                "DataFrame": "dataframe_class",
            }
            if attr in known:
                return SparkObject(known[attr])
        if path == "functools.reduce":
            return SparkObject("reduce")
        if path.endswith(("StructType", "types.StructType")):
            return SparkObject("struct_type")
        return ModuleRef(path)

    def decorate(self, decorator: ast.expr, function: Function):
        value = self.i.eval(decorator)
        node = function.node
        params = [a.arg for a in node.args.args]
        if isinstance(value, UdfFactory):
            return self.register_udf(node.name, decorator.lineno, node, params, value)
        if isinstance(value, SparkObject) and value.kind in ("fn:udf", "fn:pandas_udf"):
            factory = UdfFactory(decorator.lineno, value.kind == "fn:pandas_udf", False, None)
            return self.register_udf(node.name, decorator.lineno, node, params, factory)
        return function

    def register_udf(
        self, name: str, line: int, body: ast.AST | None, params: list[str], factory: UdfFactory
    ) -> Udf:
        udf = Udf(
            name=name,
            line=line,
            file=self.i.file,
            body=body,
            params=params,
            vectorized=factory.vectorized,
            use_arrow=factory.use_arrow,
            return_type=factory.return_type,
        )
        self.i.udfs.append(udf)
        if isinstance(body, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            self.i.executed.add(id(body))
        return udf

    # ------------------------------------------------------------- attributes
    def object_attribute(self, obj: SparkObject, name: str, node: ast.Attribute):
        kind = obj.kind
        if kind == "session":
            if name in ("read", "readStream"):
                from .model import Reader

                return Reader(streaming=name == "readStream", line=node.end_lineno)
            if name in SESSION_ATTRIBUTES:
                return SparkObject(SESSION_ATTRIBUTES[name])
            return None
        if kind == "session_class" and name == "builder":
            return SparkObject("builder")
        if kind == "functions":
            return SparkObject(f"fn:{name}")
        if kind == "dataframe_class":
            return SparkObject(f"dataframe_method:{name}")
        return None

    # ---------------------------------------------------------------- methods
    def object_method(self, obj: SparkObject, name: str, node: ast.Call):
        kind = obj.kind
        if kind in ("functions", "window", "session_class", "context_class"):
            callee = self.object_attribute(obj, name, node.func)
            if kind == "window":
                return self.window_method(None, name, node)
            if kind == "session_class" and name in ("getActiveSession", "active"):
                self.arguments(node)
                return SparkObject("session")
            if kind == "context_class" and name == "getOrCreate":
                self.arguments(node)
                return SparkObject("context")
            if callee is not None:
                return self.object_call(callee, node)
        if kind == "session":
            return self.session_method(name, node)
        if kind == "context":
            return self.context_method(name, node)
        args, kwargs = self.arguments(node)
        if kind == "builder":
            if name == "config":
                self.record_conf(node, args, kwargs)
            return SparkObject("session") if name in ("getOrCreate", "create") else obj
        if kind == "conf" and name == "set":
            self.record_conf(node, args, kwargs)
        elif kind == "udf_registry" and name == "register":
            return self.registered_udf(node, args, kwargs)
        elif kind == "catalog" and name == "clearCache":
            self.i.conf["catalog.clearCache"] = "called"
        return None

    def record_conf(self, node: ast.Call, args: list, kwargs: dict) -> None:
        pairs = []
        if len(args) >= 2:
            pairs.append((args[0], args[1], node.args[1]))
        elif "key" in kwargs:
            value_node = next((k.value for k in node.keywords if k.arg == "value"), None)
            pairs.append((kwargs["key"], kwargs.get("value"), value_node))
        mapping = args[0] if args and isinstance(args[0], dict) else kwargs.get("map")
        if isinstance(mapping, dict):
            pairs.extend((Text(k), v, None) for k, v in mapping.items() if k)
        for key, value, value_node in pairs:
            key_text = key.value if isinstance(key, Text) else None
            if not key_text:
                continue
            value_text = value.value if isinstance(value, Text) else None
            self.i.conf[key_text] = value_text or "?"
            literal = value_node is None or isinstance(value_node, ast.Constant)
            if key_text == PARTITION_CONF and literal and (value_text or "").strip().isdigit():
                from .calls import token_line

                self.i.report("AP-S07", token_line(node))

    def registered_udf(self, node: ast.Call, args: list, kwargs: dict):
        function = args[1] if len(args) > 1 else kwargs.get("f")
        name = args[0].value if args and isinstance(args[0], Text) else "udf"
        if isinstance(function, Udf):
            return function
        body = function.node if isinstance(function, Function) else None
        params = [a.arg for a in body.args.args] if body is not None else []
        factory = UdfFactory(node.lineno, False, _keyword_true(node, "useArrow"), None)
        return self.register_udf(name or "udf", node.lineno, body, params, factory)

    # ---------------------------------------------------------------- session
    def session_method(self, name: str, node: ast.Call):
        from .sql import record_sql

        if name == "sql":
            return record_sql(self, node)
        args, kwargs = self.arguments(node)
        if name == "table":
            table = args[0].value if args and isinstance(args[0], Text) else None
            if table and table.lower() in self.i.views:
                view_op = self.i.views[table.lower()]
                op = self.new_op("table", node, [Frame(ops=(view_op,))], api="dataframe")
            else:
                op = self.new_op(
                    "table",
                    node,
                    [],
                    api="source",
                    detail={"format": "table", "path_or_table": table, "options": {}},
                )
            return Frame(ops=(op.id,))
        if name == "range":
            ends = [literal_int(a) for a in node.args[:2]]
            small = bool(ends) and all(e is not None and e <= SMALL_RANGE for e in ends)
            op = self.new_op(
                "range",
                node,
                [],
                api="source",
                columns=["id"],
                detail={"format": "range", "local": small},
            )
            return Frame(ops=(op.id,))
        if name == "createDataFrame":
            return self.create_dataframe(node, args, kwargs)
        return None

    def create_dataframe(self, node: ast.Call, args: list, kwargs: dict):
        data = args[0] if args else kwargs.get("data")
        schema_node = (
            node.args[1]
            if len(node.args) > 1
            else next((k.value for k in node.keywords if k.arg == "schema"), None)
        )
        schema = args[1] if len(args) > 1 else kwargs.get("schema")
        if isinstance(schema_node, ast.Call) and "StructType" in ast.unparse(schema_node.func):
            schema = struct_schema(schema_node)
        local = isinstance(node.args[0] if node.args else None, (ast.List, ast.Tuple))
        frames = [data] if isinstance(data, Frame) else []
        op = self.new_op(
            "createDataFrame",
            node,
            frames,
            api="source",
            columns=schema_columns(schema),
            detail={"format": "local data" if not frames else "rdd", "local": local},
        )
        typed = isinstance(schema_node, ast.Call) or (
            isinstance(schema, Text) and schema.value is not None
        )
        if frames and frames[0].rdd and not typed:
            op.hidden_jobs.append(("createDataFrame(rdd) infers the schema by sampling rows", 1))
        return Frame(ops=(op.id,))

    # ---------------------------------------------------------------- context
    def context_method(self, name: str, node: ast.Call):
        args, _ = self.arguments(node)
        if name in ("textFile", "wholeTextFiles", "binaryFiles", "sequenceFile", "pickleFile"):
            path = args[0].value if args and isinstance(args[0], Text) else None
            op = self.new_op(
                f"sc.{name}",
                node,
                [],
                api="source",
                detail={"format": "text", "path_or_table": path, "options": {}},
            )
            return Frame(ops=(op.id,), rdd=True)
        if name in ("parallelize", "range", "emptyRDD"):
            first = node.args[0] if node.args else None
            local = isinstance(first, (ast.List, ast.Tuple)) or name == "emptyRDD"
            op = self.new_op(
                f"sc.{name}",
                node,
                [],
                api="source",
                detail={"format": "local data", "local": local},
            )
            return Frame(ops=(op.id,), rdd=True)
        if name == "union" and args and isinstance(args[0], list):
            frames = [f for f in args[0] if isinstance(f, Frame)]
            op = self.new_op("union", node, frames, api="rdd")
            return Frame(ops=(op.id,), rdd=True)
        if name == "setCheckpointDir":
            self.i.conf["checkpointDir"] = "set"
        return None

    # --------------------------------------------------------------- callables
    def object_call(self, obj: SparkObject, node: ast.Call):
        kind = obj.kind
        if kind.startswith("fn:"):
            return self.function_call(kind[3:], node)
        args, _ = self.arguments(node)
        if kind == "display" and args and isinstance(args[0], Frame):
            self.new_op("display", node, [args[0]], api="dataframe", kind="action")
            return None
        if kind == "context_class":
            return SparkObject("context")
        if kind == "reduce":
            return self.reduce(node, args)
        if kind == "struct_type":
            return struct_schema(node)
        return None

    def reduce(self, node: ast.Call, args: list):
        function = args[0] if args else None
        sequence = args[1] if len(args) > 1 else None
        initial = args[2] if len(args) > 2 else None
        if isinstance(function, Function) and isinstance(function.node, ast.Lambda):
            params = function.node.args.args
            frames = (
                [v for v in sequence if isinstance(v, Frame)] if isinstance(sequence, list) else []
            )
            element = Frame(ops=tuple(o for f in frames for o in f.ops)) if frames else None
            start = initial if isinstance(initial, Frame) else element
            saved = (self.i.assign_target, self.i.assign_value)
            self.i.loops.append(node)
            try:
                result = self.i.call_function(
                    function,
                    [start, element],
                    {},
                    loop_carried=params[0].arg if params else None,
                )
            finally:
                self.i.loops.pop()
                self.i.assign_target, self.i.assign_value = saved
            return result
        if isinstance(function, SparkObject) and isinstance(sequence, list):
            frames = [v for v in sequence if isinstance(v, Frame)]
            method = function.kind.rpartition(":")[2] or "union"
            if frames:
                op = self.new_op(method, node, frames, api="dataframe")
                return Frame(ops=(op.id,))
        return None

    def function_call(self, name: str, node: ast.Call):
        from .calls import token_line

        args, kwargs = self.arguments(node)
        line = token_line(node)
        if name in ("udf", "pandas_udf", "pandas_udf"):
            return self.udf_call(name, node, args, kwargs)
        if name == "broadcast" and args and isinstance(args[0], Frame):
            frame = args[0]
            return Frame(ops=frame.ops, rdd=frame.rdd, broadcast_line=line)
        if name in ("col", "column") and args and isinstance(args[0], Text):
            value = args[0].value
            return Column(sources=frozenset({value}) if value else frozenset(), alias=value)
        sources = set()
        for index, value in enumerate(args):
            if isinstance(value, Column):
                sources |= value.sources
            elif (
                isinstance(value, Text)
                and value.value
                and index == 0
                and name not in NON_COLUMN_FIRST_ARG
            ):
                sources.add(value.value)
        used = [a for a in args if isinstance(a, Column)]
        return Column(
            sources=frozenset(sources),
            first_line=line if name in FIRST_LAST else 0,
            aggregate=name in catalog.AGGREGATE_FUNCTIONS,
            uses_udf=any(c.uses_udf for c in used),
        )

    def udf_call(self, name: str, node: ast.Call, args: list, kwargs: dict):
        from .calls import token_line

        function = args[0] if args else kwargs.get("f")
        return_type = args[1] if len(args) > 1 else kwargs.get("returnType")
        if not isinstance(function, Function) and isinstance(function, Text):
            return_type, function = function, None
        factory = UdfFactory(
            line=token_line(node),
            vectorized=name == "pandas_udf",
            use_arrow=_keyword_true(node, "useArrow"),
            return_type=return_type.value if isinstance(return_type, Text) else None,
        )
        if not isinstance(function, Function):
            return factory
        body = function.node
        params = [a.arg for a in body.args.args]
        label = (
            body.name
            if isinstance(body, (ast.FunctionDef, ast.AsyncFunctionDef))
            else (self.i.assign_target or "udf")
        )
        return self.register_udf(label, factory.line, body, params, factory)

    # ----------------------------------------------------------------- window
    def window_method(self, spec: WindowSpec | None, name: str, node: ast.Call):
        from .calls import token_line

        self.arguments(node)
        line = token_line(node)
        if spec is None:
            origin = WindowOrigin(line=line, file=self.i.file)
            self.i.window_origins.append(origin)
            spec = WindowSpec(origin=origin)
        result = WindowSpec(origin=spec.origin, ordered=spec.ordered)
        if name == "partitionBy":
            empty_list = (
                len(node.args) == 1
                and isinstance(node.args[0], (ast.List, ast.Tuple))
                and not node.args[0].elts
            )
            if (node.args or node.keywords) and not empty_list:
                spec.origin.partitioned = True
            elif not spec.origin.reported:
                spec.origin.reported = True
                self.i.report("AP-S05", line)
        elif name in WINDOW_ORDERING or name == "sortBy":
            result.ordered = result.ordered or name in ("orderBy", "sortBy")
        return result


def _keyword_true(node: ast.Call, name: str) -> bool:
    value = next((k.value for k in node.keywords if k.arg == name), None)
    return isinstance(value, ast.Constant) and value.value is True
