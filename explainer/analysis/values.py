"""Small pure helpers on symbolic values: merging branches, combining columns, guessing inputs."""

from __future__ import annotations

import ast

from .model import Column, Frame, SparkObject

DATAFRAME_PARAM_NAMES = ("df", "sdf", "frame", "dataframe")


def guess_parameter(param: ast.arg, spark_file: bool):
    """A parameter of an uncalled function: a DataFrame when its name or annotation says so
    (names only count in files that use Spark; pandas annotations never do)."""
    annotation = ast.unparse(param.annotation) if param.annotation is not None else ""
    if "pd." in annotation or "pandas" in annotation or "Series" in annotation:
        return None
    if not annotation and not spark_file:
        return None
    name = param.arg.lower()
    if "SparkSession" in annotation or name in ("spark", "session"):
        return SparkObject("session")
    if "RDD" in annotation or name == "rdd" or name.endswith("_rdd"):
        return Frame(ops=(), rdd=True, external=param.arg)
    if (
        "DataFrame" in annotation
        or name in DATAFRAME_PARAM_NAMES
        or name.endswith("_df")
        or name.startswith("df_")
    ):
        return Frame(ops=(), external=param.arg)
    return None


def is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def emptiness_test(op: ast.cmpop, other: ast.AST, *, count_left: bool) -> bool:
    """``count() == 0``, ``> 0``, ``!= 0``, ``>= 1``, ``< 1``, ``<= 0`` (either side)."""
    if not isinstance(other, ast.Constant) or other.value not in (0, 1):
        return False
    if not count_left:
        flipped = {ast.Gt: ast.Lt, ast.Lt: ast.Gt, ast.GtE: ast.LtE, ast.LtE: ast.GtE}
        op = flipped.get(type(op), type(op))()
    kind = type(op)
    if other.value == 0:
        return kind in (ast.Eq, ast.NotEq, ast.Gt, ast.LtE)
    return kind in (ast.GtE, ast.Lt)


def combine_columns(*values) -> Column:
    columns = [v for v in values if isinstance(v, Column)]
    return Column(
        sources=frozenset().union(*(c.sources for c in columns)),
        first_line=next((c.first_line for c in columns if c.first_line), 0),
        uses_udf=any(c.uses_udf for c in columns),
        aggregate=any(c.aggregate for c in columns),
        windowed=any(c.windowed for c in columns),
    )


def merge_values(values: list):
    """One value for several possible ones (branches, returns): DataFrames merge into one."""
    known = [v for v in values if v is not None]
    if not known:
        return None
    frames = [v for v in known if isinstance(v, Frame)]
    if frames and len(frames) == len(known) and len(frames) > 1:
        ops = tuple(dict.fromkeys(o for f in frames for o in f.ops))
        return Frame(ops=ops, rdd=frames[0].rdd, external=frames[0].external)
    return known[0]


def merge_scopes(body: dict, orelse: dict) -> dict:
    merged = dict(orelse)
    for name, value in body.items():
        if name not in orelse:
            merged[name] = value
        elif orelse[name] is not value:
            merged[name] = merge_values([value, orelse[name]])
    return merged
