"""Helpers for tests that run real worker and server processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sparkhub.processes import signal_tree

REPO = Path(__file__).resolve().parents[2]


def manage(*args: str, env: dict[str, str], **kwargs) -> subprocess.Popen:
    """Start ``manage.py args`` in its own session (so its whole tree can be killed)."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def run_burst_worker(env: dict[str, str], *queues: str, timeout: float = 90) -> str:
    """Run an RQ worker until its queues are empty; returns its output."""
    done = subprocess.run(
        [sys.executable, "manage.py", "rqworker", "--burst", *(queues or ("default",))],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done.stdout + done.stderr


def wait_for(condition: Callable[[], bool], *, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def kill_tree(process: subprocess.Popen) -> None:
    """kill -9 of the whole process tree, as an OOM killer or a lost host would do."""
    signal_tree(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def processes_mentioning(text: str) -> list[int]:
    """PIDs whose command line or environment mentions ``text`` (this process excluded)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            blob = (proc / "cmdline").read_bytes() + (proc / "environ").read_bytes()
        except OSError:
            continue
        if text.encode() in blob:
            found.append(int(proc.name))
    return found
