"""The explainer's pictures: the operation DAG and the lineage graph."""

from __future__ import annotations

from sparkhub.graphs import Node, Picture, layered

STAGE_COLOURS = [
    "#dbeafe",
    "#dcfce7",
    "#fef9c3",
    "#fce7f3",
    "#e0e7ff",
    "#ffedd5",
    "#ccfbf1",
    "#f3e8ff",
    "#fee2e2",
    "#e2e8f0",
]


def operation_dag(analysis: dict) -> Picture:
    """Operations from sources to sinks, coloured by stage; edges into a shuffle emphasised."""
    operations = analysis.get("operations", [])
    nodes = [
        Node(
            key=op["id"],
            label=f"{op['method']}",
            detail=f"{op.get('target') or ''} · line {op['line']}".strip(" ·"),
            colour=STAGE_COLOURS[((op.get("stage") or 1) - 1) % len(STAGE_COLOURS)],
            data={
                "line": op["line"],
                "file": op.get("file", ""),
                "kind": op["kind"],
                "shuffle": op.get("shuffle", False),
                "stage": op.get("stage"),
                "summary": op.get("summary", ""),
            },
        )
        for op in operations
    ]
    links = [
        (source, op["id"], bool(op.get("shuffle")))
        for op in operations
        for source in op.get("inputs", [])
    ]
    return layered(nodes, links)


def lineage_graph(analysis: dict) -> Picture:
    """Tables read on the left, tables written on the right, an edge per lineage pair."""
    nodes: dict[str, Node] = {}
    links = []
    for edge in analysis.get("lineage", {}).get("tables", []):
        for end in ("from", "to"):
            name = edge[end]
            if name not in nodes:
                nodes[name] = Node(
                    key=name,
                    label=_shorten(name),
                    detail=f"{edge.get(end + '_format') or ''} · line {edge.get(end + '_line')}",
                    colour="#dbeafe" if end == "from" else "#dcfce7",
                    data={"line": edge.get(end + "_line"), "title": name},
                )
        links.append((edge["from"], edge["to"], False))
    return layered(list(nodes.values()), links)


def _shorten(name: str, limit: int = 26) -> str:
    return name if len(name) <= limit else "…" + name[-(limit - 1) :]
