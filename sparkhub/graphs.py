"""Layered graph layouts drawn as SVG by templates (DAGs of operations, steps, lineage).

Pure Python: positions are computed here so pages need no JavaScript graph library.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NODE_WIDTH, NODE_HEIGHT = 190, 46
COLUMN_GAP, ROW_GAP, MARGIN = 60, 18, 16


@dataclass
class Node:
    key: object
    label: str
    detail: str = ""
    colour: str = "#e2e8f0"
    data: dict = field(default_factory=dict)
    x: int = 0
    y: int = 0
    width: int = NODE_WIDTH
    height: int = NODE_HEIGHT


@dataclass
class Edge:
    x1: int
    y1: int
    x2: int
    y2: int
    emphasised: bool = False

    @property
    def path(self) -> str:
        middle = (self.x1 + self.x2) // 2
        return f"M{self.x1},{self.y1} C{middle},{self.y1} {middle},{self.y2} {self.x2},{self.y2}"


@dataclass
class Picture:
    nodes: list[Node]
    edges: list[Edge]
    width: int
    height: int


def layered(nodes: list[Node], links: list[tuple[object, object, bool]]) -> Picture:
    """Columns by longest path from a root; rows in input order within a column."""
    parents: dict[object, list[object]] = {node.key: [] for node in nodes}
    for source, target, _ in links:
        if source in parents and target in parents:
            parents[target].append(source)
    depth: dict[object, int] = {}
    for node in nodes:  # inputs come before their users in the analysis, so one pass suffices
        depth[node.key] = 1 + max((depth.get(p, 0) for p in parents[node.key]), default=-1)
    rows: dict[int, int] = {}
    for node in nodes:
        column = depth[node.key]
        row = rows.get(column, 0)
        rows[column] = row + 1
        node.x = MARGIN + column * (NODE_WIDTH + COLUMN_GAP)
        node.y = MARGIN + row * (NODE_HEIGHT + ROW_GAP)
    by_key = {node.key: node for node in nodes}
    edges = [
        Edge(
            by_key[s].x + NODE_WIDTH,
            by_key[s].y + NODE_HEIGHT // 2,
            by_key[t].x,
            by_key[t].y + NODE_HEIGHT // 2,
            emphasised,
        )
        for s, t, emphasised in links
        if s in by_key and t in by_key
    ]
    columns = max(depth.values(), default=0) + 1
    height_rows = max(rows.values(), default=1)
    return Picture(
        nodes,
        edges,
        width=2 * MARGIN + columns * NODE_WIDTH + (columns - 1) * COLUMN_GAP,
        height=2 * MARGIN + height_rows * NODE_HEIGHT + (height_rows - 1) * ROW_GAP,
    )
