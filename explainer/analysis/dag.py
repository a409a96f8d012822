"""Stages (operations grouped between shuffles) and the jobs each action triggers."""

from __future__ import annotations

from .model import Operation

BROADCAST_SIDE_METHODS = frozenset({"join", "crossJoin"})


def build_stages(ops: list[Operation]) -> list[dict]:
    """Cut the operation graph at shuffles; narrow operations join their input's stage."""
    parent: dict[int, int] = {}

    def root(op_id: int) -> int:
        while parent[op_id] != op_id:
            parent[op_id] = parent[parent[op_id]]
            op_id = parent[op_id]
        return op_id

    def merge(a: int, b: int) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for op in ops:
        parent[op.id] = op.id
        if op.shuffle or not op.inputs:
            continue
        # A broadcast join streams its first input; the broadcast side is a stage of its own.
        joined = op.inputs[:1] if op.method in BROADCAST_SIDE_METHODS else op.inputs
        for source in joined:
            merge(op.id, source)

    groups: dict[int, list[int]] = {}
    for op in ops:
        groups.setdefault(root(op.id), []).append(op.id)
    numbering = {group: index for index, group in enumerate(sorted(groups), start=1)}
    by_id = {op.id: op for op in ops}
    stages = []
    for group, members in sorted(groups.items()):
        first = by_id[members[0]]
        parents = sorted(
            {
                numbering[root(source)]
                for member in members
                for source in by_id[member].inputs
                if root(source) != group
            }
        )
        stages.append(
            {
                "id": numbering[group],
                "operations": members,
                "parents": parents,
                "starts_with": "shuffle"
                if first.shuffle
                else ("source" if not first.inputs else "input"),
                "shuffle_operation": first.id if first.shuffle else None,
                "lines": sorted({by_id[m].line for m in members}),
            }
        )
    return stages


def stage_index(stages: list[dict]) -> dict[int, int]:
    return {op_id: stage["id"] for stage in stages for op_id in stage["operations"]}


def build_jobs(ops: list[Operation], stages: list[dict]) -> dict:
    """Each action is at least one job; some calls run named extra ("hidden") jobs."""
    by_id = {op.id: op for op in ops}
    stage_of = stage_index(stages)
    actions = []
    streaming_queries = 0
    for op in ops:
        if op.kind != "action":
            continue
        if op.method.startswith("writeStream."):
            streaming_queries += 1
            continue
        involved = sorted({stage_of[a] for a in ancestors(op.id, by_id)} | {stage_of[op.id]})
        actions.append(
            {
                "operation": op.id,
                "method": op.method,
                "line": op.line,
                "file": op.file,
                "at_least": 1,
                "stages": involved,
                "in_loop": op.in_loop,
                "sort_sampling": any(
                    by_id[a].method in ("orderBy", "sort") for a in ancestors(op.id, by_id)
                ),
            }
        )
    hidden = [
        {
            "operation": op.id,
            "method": op.method,
            "line": op.line,
            "file": op.file,
            "reason": reason,
            "at_least": count,
        }
        for op in ops
        for reason, count in op.hidden_jobs
    ]
    return {
        "at_least": len(actions) + sum(h["at_least"] for h in hidden),
        "actions": actions,
        "hidden": hidden,
        "streaming_queries": streaming_queries,
        "note": "Spark may run more jobs than this (adaptive execution, sampling, retries); "
        "the count is a lower bound.",
    }


def ancestors(op_id: int, by_id: dict[int, Operation]) -> set[int]:
    seen: set[int] = set()
    stack = list(by_id[op_id].inputs)
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(by_id[current].inputs)
    return seen


def descendants_map(ops: list[Operation]) -> dict[int, list[int]]:
    children: dict[int, list[int]] = {op.id: [] for op in ops}
    for op in ops:
        for source in op.inputs:
            children[source].append(op.id)
    return children
