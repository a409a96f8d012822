"""Load the labelled programs under tests/explainer/programs without importing them.

A program is a ``.py`` file, or a directory of ``.py`` files for a multi-file submission. Its
labels are the ``EXPECTED = {...}`` literal at the end of the program (``main.py`` for a
directory), read with ``ast.literal_eval``.
"""

from __future__ import annotations

import ast
from pathlib import Path

PROGRAMS = Path(__file__).parent / "programs"


def program_paths() -> list[Path]:
    return sorted(
        p
        for p in PROGRAMS.iterdir()
        if p.suffix == ".py" or (p.is_dir() and not p.name.startswith(("_", ".")))
    )


def load_program(path: Path) -> tuple[dict[str, str], dict]:
    if path.is_dir():
        files = {p.name: p.read_text() for p in sorted(path.glob("*.py"))}
        labelled = files["main.py"]
    else:
        files = {path.name: path.read_text()}
        labelled = files[path.name]
    return files, expected_labels(labelled)


def expected_labels(source: str) -> dict:
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "EXPECTED":
            return ast.literal_eval(node.value)
    raise ValueError("program has no EXPECTED labels")
