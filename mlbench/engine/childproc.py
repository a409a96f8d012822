"""Environment for the child Python processes the engine starts (PDF extraction, benchmarks)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment with the project root on PYTHONPATH, so ``-m`` finds us."""
    paths = [str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    env.update(extra or {})
    return env
