"""Static analysis of PySpark code: operations, stages, jobs, findings, lineage, documentation.

Django-free and Spark-free: the code is parsed with :mod:`ast` (and SQL strings with sqlglot),
never executed or imported. Public entry points:

- :func:`analyse` -> the analysis document of DESIGN.md section 4 (plus ``jobs`` and extras)
- :func:`render_markdown` -> the generated documentation for a submission
- :func:`narrate` -> the offline plain-language explanation
- :func:`exit_status` -> the ``explain --fail-on`` exit code
"""

from __future__ import annotations

from .analysis import ANALYSER_VERSION, analyse, exit_status
from .docs import render_markdown
from .narrate import narrate
from .rules import RULES

__all__ = ["ANALYSER_VERSION", "RULES", "analyse", "exit_status", "narrate", "render_markdown"]
