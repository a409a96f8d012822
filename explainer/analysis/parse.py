"""Turn untrusted source text into ASTs safely, with limits checked before any recursive walk.

User code is never executed or imported: ``ast.parse`` only. Pathological input (huge files,
millions of nodes, deeply nested expressions) is refused with an error message instead of
exhausting the worker's memory or stack.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

MAX_SOURCE_CHARS = 2_000_000
MAX_AST_NODES = 1_000_000
MAX_NESTING_DEPTH = 200

MAGIC_LINE = re.compile(r"^(\s*)(?=[%!])", re.M)
# Operators and load/store markers are leaves that cannot nest.
LEAF_NODES = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
NOQA_PATTERN = re.compile(r"#\s*noqa\s*:\s*(?P<codes>AP-[A-Z]+\d+(?:\s*,\s*AP-[A-Z]+\d+)*)", re.I)


@dataclass
class ParsedFile:
    """One file of a submission: its AST (or None) and per-line suppressions."""

    name: str
    source: str
    tree: ast.Module | None
    errors: list[dict] = field(default_factory=list)
    noqa: dict[int, frozenset[str]] = field(default_factory=dict)

    @property
    def module_name(self) -> str:
        stem = self.name[:-3] if self.name.endswith(".py") else self.name
        module = stem.replace("\\", "/").strip("/").replace("/", ".")
        return module.removesuffix(".__init__")


def parse_file(name: str, source: str) -> ParsedFile:
    """Parse one file; failures become ``errors`` entries, never exceptions."""
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    parsed = ParsedFile(name=name, source=source, tree=None)
    if len(source) > MAX_SOURCE_CHARS:
        parsed.errors.append(_error(1, f"file is larger than {MAX_SOURCE_CHARS:,} characters"))
        return parsed
    parsed.noqa = _noqa_comments(source)
    try:
        tree = _parse_allowing_magics(source, name)
    except SyntaxError as exc:
        parsed.errors.append(_error(exc.lineno or 1, f"syntax error: {exc.msg}"))
        parsed.tree = _parse_prefix(source, exc.lineno or 1)
        return parsed
    except (ValueError, RecursionError, MemoryError) as exc:
        parsed.errors.append(_error(1, f"cannot parse: {type(exc).__name__}: {exc}"[:300]))
        return parsed
    problem = _limits_problem(tree)
    if problem:
        parsed.errors.append(problem)
        return parsed
    parsed.tree = tree
    return parsed


def _parse_allowing_magics(source: str, name: str) -> ast.Module:
    """Parse; notebook exports may hold ``%sql`` / ``!pip`` lines, which are read as comments
    (same line numbers) when the plain parse fails."""
    try:
        return ast.parse(source, filename=name)
    except SyntaxError:
        if not MAGIC_LINE.search(source):
            raise
        return ast.parse(MAGIC_LINE.sub(r"\1#", source), filename=name)


def _parse_prefix(source: str, error_line: int) -> ast.Module | None:
    """The code before a syntax error, so the rest of the file can still be explained: cut at
    the error, or else at the last top-level statement before it."""
    lines = source.split("\n")[: max(0, error_line - 1)]
    cuts = [len(lines)]
    top_level = [i for i, text in enumerate(lines) if text[:1].strip() and text[:1] != "#"]
    if top_level:
        cuts.append(top_level[-1])
    for cut in cuts:
        try:
            tree = ast.parse("\n".join(lines[:cut]))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        if tree.body and _limits_problem(tree) is None:
            return tree
    return None


def _error(line: int, message: str) -> dict:
    return {"line": max(1, int(line)), "message": message}


def _limits_problem(tree: ast.AST) -> dict | None:
    """Count nodes and measure depth with an explicit stack, so no recursion is involved."""
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        count += 1
        if depth > MAX_NESTING_DEPTH:
            return _error(getattr(node, "lineno", 1), f"nested deeper than {MAX_NESTING_DEPTH}")
        deeper = depth + 1
        for name in node._fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.AST) and not isinstance(item, LEAF_NODES):
                        push((item, deeper))
            elif isinstance(value, ast.AST) and not isinstance(value, LEAF_NODES):
                push((value, deeper))
        if count > MAX_AST_NODES:
            return _error(1, f"more than {MAX_AST_NODES:,} syntax nodes")
    return None


def _noqa_comments(source: str) -> dict[int, frozenset[str]]:
    """Map line -> rule ids suppressed there by ``# noqa: AP-XXX`` comments."""
    found: dict[int, frozenset[str]] = {}
    line, position = 1, 0
    for match in NOQA_PATTERN.finditer(source):
        line += source.count("\n", position, match.start())
        position = match.start()
        codes = {c.strip().upper() for c in match.group("codes").split(",")}
        found[line] = found.get(line, frozenset()) | frozenset(codes)
    return found
