"""Components and hooks referenced by class path from test pipelines, as a user module would."""

from __future__ import annotations

from dataclasses import dataclass

from lakehouse.engine.components import Source, Transform
from lakehouse.engine.hooks import Hook

ATTEMPTS: dict[str, int] = {}
EVENTS: list[tuple[str, str]] = []


@dataclass
class RowsConfig:
    rows: int = 3
    fail_times: int = 0  # raise on the first N attempts
    key: str = "default"


class FlakySource(Source):
    """Produces ``rows`` ids, failing the first ``fail_times`` reads."""

    Config = RowsConfig

    def read(self, ctx):
        ATTEMPTS[self.config.key] = ATTEMPTS.get(self.config.key, 0) + 1
        if ATTEMPTS[self.config.key] <= self.config.fail_times:
            raise ConnectionError(f"source unavailable (attempt {ATTEMPTS[self.config.key]})")
        return ctx.spark.range(self.config.rows)


@dataclass
class BoomConfig:
    message: str = "boom"


class BoomTransform(Transform):
    Config = BoomConfig

    def apply(self, ctx, inputs):
        raise RuntimeError(self.config.message)


class RecordingHook(Hook):
    def before_step(self, run, step):
        EVENTS.append(("before", step["name"]))

    def after_step(self, run, step):
        EVENTS.append(("after", step["name"]))

    def on_error(self, run, step, error):
        EVENTS.append(("error", step["name"]))
