"""Source text of AST nodes, sliced from the original lines (much cheaper than ast.unparse)."""

from __future__ import annotations

import ast


def _cut(line: str, start: int, end: int | None) -> str:
    # AST column offsets count UTF-8 bytes.
    if line.isascii():
        return line[start:end]
    return line.encode()[start:end].decode(errors="replace")


class SourceText:
    def __init__(self, sources: dict[str, str]):
        self.lines = {name: text.split("\n") for name, text in sources.items()}

    def of(self, file: str, node: ast.AST | None, limit: int = 200) -> str:
        """The code of ``node`` on one line, shortened to ``limit`` characters."""
        lines = self.lines.get(file)
        if node is None or lines is None or getattr(node, "end_lineno", None) is None:
            return ""
        first, last = node.lineno - 1, node.end_lineno - 1
        if first == last:
            text = _cut(lines[first], node.col_offset, node.end_col_offset)
        else:
            middle = lines[first + 1 : last]
            text = " ".join(
                [
                    _cut(lines[first], node.col_offset, None),
                    *middle,
                    _cut(lines[last], 0, node.end_col_offset),
                ]
            )
        text = " ".join(text.split())
        return text if len(text) <= limit else text[: limit - 1] + "…"
