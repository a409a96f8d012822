"""What the benchmark records about the machine and the CPU its processes used (Linux /proc,
with a portable fallback)."""

from __future__ import annotations

import os
import platform
import resource
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine_facts() -> dict:
    return {
        "cpu_count": os.cpu_count(),
        "available_cores": available_cores(),
        "load_average": load_average(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def process_tree_cpu_seconds(root: int | None = None) -> float:
    """User+system CPU seconds of a process and all its live descendants.

    A local Spark driver is this Python process, its JVM child and the JVM's Python workers, so
    the whole tree is what a task costs. Falls back to this process and its reaped children
    where /proc is missing.
    """
    root = os.getpid() if root is None else root
    proc = Path("/proc")
    if not (proc / str(root) / "stat").exists():
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    children: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # the process ended while we looked
        # The command name may contain spaces and brackets; fields start after the last ')'.
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        ticks[pid] = int(fields[11]) + int(fields[12])
    total, frontier = 0, [root]
    while frontier:
        pid = frontier.pop()
        total += ticks.get(pid, 0)
        frontier += children.get(pid, [])
    return total / CLOCK_TICKS
