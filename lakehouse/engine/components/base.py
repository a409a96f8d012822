"""Base classes every pipeline component derives from.

A component is built once per run from its typed ``Config`` (a dataclass checked at start-up,
before Spark runs anything) and then called by the executor with a :class:`StepContext`.
Sources read, transforms reshape, validators split rows into kept and rejected, sinks write.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from ..secrets import SecretResolver

Columns = list[tuple[str, str]]  # (name, Spark SQL type) in order; "?" when unknown


class PermanentError(Exception):
    """A failure retrying cannot fix (bad data, wrong columns): the step fails at once."""


@dataclass
class NoOptions:
    pass


@dataclass
class StepContext:
    spark: SparkSession
    run_id: str
    pipeline: str
    step: str
    checkpoint_dir: str
    secrets: SecretResolver
    log: logging.LoggerAdapter
    attempt: int = 1


@dataclass
class StepOutput:
    """What a step hands downstream: kept rows, rejected rows, and what it measured."""

    main: DataFrame | None = None
    rejects: DataFrame | None = None
    quality: list = field(default_factory=list)  # lakehouse.engine.quality.RuleResult
    written: dict = field(default_factory=dict)
    cache_parent: DataFrame | None = None  # persist this when both main and rejects are used
    # Row counts the component observes itself: {"": main, "rejects": ...} -> (Observed, key).
    # Each observation point costs Spark a pass through a non-codegen operator, so components
    # that already aggregate share theirs instead of the executor adding more.
    counts: dict = field(default_factory=dict)


class Component:
    kind: ClassVar[str] = "component"
    Config: ClassVar[type] = NoOptions
    #: True when the component can take several inputs (union, joins in SQL...)
    multi_input: ClassVar[bool] = False
    #: True when every input row gives exactly one output row, so counting it again is waste
    preserves_rows: ClassVar[bool] = False

    def __init__(self, config: Any):
        self.config = config

    def check(self) -> list[tuple[str, str]]:
        """Cross-field checks beyond types: ``[(field, message), ...]``."""
        return []

    def produces_rejects(self) -> bool:
        return bool(getattr(self.config, "reject_reason", ""))

    def output_columns(self, inputs: list[Columns | None]) -> Columns | None:
        """The output schema for dry-run plans, when it can be known without data."""
        return inputs[0] if len(inputs) == 1 else None


class Source(Component):
    kind = "source"

    def read(self, ctx: StepContext) -> DataFrame:
        raise NotImplementedError


class Transform(Component):
    kind = "transform"

    def apply(self, ctx: StepContext, inputs: dict[str, DataFrame]) -> DataFrame | StepOutput:
        raise NotImplementedError


class Validator(Component):
    kind = "validator"

    def validate(self, ctx: StepContext, df: DataFrame) -> StepOutput:
        raise NotImplementedError


class Sink(Component):
    kind = "sink"
    multi_input = True  # several inputs are unioned by column name (e.g. all rejects)

    def write(self, ctx: StepContext, df: DataFrame) -> dict:
        raise NotImplementedError

    def output_columns(self, inputs: list[Columns | None]) -> Columns | None:
        return inputs[0] if inputs else None
