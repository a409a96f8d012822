"""The analysed program as the rules see it: operations, their consumers, and graph questions."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ..dag import ancestors, descendants_map
from ..model import Operation, Udf, WindowOrigin

BOUNDING = frozenset(
    {
        "limit",
        "take",
        "head",
        "first",
        "tail",
        "show",
        "takeOrdered",
        "top",
        "describe",
        "summary",
        "isEmpty",
    }
)


@dataclass
class Hit:
    rule: str
    line: int
    file: str
    detail: str = ""


@dataclass
class Program:
    ops: list[Operation]
    udfs: list[Udf]
    window_origins: list[WindowOrigin]
    conf: dict[str, str]
    by_id: dict[int, Operation] = field(init=False)
    children: dict[int, list[int]] = field(init=False)
    _bounded: dict[int, bool] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {op.id: op for op in self.ops}
        self.children = descendants_map(self.ops)

    def hit(self, rule: str, op: Operation, line: int | None = None, detail: str = "") -> Hit:
        return Hit(rule=rule, line=line or op.line, file=op.file, detail=detail)

    def inputs(self, op: Operation) -> list[Operation]:
        return [self.by_id[i] for i in op.inputs]

    def consumers(self, op: Operation) -> list[Operation]:
        return [self.by_id[i] for i in self.children[op.id]]

    def ancestors(self, op: Operation) -> list[Operation]:
        return [self.by_id[i] for i in ancestors(op.id, self.by_id)]

    def bounded(self, op: Operation) -> bool:
        """Whether the rows of ``op`` are known to be few: a limit, a global aggregate, local
        data, or only bounded inputs."""
        if op.id in self._bounded:
            return self._bounded[op.id]
        self._bounded[op.id] = False  # guards against cycles
        detail = op.detail
        result = (
            op.method in BOUNDING
            or bool(detail.get("global_aggregate"))
            or bool(detail.get("local"))
            or (op.api == "sql" and bool(detail.get("limit")))
            or (
                op.method in ("groupBy", "groupby")
                and detail.get("keys") == []
                and not op.node.args
            )
            or (bool(op.inputs) and all(self.bounded(p) for p in self.inputs(op)))
        )
        self._bounded[op.id] = result
        return result

    def reachable_actions(self, start: Operation, *, stop=lambda op: False) -> list[Operation]:
        """Actions downstream of ``start`` (``start`` excluded), not walking past ``stop``."""
        found: list[Operation] = []
        seen: set[int] = set()
        stack = list(self.children[start.id])
        while stack:
            current = self.by_id[stack.pop()]
            if current.id in seen:
                continue
            seen.add(current.id)
            if stop(current):
                continue
            if current.kind == "action":
                found.append(current)
            stack.extend(self.children[current.id])
        return found

    def weight(self, action: Operation, definition: Operation) -> int:
        """How many times an action consumes a definition: loops not enclosing it repeat it."""
        extra = [loop for loop in action.loops if loop not in definition.loops]
        return 2 if extra else 1

    def consumed_in_loop(self, definition: Operation) -> bool:
        """A direct consumer sits in a loop the definition is not in: it is read repeatedly."""
        return any(
            any(loop not in definition.loops for loop in consumer.loops)
            for consumer in self.consumers(definition)
        )


def call_names(node: ast.AST) -> set[str]:
    """Names of functions called anywhere under ``node`` (``sum``, ``split``, ``loads``...)."""
    names = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            func = child.func
            if isinstance(func, ast.Name):
                names.add(func.id)
            elif isinstance(func, ast.Attribute):
                names.add(func.attr)
    return names


def receiver_root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Call, ast.Attribute, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None
