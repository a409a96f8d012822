"""UDF rules: built-in re-implementations, hidden non-determinism, row-at-a-time numeric UDFs."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..model import Udf
from .program import Hit, Program

STRING_BUILTINS = frozenset(
    [
        "upper",
        "lower",
        "strip",
        "lstrip",
        "rstrip",
        "title",
        "capitalize",
        "replace",
        "startswith",
        "endswith",
        "zfill",
    ]
)
FUNCTION_BUILTINS = frozenset({"len", "abs", "round", "str", "int", "float", "bool"})
QUALIFIED_BUILTINS = frozenset(
    {
        "re.sub",
        "re.match",
        "re.search",
        "datetime.strptime",
        "datetime.datetime.strptime",
        "math.sqrt",
        "math.log",
        "math.exp",
        "math.floor",
        "math.ceil",
        "math.pow",
        "json.loads",
    }
)
NUMERIC_MODULES = ("math.", "np.", "numpy.")
RANDOM_CALLS = ("random.", "uuid.", "secrets.", "np.random.", "numpy.random.")
CLOCK_CALLS = frozenset(
    {
        "time.time",
        "time.time_ns",
        "time.monotonic",
        "datetime.now",
        "datetime.utcnow",
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "date.today",
        "datetime.date.today",
        "os.urandom",
    }
)
RANDOM_NAMES = frozenset(
    {
        "random",
        "randint",
        "uniform",
        "choice",
        "shuffle",
        "uuid4",
        "uuid1",
        "urandom",
        "gauss",
        "randrange",
    }
)
STRING_TYPES = ("string", "str", "StringType")
NOT_BUILTIN_SHAPES = (
    ast.Lambda,
    ast.ListComp,
    ast.GeneratorExp,
    ast.DictComp,
    ast.SetComp,
    ast.Subscript,
    ast.Starred,
)


def check_udfs(p: Program) -> Iterator[Hit]:
    for udf in p.udfs:
        expression = single_expression(udf.body)
        params = set(udf.params)
        builtin = (
            not udf.vectorized
            and expression is not None
            and maps_to_builtin(strip_null_guard(expression, params), params)
        )
        if builtin:
            yield Hit("AP-U01", udf.line, udf.file)
        if udf.body is not None and not udf.nondeterministic_marked and nondeterministic(udf):
            yield Hit("AP-U02", udf.line, udf.file)
        if not builtin and not udf.vectorized and not udf.use_arrow and numeric_udf(udf):
            yield Hit("AP-U03", udf.line, udf.file)


def single_expression(body: ast.AST | None) -> ast.expr | None:
    if isinstance(body, ast.Lambda):
        return body.body
    if isinstance(body, (ast.FunctionDef, ast.AsyncFunctionDef)):
        statements = [
            s
            for s in body.body
            if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
        ]
        if len(statements) == 1 and isinstance(statements[0], ast.Return):
            return statements[0].value
    return None


def dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def strip_null_guard(expression: ast.expr, params: set[str]) -> ast.expr:
    """``s.upper() if s else None`` (or ``if s is not None``) is what the built-in does too."""
    if isinstance(expression, ast.IfExp):
        branches = (expression.body, expression.orelse)
        nones = [b for b in branches if isinstance(b, ast.Constant) and b.value is None]
        if len(nones) == 1 and _tests_param(expression.test, params):
            return next(b for b in branches if b is not nones[0])
    return expression


def _tests_param(test: ast.expr, params: set[str]) -> bool:
    if isinstance(test, ast.Name):
        return test.id in params
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _tests_param(test.operand, params)
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and (test.left.id in params)
    )


def maps_to_builtin(expression: ast.expr, params: set[str]) -> bool:
    """An expression over the parameters made only of calls Spark has built-ins for."""
    found_call = False
    for node in ast.walk(expression):
        if isinstance(node, ast.Call):
            func = node.func
            name = dotted(func)
            string_method = isinstance(func, ast.Attribute) and (
                (func.attr in STRING_BUILTINS and _is_param_expr(func.value, params))
                or func.attr in ("date", "strftime")
            )
            if (
                string_method
                or name in QUALIFIED_BUILTINS
                or (isinstance(func, ast.Name) and func.id in FUNCTION_BUILTINS)
            ):
                found_call = True
            else:
                return False
        elif (
            isinstance(node, ast.Name) and node.id not in params and not _module_name(node.id)
        ) or isinstance(node, NOT_BUILTIN_SHAPES):
            return False
    return found_call


def _module_name(name: str) -> bool:
    return name in {
        "re",
        "datetime",
        "math",
        "json",
        "str",
        "len",
        "abs",
        "round",
        "int",
        "float",
        "bool",
    }


def _is_param_expr(node: ast.AST, params: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in params for n in ast.walk(node))


def nondeterministic(udf: Udf) -> bool:
    for node in ast.walk(udf.body):
        if isinstance(node, ast.Call):
            name = dotted(node.func)
            if name.startswith(RANDOM_CALLS) or name in CLOCK_CALLS or name in RANDOM_NAMES:
                return True
    return False


def numeric_udf(udf: Udf) -> bool:
    """Arithmetic over the parameters (with math/numpy calls) returning a number."""
    if udf.return_type and udf.return_type.startswith(STRING_TYPES):
        return False
    if not isinstance(udf.body, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    body = [udf.body.body] if isinstance(udf.body, ast.Lambda) else udf.body.body
    arithmetic = False
    locals_ = set(udf.params)
    for statement in body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Assign):
                locals_ |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    for statement in body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.BinOp) and not isinstance(node.op, ast.Mod):
                arithmetic = True
            elif isinstance(node, ast.Call):
                if not dotted(node.func).startswith(NUMERIC_MODULES) and dotted(node.func) not in (
                    "abs",
                    "min",
                    "max",
                    "float",
                    "int",
                ):
                    return False
            elif (
                (isinstance(node, ast.Constant) and isinstance(node.value, str))
                or isinstance(
                    node,
                    (
                        ast.JoinedStr,
                        ast.Subscript,
                        ast.Lambda,
                        ast.For,
                        ast.While,
                        ast.Try,
                        ast.With,
                        ast.Dict,
                        ast.List,
                    ),
                )
                or (
                    isinstance(node, ast.Name)
                    and isinstance(node.ctx, ast.Load)
                    and (
                        node.id not in locals_
                        and node.id
                        not in ("math", "np", "numpy", "abs", "min", "max", "float", "int", "None")
                    )
                )
            ):
                return False
    return arithmetic
