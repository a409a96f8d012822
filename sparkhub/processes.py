"""Process-tree helpers: an RQ work horse calls setsid(), so killing a worker's process group
does not reach the job it is running; we walk parent links in /proc instead."""

from __future__ import annotations

import os
import signal
from pathlib import Path


def _parent_links() -> dict[int, int]:
    links = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may contain spaces and parentheses: fields start after the last ')'.
        fields = stat.rsplit(")", 1)[-1].split()
        links[int(entry.name)] = int(fields[1])
    return links


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants, parents before children."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parent_links().items():
        children.setdefault(parent, []).append(pid)
    tree, frontier = [], [root]
    while frontier:
        pid = frontier.pop(0)
        tree.append(pid)
        frontier.extend(children.get(pid, []))
    return tree


def signal_tree(root: int, signum: int = signal.SIGKILL) -> None:
    for pid in process_tree(root):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass
