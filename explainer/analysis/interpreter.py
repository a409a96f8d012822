"""A small abstract interpreter over the AST: it follows values, never runs user code.

It walks statements in order, binding names to symbolic values (sessions, readers, DataFrames,
writers, windows, UDFs, columns, strings), follows calls into the submission's own functions
(in the same file or another file of the submission), and hands every Spark call to
:mod:`.calls`, which records the operations.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from .model import (
    Column,
    CountResult,
    Finding,
    Frame,
    Function,
    Operation,
    Rows,
    SparkObject,
    Text,
    Udf,
)
from .parse import ParsedFile
from .source import SourceText
from .strings import format_text, join_texts, percent_format
from .values import (
    combine_columns,
    emptiness_test,
    guess_parameter,
    is_none,
    merge_scopes,
    merge_values,
)

MAX_CALL_DEPTH = 8
# Following calls is exponential in the worst case (each helper calling others several times).
MAX_FOLLOWED_CALLS = 3_000
SPARK_WORD = re.compile("spark", re.IGNORECASE)
LOOP_NODES = (ast.For, ast.AsyncFor, ast.While)


class RowsIteration:
    """A comprehension over collected rows (driver-side processing)."""

    def __init__(self, op: int, filtered: bool):
        self.op = op
        self.filtered = filtered


class Interpreter:
    def __init__(self, files: dict[str, ParsedFile]):
        from .calls import Calls

        self.files = files
        self.ops: list[Operation] = []
        self.findings: list[Finding] = []
        self.udfs: list[Udf] = []
        self.views: dict[str, int] = {}
        self.conf: dict[str, str] = {}
        self.sql_queries: list[dict] = []
        self.window_origins: list = []
        self.calls = Calls(self)
        self.source = SourceText({name: parsed.source for name, parsed in files.items()})
        self.modules: dict[str, dict] = {}
        self.module_files: dict[str, str] = {}
        for name, parsed in files.items():
            if parsed.tree is not None:
                self.module_files[parsed.module_name] = name
                self.module_files.setdefault(parsed.module_name.rsplit(".", 1)[-1], name)
        self.file = ""
        self.scopes: list[dict] = []
        self.closures: list[dict | None] = []
        self.loops: list[ast.AST] = []
        self.returns: list[list] = []
        self.active: list[ast.AST] = []
        self.executed: set[int] = set()
        self.deferred: list[tuple[Function, str]] = []
        self.statement: ast.stmt | None = None
        self.assign_target: str | None = None
        self.assign_value: ast.AST | None = None
        self.star_functions: set[str] = set()
        self.name_mentions: dict[tuple[int, str], int] = {}
        self.spark_files: dict[str, bool] = {}
        self.followed_calls = 0
        self.sql_chars = 0

    # ----------------------------------------------------------------- driving
    def run(self) -> None:
        for name in self.files:
            self.run_file(name)
        # Functions nobody called still describe Spark work: analyse them with guessed inputs.
        for function, file in self.deferred:
            if id(function.node) not in self.executed:
                self.call_function(function, [], {}, guess_params=True, file=file)

    def run_file(self, name: str) -> dict:
        parsed = self.files[name]
        module = parsed.module_name
        if module in self.modules:
            return self.modules[module]
        env: dict = {}
        self.modules[module] = env
        if parsed.tree is None:
            return env
        saved = (self.file, self.scopes, self.closures, self.loops, self.star_functions)
        self.file, self.scopes, self.closures, self.loops = name, [env], [None], []
        self.star_functions = set()
        try:
            self.exec_block(parsed.tree.body)
        finally:
            self.file, self.scopes, self.closures, self.loops, self.star_functions = saved
        return env

    # ------------------------------------------------------------------ scopes
    def lookup(self, name: str):
        scope = self.scopes[-1]
        if name in scope:
            return scope[name]
        closure = self.closures[-1]
        if closure and name in closure:
            return closure[name]
        if name in self.scopes[0]:
            return self.scopes[0][name]
        if name in self.star_functions:
            return SparkObject(f"fn:{name}")
        # Notebooks and the pyspark shell predefine these.
        return {
            "spark": SparkObject("session"),
            "sc": SparkObject("context"),
            "display": SparkObject("display"),
            "reduce": None,
        }.get(name)

    def bind(self, target: ast.AST, value) -> None:
        if isinstance(target, ast.Name):
            self.scopes[-1][target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            values = value if isinstance(value, list) else [value] * len(target.elts)
            if len(values) != len(target.elts):
                values = [None] * len(target.elts)
            for element, item in zip(target.elts, values, strict=True):
                self.bind(element.value if isinstance(element, ast.Starred) else element, item)
        else:
            self.eval(target)

    def spark_file(self) -> bool:
        if self.file not in self.spark_files:
            self.spark_files[self.file] = bool(SPARK_WORD.search(self.files[self.file].source))
        return self.spark_files[self.file]

    def function_scope_node(self) -> ast.AST:
        return self.active[-1] if self.active else self.files[self.file].tree

    def mentions_in_scope(self, name: str) -> int:
        """How often ``name`` appears in the current function (or module) text. Words in strings
        or comments also count, which only makes the callers more cautious."""
        node = self.function_scope_node()
        key = (id(node), name)
        if key not in self.name_mentions:
            text = (
                self.source.of(self.file, node, limit=10**9)
                if self.active
                else self.files[self.file].source
            )
            self.name_mentions[key] = len(re.findall(rf"\b{re.escape(name)}\b", text))
        return self.name_mentions[key]

    # --------------------------------------------------------------- findings
    def report(self, rule: str, line: int, detail: str = "") -> None:
        self.findings.append(Finding(rule=rule, line=line, file=self.file, detail=detail))

    # -------------------------------------------------------------- statements
    def exec_block(self, statements: Iterable[ast.stmt]) -> None:
        for statement in statements:
            self.exec_stmt(statement)

    def exec_stmt(self, node: ast.stmt) -> None:
        saved = self.statement
        self.statement = node
        try:
            handler = getattr(self, f"stmt_{type(node).__name__}", None)
            if handler is not None:
                handler(node)
            else:
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.expr):
                        self.eval(child)
                    elif isinstance(child, ast.stmt):
                        self.exec_stmt(child)
        finally:
            self.statement = saved

    def stmt_FunctionDef(self, node: ast.FunctionDef) -> None:
        closure = dict(self.scopes[-1]) if len(self.scopes) > 1 else None
        function = Function(node=node, module=self.file, closure=closure)
        value = function
        for decorator in reversed(node.decorator_list):
            value = self.calls.decorate(decorator, value)
        self.scopes[-1][node.name] = value
        if value is function:
            self.deferred.append((function, self.file))

    stmt_AsyncFunctionDef = stmt_FunctionDef

    def stmt_ClassDef(self, node: ast.ClassDef) -> None:
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.deferred.append((Function(node=item, module=self.file), self.file))
        self.scopes[-1][node.name] = None

    def stmt_Return(self, node: ast.Return) -> None:
        value = self.eval(node.value) if node.value is not None else None
        if self.returns:
            self.returns[-1].append(value)

    def stmt_Assign(self, node: ast.Assign) -> None:
        single = node.targets[0] if len(node.targets) == 1 else None
        value = self.eval_assigned(node.value, single)
        for target in node.targets:
            self.bind(target, value)
        if isinstance(single, ast.Name) and isinstance(value, Frame) and len(value.ops) == 1:
            op = self.ops[value.ops[0] - 1]
            if op.target is None:
                # Bound by a caller (the op was made inside a helper): remember where.
                op.target = single.id
                op.detail["bound_at"] = (self.file, node.lineno)

    def stmt_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.bind(node.target, self.eval_assigned(node.value, node.target))

    def stmt_AugAssign(self, node: ast.AugAssign) -> None:
        value = self.eval(node.value)
        if isinstance(node.target, ast.Name):
            current = self.lookup(node.target.id)
            if isinstance(current, Text) and isinstance(node.op, ast.Add):
                self.scopes[-1][node.target.id] = join_texts([current, value])

    def eval_assigned(self, value: ast.expr, target: ast.AST | None):
        saved = (self.assign_target, self.assign_value)
        self.assign_target = target.id if isinstance(target, ast.Name) else None
        self.assign_value = value
        try:
            return self.eval(value)
        finally:
            self.assign_target, self.assign_value = saved

    def stmt_Expr(self, node: ast.Expr) -> None:
        self.eval(node.value)

    def stmt_For(self, node: ast.For) -> None:
        iterable = self.eval(node.iter)
        item = None
        if isinstance(iterable, list):
            frames = [v for v in iterable if isinstance(v, Frame)]
            if frames and len(frames) == len(iterable):
                item = Frame(ops=tuple(o for f in frames for o in f.ops), rdd=frames[0].rdd)
        self.bind(node.target, item)
        self.loops.append(node)
        try:
            if isinstance(iterable, Rows) and self.body_accumulates(node.body):
                self.report("AP-D06", self.ops[iterable.op - 1].line)
            self.exec_block(node.body)
        finally:
            self.loops.pop()
        self.exec_block(node.orelse)

    stmt_AsyncFor = stmt_For

    @staticmethod
    def body_accumulates(body: list[ast.stmt]) -> bool:
        return any(
            isinstance(child, ast.AugAssign)
            or (
                isinstance(child, ast.Call)
                and isinstance(child.func, ast.Attribute)
                and child.func.attr in {"append", "add"}
                and isinstance(child.func.value, ast.Name)
            )
            for statement in body
            for child in ast.walk(statement)
        )

    def stmt_While(self, node: ast.While) -> None:
        self.loops.append(node)
        try:
            self.check_truthiness(node.test)
            self.exec_block(node.body)
        finally:
            self.loops.pop()
        self.exec_block(node.orelse)

    def stmt_If(self, node: ast.If) -> None:
        self.check_truthiness(node.test)
        before = dict(self.scopes[-1])
        self.exec_block(node.body)
        after_body = self.scopes[-1]
        self.scopes[-1] = dict(before)
        self.exec_block(node.orelse)
        self.scopes[-1] = merge_scopes(after_body, self.scopes[-1])

    def stmt_With(self, node: ast.With) -> None:
        for item in node.items:
            value = self.eval(item.context_expr)
            if item.optional_vars is not None:
                self.bind(item.optional_vars, value)
        self.exec_block(node.body)

    stmt_AsyncWith = stmt_With

    def stmt_Try(self, node: ast.Try) -> None:
        self.exec_block(node.body)
        for handler in node.handlers:
            if handler.name:
                self.scopes[-1][handler.name] = None
            self.exec_block(handler.body)
        self.exec_block(node.orelse)
        self.exec_block(node.finalbody)

    stmt_TryStar = stmt_Try

    def stmt_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.scopes[-1][alias.asname] = self.calls.resolve_module(alias.name)
            else:
                head = alias.name.split(".")[0]
                self.scopes[-1][head] = self.calls.resolve_module(head)

    def stmt_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for alias in node.names:
            if alias.name == "*":
                self.import_star(module)
                continue
            value = self.calls.resolve_module(f"{module}.{alias.name}" if module else alias.name)
            self.scopes[-1][alias.asname or alias.name] = value

    def import_star(self, module: str) -> None:
        if module in ("pyspark.sql.functions", "pyspark.sql.functions.builtin"):
            from .catalog import SPARK_FUNCTION_NAMES

            self.star_functions |= SPARK_FUNCTION_NAMES
        elif module in self.module_files:
            env = self.run_file(self.module_files[module])
            self.scopes[-1].update({k: v for k, v in env.items() if not k.startswith("_")})

    # ------------------------------------------------------------- functions
    def call_function(
        self,
        function: Function,
        args: list,
        kwargs: dict,
        *,
        guess_params: bool = False,
        file: str | None = None,
        loop_carried: str | None = None,
    ):
        node = function.node
        self.followed_calls += 1
        if (
            node in self.active
            or len(self.active) >= MAX_CALL_DEPTH
            or self.followed_calls > MAX_FOLLOWED_CALLS
        ):
            # Not followed (recursion, or too deep): assume the DataFrames passed in flow out.
            return merge_values([a for a in args if isinstance(a, Frame)])
        self.executed.add(id(node))
        module_env = self.run_file(function.module)
        saved = (
            self.file,
            self.scopes,
            self.closures,
            self.loops,
            self.assign_target,
            self.assign_value,
        )
        self.file = file or function.module
        local: dict = {}
        self.scopes, self.closures, self.loops = [module_env, local], [None, function.closure], []
        local.update(self.bind_parameters(node.args, args, kwargs, guess_params))
        self.assign_target = loop_carried
        self.assign_value = node.body if loop_carried and isinstance(node, ast.Lambda) else None
        if loop_carried:
            self.loops = list(saved[3])
        self.active.append(node)
        self.returns.append([])
        try:
            if isinstance(node, ast.Lambda):
                result = self.eval(node.body)
            else:
                self.exec_block(node.body)
                result = merge_values(self.returns[-1])
        finally:
            self.returns.pop()
            self.active.pop()
            (
                self.file,
                self.scopes,
                self.closures,
                self.loops,
                self.assign_target,
                self.assign_value,
            ) = saved
        return result

    def bind_parameters(
        self, arguments: ast.arguments, args: list, kwargs: dict, guess: bool
    ) -> dict:
        local: dict = {}
        params = arguments.posonlyargs + arguments.args
        defaults = dict(
            zip(params[len(params) - len(arguments.defaults) :], arguments.defaults, strict=True)
        )
        for index, param in enumerate(params):
            if index < len(args):
                local[param.arg] = args[index]
            elif param.arg in kwargs:
                local[param.arg] = kwargs[param.arg]
            elif param in defaults and not guess:
                local[param.arg] = self.eval(defaults[param])
            elif guess:
                local[param.arg] = guess_parameter(param, self.spark_file())
            else:
                local[param.arg] = None
        for param in arguments.kwonlyargs:
            local[param.arg] = kwargs.get(
                param.arg, guess_parameter(param, self.spark_file()) if guess else None
            )
        for param in (arguments.vararg, arguments.kwarg):
            if param is not None:
                local[param.arg] = None
        return local

    # ------------------------------------------------------------ expressions
    def eval(self, node: ast.AST | None):
        if node is None:
            return None
        handler = getattr(self, f"expr_{type(node).__name__}", None)
        if handler is not None:
            return handler(node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.eval(child)
            elif isinstance(child, ast.comprehension):
                self.eval(child.iter)
        return None

    def expr_Constant(self, node: ast.Constant):
        return Text(node.value) if isinstance(node.value, str) else None

    def expr_Name(self, node: ast.Name):
        return self.lookup(node.id)

    def expr_Attribute(self, node: ast.Attribute):
        return self.calls.attribute(self.eval(node.value), node.attr, node)

    def expr_Call(self, node: ast.Call):
        return self.calls.call(node)

    def expr_Lambda(self, node: ast.Lambda):
        closure = dict(self.scopes[-1]) if len(self.scopes) > 1 else None
        return Function(node=node, module=self.file, closure=closure)

    def expr_List(self, node: ast.List | ast.Tuple):
        return [self.eval(element) for element in node.elts]

    expr_Tuple = expr_List

    def expr_JoinedStr(self, node: ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                constant = value.value
                if isinstance(constant, ast.Constant) and constant.value is not None:
                    inner = Text(str(constant.value))
                else:
                    inner = self.eval(constant)
                if value.format_spec is not None or value.conversion not in (-1, 115):
                    inner = None
                parts.append(inner if isinstance(inner, Text) else Text(None, dynamic=True))
            else:
                parts.append(Text(value.value))
        text = join_texts(parts)
        text.interpolated = True
        return text

    def expr_BinOp(self, node: ast.BinOp):
        left, right = self.eval(node.left), self.eval(node.right)
        if isinstance(node.op, ast.Add) and (isinstance(left, Text) or isinstance(right, Text)):
            text = join_texts([left, right])
            text.interpolated = True
            return text
        if isinstance(node.op, ast.Mod) and isinstance(left, Text):
            return percent_format(left, right)
        if isinstance(left, Column) or isinstance(right, Column):
            return combine_columns(left, right)
        return None

    def expr_Compare(self, node: ast.Compare):
        operands = [self.eval(node.left)] + [self.eval(c) for c in node.comparators]
        expressions = [node.left, *node.comparators]
        columnar = any(isinstance(v, Column) for v in operands)
        if columnar:
            self.check_none_comparison(node, operands, expressions)
            if len(node.ops) > 1 and any(
                isinstance(e, ast.BinOp) and isinstance(e.op, (ast.BitAnd, ast.BitOr))
                for e in expressions[1:-1]
            ):
                self.report("AP-X02", node.lineno)
            return combine_columns(*operands)
        self.check_count_comparison(node, operands)
        return None

    def check_none_comparison(self, node: ast.Compare, operands: list, expressions: list):
        for index, op in enumerate(node.ops):
            if not isinstance(op, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
                continue
            left, right = expressions[index], expressions[index + 1]
            pair = (operands[index], operands[index + 1])
            if (is_none(right) and isinstance(pair[0], Column)) or (
                is_none(left) and isinstance(pair[1], Column)
            ):
                self.report("AP-X01", node.lineno)
                return

    def check_count_comparison(self, node: ast.Compare, operands: list) -> None:
        if len(node.ops) != 1:
            return
        left, right = operands
        left_node, right_node = node.left, node.comparators[0]
        op = node.ops[0]
        if isinstance(left, CountResult) and emptiness_test(op, right_node, count_left=True):
            self.report_count(left, left_node)
        elif isinstance(right, CountResult) and emptiness_test(op, left_node, count_left=False):
            self.report_count(right, right_node)

    def report_count(self, count: CountResult, node: ast.AST) -> None:
        # A stored count that is used again elsewhere is a real count, not an emptiness test.
        # Mentions: the assignment, this test, and any other use.
        if isinstance(node, ast.Name) and self.mentions_in_scope(node.id) > 2:
            return
        self.report("AP-D03", self.ops[count.op - 1].line)

    def check_truthiness(self, test: ast.expr) -> None:
        value = self.eval(test)
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test = test.operand
            value = self.eval_quiet(test)
        if isinstance(value, CountResult):
            self.report_count(value, test)

    def eval_quiet(self, node: ast.expr):
        """Re-read a value already evaluated (names only), without recording operations twice."""
        if isinstance(node, ast.Name):
            return self.lookup(node.id)
        return None

    def expr_BoolOp(self, node: ast.BoolOp):
        values = [self.eval(v) for v in node.values]
        if any(isinstance(v, Column) for v in values):
            self.report("AP-X02", node.lineno)
            return combine_columns(*values)
        for value, child in zip(values, node.values, strict=True):
            if isinstance(value, CountResult):
                self.report_count(value, child)
        return None

    def expr_UnaryOp(self, node: ast.UnaryOp):
        value = self.eval(node.operand)
        if isinstance(value, Column):
            if isinstance(node.op, ast.Not):
                self.report("AP-X02", node.lineno)
            return value
        if isinstance(node.op, ast.Not) and isinstance(value, CountResult):
            self.report_count(value, node.operand)
        return None

    def expr_IfExp(self, node: ast.IfExp):
        self.check_truthiness(node.test)
        return merge_values([self.eval(node.body), self.eval(node.orelse)])

    def expr_Subscript(self, node: ast.Subscript):
        value = self.eval(node.value)
        key = self.eval(node.slice)
        if isinstance(value, Frame) and not value.rdd and isinstance(key, Text) and key.value:
            return Column(sources=frozenset({key.value}), alias=key.value)
        if isinstance(value, Column):
            return value
        if isinstance(value, list) and isinstance(node.slice, ast.Constant):
            index = node.slice.value
            if isinstance(index, int) and -len(value) <= index < len(value):
                return value[index]
        return None

    def expr_Dict(self, node: ast.Dict):
        return {
            (key.value if isinstance(key, Text) else None): value
            for key, value in (
                (self.eval(k), self.eval(v)) for k, v in zip(node.keys, node.values, strict=True)
            )
        }

    def expr_ListComp(self, node: ast.ListComp | ast.GeneratorExp | ast.SetComp | ast.DictComp):
        first, *rest = node.generators
        iterable = self.eval(first.iter)
        self.loops.append(node)
        try:
            self.bind(first.target, None)
            for generator in rest:
                self.eval(generator.iter)
                self.bind(generator.target, None)
            for generator in node.generators:
                for condition in generator.ifs:
                    self.eval(condition)
            if isinstance(node, ast.DictComp):
                self.eval(node.key)
                element = self.eval(node.value)
            else:
                element = self.eval(node.elt)
        finally:
            self.loops.pop()
        if isinstance(iterable, Rows):
            filtered = any(generator.ifs for generator in node.generators)
            if filtered:
                self.report("AP-D06", self.ops[iterable.op - 1].line)
            return RowsIteration(iterable.op, filtered)
        # A list of DataFrames built in a comprehension: one value stands for every element.
        return [element] if isinstance(element, Frame) else None

    expr_GeneratorExp = expr_SetComp = expr_DictComp = expr_ListComp

    def expr_NamedExpr(self, node: ast.NamedExpr):
        value = self.eval(node.value)
        self.bind(node.target, value)
        return value

    def expr_Await(self, node: ast.Await):
        return self.eval(node.value)

    def format_call(self, template: Text, args: list, kwargs: dict) -> Text:
        return format_text(template, args, kwargs)
