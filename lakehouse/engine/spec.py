"""Typed models of a pipeline config: the ``pipeline`` block and each entry of ``steps``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass
class RetrySpec:
    max_attempts: int = 1
    initial_delay: float = 1.0  # seconds before the second attempt
    max_delay: float = 60.0
    multiplier: float = 2.0


@dataclass
class BreakerSpec:
    failure_threshold: int = 3  # consecutive failures that open the circuit
    open_seconds: float = 60.0  # how long an open circuit refuses calls
    name: str = ""  # steps sharing a name share a breaker (e.g. one database)


@dataclass
class HookSpec:
    type: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class PipelineSettings:
    name: str = "pipeline"
    description: str = ""
    metrics_dir: str = ""  # pipeline_metrics.json goes to <metrics_dir>/<run_id>/
    checkpoint_dir: str = ""  # streaming checkpoints: <checkpoint_dir>/<step>
    hooks: list[HookSpec] = field(default_factory=list)
    retry: RetrySpec = field(default_factory=RetrySpec)
    circuit_breaker: BreakerSpec | None = None
    secrets: dict[str, Any] = field(default_factory=dict)  # resolver settings (aws region...)


STEP_KEYS = ("type", "inputs", "retry", "circuit_breaker", "stage", "cache", "description")


@dataclass
class StepSpec:
    name: str
    type: str
    inputs: list[str] | None = None  # None: the previous step
    retry: RetrySpec | None = None
    circuit_breaker: BreakerSpec | None = None
    stage: str = ""  # groups steps in metrics (bronze, silver, gold...)
    cache: Literal["auto", "always", "never"] = "auto"
    description: str = ""
    options: dict[str, Any] = field(default_factory=dict)  # the component's own fields
