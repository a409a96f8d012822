"""The analyser's internal model: operations found in the code and the symbolic values in play."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field


@dataclass
class Operation:
    """One DataFrame/RDD/reader/writer/streaming call, with what the rules need to know."""

    id: int
    method: str
    line: int
    kind: str
    shuffle: bool
    inputs: list[int]
    file: str
    api: str  # dataframe | rdd | grouped | source | sink | sql | stream
    node: ast.AST
    target: str | None = None
    statement_line: int = 0
    loops: tuple[ast.AST, ...] = ()
    streaming: bool = False
    watermarked: bool = False
    cached: bool = False
    columns: list[str] | None = None
    detail: dict = field(default_factory=dict)
    # Jobs Spark runs at this call itself, as (reason, at least how many jobs).
    hidden_jobs: list[tuple[str, int]] = field(default_factory=list)

    @property
    def in_loop(self) -> bool:
        return bool(self.loops)

    def public(self) -> dict:
        return {
            "id": self.id,
            "method": self.method,
            "line": self.line,
            "kind": self.kind,
            "shuffle": self.shuffle,
            "inputs": list(self.inputs),
            "target": self.target,
            "file": self.file,
        }


@dataclass
class Frame:
    """A DataFrame or RDD value: the operations that may have produced it (several after an
    if/else)."""

    ops: tuple[int, ...]
    rdd: bool = False
    broadcast_line: int = 0
    external: str = ""  # a function parameter standing for a caller's DataFrame


@dataclass
class Grouped:
    frame: Frame
    op: int
    keys: list[str] | None


@dataclass
class Reader:
    streaming: bool
    line: int
    fmt: str | None = None
    options: dict = field(default_factory=dict)
    option_lines: dict = field(default_factory=dict)
    schema: bool = False
    columns: list[str] | None = None


@dataclass
class Writer:
    frame: Frame
    streaming: bool
    line: int
    fmt: str | None = None
    mode: str | None = None
    mode_set: bool = False
    options: dict = field(default_factory=dict)
    partition_by: list[str] = field(default_factory=list)
    foreach_batch: bool = False


@dataclass
class WindowOrigin:
    """Where a window specification started; shared by every spec derived from it."""

    line: int
    file: str
    partitioned: bool = False
    reported: bool = False


@dataclass
class WindowSpec:
    origin: WindowOrigin
    ordered: bool = False


@dataclass
class UdfFactory:
    """``udf('double')`` / ``pandas_udf(...)`` waiting for the function it decorates."""

    line: int
    vectorized: bool
    use_arrow: bool
    return_type: str | None


@dataclass
class Namespaced:
    """``df.na`` / ``df.stat``: method groups whose calls act on the DataFrame."""

    frame: Frame
    prefix: str


@dataclass
class Udf:
    name: str
    line: int
    file: str
    body: ast.AST | None
    params: list[str]
    vectorized: bool = False
    use_arrow: bool = False
    return_type: str | None = None
    nondeterministic_marked: bool = False


@dataclass
class Column:
    """A Column expression: the input columns it reads, and facts the rules look at."""

    sources: frozenset[str] = frozenset()
    alias: str | None = None
    first_line: int = 0
    uses_udf: bool = False
    aggregate: bool = False
    windowed: bool = False


@dataclass
class Text:
    """A string: its value when statically known, and whether it was built from runtime parts."""

    value: str | None
    interpolated: bool = False
    dynamic: bool = False


@dataclass
class Rows:
    """Rows pulled to the driver by collect()/toLocalIterator()."""

    op: int


@dataclass
class CountResult:
    op: int


@dataclass
class Function:
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
    module: str
    closure: dict | None = None


@dataclass
class ModuleRef:
    path: str


@dataclass
class SparkObject:
    """Singletons and builders: 'session', 'context', 'builder', 'conf', 'functions', 'window',
    'session_class', 'context_class', 'udf_registry', 'catalog'."""

    kind: str


@dataclass
class StreamQuery:
    op: int


@dataclass
class Finding:
    rule: str
    line: int
    file: str
    detail: str = ""
