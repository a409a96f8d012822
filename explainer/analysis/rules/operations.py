"""Rules decided from the operation graph: driver, shuffle, io, cache, rdd, loop, streaming."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from .program import Hit, Program, call_names, receiver_root

SORTS = frozenset({"orderBy", "sort", "sortBy", "sortByKey"})
GROUPINGS = frozenset({"groupBy", "groupby", "rollup", "cube"})
DEDUPLICATIONS = frozenset({"distinct", "dropDuplicates", "drop_duplicates"})
BATCH_WRITES = frozenset(
    [
        "write.parquet",
        "write.csv",
        "write.json",
        "write.orc",
        "write.text",
        "write.save",
        "write.saveAsTable",
        "write.jdbc",
        "write.xml",
    ]
)
RDD_PIPELINE = frozenset(
    [
        "map",
        "filter",
        "flatMap",
        "reduceByKey",
        "mapPartitions",
        "mapValues",
        "flatMapValues",
        "groupByKey",
        "keyBy",
    ]
)
RDD_ROUND_TRIP = frozenset(
    [
        "isEmpty",
        "count",
        "take",
        "first",
        "collect",
        "foreach",
        "foreachPartition",
        "toLocalIterator",
    ]
)
PER_KEY_REDUCTIONS = frozenset({"sum", "len", "max", "min", "count", "mean", "fsum"})
LEFT_PRESERVING = frozenset(
    {"left", "leftouter", "full", "outer", "fullouter", "leftsemi", "semi", "leftanti", "anti"}
)
RIGHT_PRESERVING = frozenset({"right", "rightouter", "full", "outer", "fullouter"})
SEMI_ANTI = frozenset({"semi", "leftsemi", "anti", "leftanti"})
CARRIED_UNIONS = frozenset({"union", "unionAll", "unionByName", "join"})
PRUNING = frozenset({"select", "selectExpr", "drop", "groupBy", "agg"})


def check_driver(p: Program) -> Iterator[Hit]:
    for op in p.ops:
        unbounded = op.detail.get("external_input") or (
            bool(op.inputs) and not all(p.bounded(i) for i in p.inputs(op))
        )
        if op.method == "collect" and unbounded:
            yield p.hit("AP-D01", op)
        elif op.method == "toPandas" and unbounded:
            yield p.hit("AP-D02", op)
        if op.kind == "action" and op.in_loop and not op.method.startswith("writeStream"):
            yield p.hit("AP-D04", op)
        if op.method in ("show", "display"):
            yield p.hit("AP-D05", op)


def check_shuffles(p: Program) -> Iterator[Hit]:
    for op in p.ops:
        partitions = op.detail.get("partitions")
        if op.method in ("repartition", "coalesce") and partitions == 1:
            yield p.hit("AP-S01", op)
        elif op.method in ("repartition", "coalesce", "repartitionByRange") and (
            isinstance(partitions, int) and partitions > 1
        ):
            yield p.hit("AP-S07", op)
        if (
            op.method in SORTS
            and op.api in ("dataframe", "rdd")
            and not op.streaming
            and (sort_unbounded(p, op))
        ):
            yield p.hit("AP-S02", op)
        if op.method == "groupByKey" and any(reduces_groups(c) for c in p.consumers(op)):
            yield p.hit("AP-S03", op)
        if is_cartesian(p, op):
            yield p.hit("AP-S04", op)
        if op.method in DEDUPLICATIONS and redundant_deduplication(p, op):
            yield p.hit("AP-S06", op)
        if op.method == "join":
            yield from broadcast_misuse(p, op)
            yield from join_conditions(p, op)
    for origin in p.window_origins:
        if not origin.partitioned and not origin.reported:
            yield Hit("AP-S05", origin.line, origin.file)


def sort_unbounded(p: Program, sort) -> bool:
    """The sorted data reaches an action that does not bound it (limit/take/first/show)."""
    return bool(
        p.reachable_actions(
            sort,
            stop=lambda op: (
                op.method in ("limit", "tail") or (op.kind == "action" and op.detail.get("bound"))
            ),
        )
    )


def reduces_groups(consumer) -> bool:
    if consumer.method not in ("mapValues", "map") or not consumer.node.args:
        return False
    function = consumer.node.args[0]
    if isinstance(function, ast.Name):
        return function.id in PER_KEY_REDUCTIONS
    return isinstance(function, ast.Lambda) and bool(call_names(function.body) & PER_KEY_REDUCTIONS)


def is_cartesian(p: Program, op) -> bool:
    if op.method == "cartesian":
        return True
    if op.api != "dataframe":
        return False
    if op.method == "crossJoin" or (
        op.method == "join" and (op.detail.get("on_node") is None or op.detail["how"] == "cross")
    ):
        return not any(p.bounded(side) for side in p.inputs(op))
    return False


def redundant_deduplication(p: Program, op) -> bool:
    subset = op.detail.get("subset")
    for consumer in p.consumers(op):
        if consumer.method in GROUPINGS:
            keys = consumer.detail.get("keys")
            if op.method == "distinct" or subset is None or (keys and set(keys) == set(subset)):
                return True
    return any(
        parent.detail.get("aggregation") or parent.detail.get("global_aggregate")
        for parent in p.inputs(op)
    )


def broadcast_misuse(p: Program, op) -> Iterator[Hit]:
    how = op.detail.get("how", "inner")
    if op.detail.get("left_broadcast") and how in LEFT_PRESERVING:
        yield p.hit("AP-S08", op, op.detail["left_broadcast"])
    if op.detail.get("right_broadcast") and how in RIGHT_PRESERVING:
        yield p.hit("AP-S08", op, op.detail["right_broadcast"])


def join_conditions(p: Program, op) -> Iterator[Hit]:
    on = op.detail.get("on_node")
    if on is None or _names_only(on):
        return
    conditions = on.elts if isinstance(on, (ast.List, ast.Tuple)) else [on]
    expressions = [c for c in conditions if not isinstance(c, (ast.Name, ast.Constant))]
    if not expressions:
        return
    if not any(_has_column_equality(c) for c in expressions):
        yield p.hit("AP-S09", op)
    if op.detail.get("udf_condition"):
        yield p.hit("AP-U04", op)
    if (
        op.detail.get("how") not in SEMI_ANTI
        and any(_same_named_keys(c) for c in expressions)
        and not any(c.method in ("drop", "select") for c in p.consumers(op))
    ):
        yield p.hit("AP-X04", op)


def _names_only(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)
    return False


def _column_ref(node: ast.AST) -> bool:
    if isinstance(node, (ast.Attribute, ast.Subscript)):
        return True
    return isinstance(node, ast.Call) and (
        (isinstance(node.func, ast.Attribute) and node.func.attr in ("col", "column", "cast"))
        or (isinstance(node.func, ast.Name) and node.func.id in ("col", "column"))
    )


def _has_column_equality(condition: ast.AST) -> bool:
    for child in ast.walk(condition):
        if (
            isinstance(child, ast.Compare)
            and len(child.ops) == 1
            and isinstance(child.ops[0], ast.Eq)
            and _column_ref(child.left)
            and _column_ref(child.comparators[0])
        ):
            return True
        if (
            isinstance(child, ast.Call)
            and isinstance(child.func, ast.Attribute)
            and (child.func.attr == "eqNullSafe")
        ):
            return True
    return False


def _key_of(node: ast.AST) -> tuple[str, str] | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id, node.attr
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
    ):
        return node.value.id, node.slice.value
    return None


def _same_named_keys(condition: ast.AST) -> bool:
    for child in ast.walk(condition):
        if (
            isinstance(child, ast.Compare)
            and len(child.ops) == 1
            and isinstance(child.ops[0], ast.Eq)
        ):
            left, right = _key_of(child.left), _key_of(child.comparators[0])
            if left and right and left[0] != right[0] and left[1] == right[1]:
                return True
    return False


def check_io(p: Program) -> Iterator[Hit]:
    for op in p.ops:
        detail = op.detail
        if op.api == "source" and not op.streaming:
            yield from read_rules(p, op)
        if op.method in ("select", "selectExpr") and detail.get("star"):
            yield p.hit("AP-IO02", op)
        if (
            op.api == "sql"
            and detail.get("select_star")
            and p.reachable_actions(op, stop=lambda o: o.method in PRUNING)
            and any(
                a.api == "sink" for a in p.reachable_actions(op, stop=lambda o: o.method in PRUNING)
            )
        ):
            yield p.hit("AP-IO02", op)
        if op.method in BATCH_WRITES and not detail.get("mode_set"):
            yield p.hit("AP-IO03", op)
        if op.method in ("union", "unionAll"):
            left, right = detail.get("left_columns"), detail.get("right_columns")
            if left and right and left != right and sorted(left) == sorted(right):
                yield p.hit("AP-IO05", op)


def read_rules(p: Program, op) -> Iterator[Hit]:
    detail = op.detail
    fmt = detail.get("format")
    options = {k.lower(): v for k, v in (detail.get("options") or {}).items()}
    lines = {k.lower(): v for k, v in (detail.get("option_lines") or {}).items()}
    if (
        fmt == "csv"
        and not detail.get("schema")
        and (options.get("inferschema") or "").lower() in ("true", "1")
    ):
        yield p.hit("AP-IO01", op, lines.get("inferschema"))
    if fmt == "json" and not detail.get("schema"):
        ratio = options.get("samplingratio")
        try:
            sampled = ratio is not None and float(ratio) < 1
        except ValueError:
            sampled = False
        if not sampled:
            yield p.hit("AP-IO01", op)
    if fmt == "jdbc":
        bounds = {"lowerbound", "upperbound", "numpartitions"}
        partitioned = (
            (("partitioncolumn" in options or "column" in options) and bounds <= set(options))
            or "predicates" in options
            or len(getattr(op.node, "args", [])) >= 6
        )
        if not partitioned:
            yield p.hit("AP-IO06", op)


def check_cache(p: Program) -> Iterator[Hit]:
    released_everything = "catalog.clearCache" in p.conf
    unpersisted = {source for op in p.ops if op.method == "unpersist" for source in op.inputs}
    for op in p.ops:
        if op.method in ("cache", "persist"):
            same_data = {op.id, *op.inputs}
            if not released_everything and not same_data & unpersisted:
                yield p.hit("AP-C01", op)
            uses = p.reachable_actions(op, stop=lambda o: o.method == "unpersist")
            later = [
                action
                for parent in p.inputs(op)
                for action in p.reachable_actions(parent, stop=lambda o, c=op.id: o.id == c)
                if action.id > op.id
            ]
            weight = sum(p.weight(a, op) for a in {a.id: a for a in uses + later}.values())
            if weight == 1 and not p.consumed_in_loop(op):
                yield p.hit("AP-C02", op)
    yield from reused_without_cache(p)


def reused_without_cache(p: Program) -> Iterator[Hit]:
    qualifying: dict[int, frozenset[int]] = {}
    for op in p.ops:
        if not op.target or op.kind == "action" or op.cached or op.streaming:
            continue
        if op.api == "sink" or not (op.shuffle or any(a.shuffle for a in p.ancestors(op))):
            continue
        actions = p.reachable_actions(op, stop=lambda o: o.cached)
        if actions and (sum(p.weight(a, op) for a in actions) >= 2 or p.consumed_in_loop(op)):
            qualifying[op.id] = frozenset(a.id for a in actions)
    for op_id, actions in qualifying.items():
        op = p.by_id[op_id]
        later = [
            other
            for other, other_actions in qualifying.items()
            if other != op_id
            and other_actions == actions
            and op_id in {a.id for a in p.ancestors(p.by_id[other])}
        ]
        if not later:
            file, line = op.detail.get("bound_at") or (op.file, op.statement_line)
            yield Hit("AP-C03", line, file)


def check_rdd(p: Program) -> Iterator[Hit]:
    for op in p.ops:
        if op.method == "rdd":
            consumers = p.consumers(op)
            if any(c.method in RDD_PIPELINE for c in consumers):
                yield p.hit("AP-R01", op)
            if any(c.method in RDD_ROUND_TRIP and c.kind == "action" for c in consumers):
                yield p.hit("AP-R02", op)
        elif op.method == "sc.textFile":
            path = (op.detail.get("path_or_table") or "").lower()
            if ".csv" in path or ".json" in path:
                parsers = set()
                for consumer in p.consumers(op):
                    if consumer.method in ("map", "flatMap") and consumer.node.args:
                        function = consumer.node.args[0]
                        parsers |= call_names(function)
                        if isinstance(function, (ast.Name, ast.Attribute)):
                            parsers.add(getattr(function, "attr", getattr(function, "id", "")))
                if parsers & {"split", "loads"}:
                    yield p.hit("AP-R01", op)


def check_loops(p: Program) -> Iterator[Hit]:
    for op in p.ops:
        carried = op.detail.get("loop_carried")
        if not carried:
            continue
        if op.method in ("withColumn", "withColumnRenamed"):
            yield p.hit("AP-L01", op)
        elif op.method in CARRIED_UNIONS:
            loop = next(
                (
                    node
                    for node in reversed(op.loops)
                    if isinstance(node, (ast.For, ast.AsyncFor, ast.While))
                ),
                None,
            )
            if loop is not None and not checkpoints(loop, carried):
                yield p.hit("AP-L02", op)


def checkpoints(loop: ast.AST, name: str) -> bool:
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("checkpoint", "localCheckpoint")
        and receiver_root(node.func.value) == name
        for node in ast.walk(loop)
    )


def check_streaming(p: Program) -> Iterator[Hit]:
    configured = "spark.sql.streaming.checkpointLocation" in p.conf
    for op in p.ops:
        if op.method.startswith("writeStream."):
            options = {k.lower() for k in op.detail.get("options") or {}}
            if "checkpointlocation" not in options and not configured:
                yield p.hit("AP-ST01", op)
            continue
        if not op.streaming:
            continue
        if not op.watermarked and stateful(p, op):
            yield p.hit("AP-ST02", op)
        if op.kind == "action":
            yield p.hit("AP-ST03", op)


def stateful(p: Program, op) -> bool:
    if op.method in GROUPINGS or op.method in DEDUPLICATIONS:
        return True
    if op.method == "agg" and op.api == "dataframe":
        return True
    return (
        op.method == "join" and all(side.streaming for side in p.inputs(op)) and len(op.inputs) > 1
    )


def check_filters(p: Program) -> Iterator[Hit]:
    for op in p.ops:
        if op.method in ("filter", "where") and op.detail.get("udf_condition"):
            yield p.hit("AP-U04", op)
