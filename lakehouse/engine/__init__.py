"""Configuration-driven PySpark pipelines (Django-free; runs on any Spark cluster).

Entry points: :func:`run_pipeline`, :func:`plan`, :func:`validate`, :func:`load_config`;
errors a pipeline author can fix are :class:`PipelineError`.
"""

from .api import load_config, load_pipeline, plan, run_pipeline, shipped_pipelines, validate
from .errors import PipelineError, Problem
from .planner import format_plan

__all__ = [
    "PipelineError",
    "Problem",
    "format_plan",
    "load_config",
    "load_pipeline",
    "plan",
    "run_pipeline",
    "shipped_pipelines",
    "validate",
]
