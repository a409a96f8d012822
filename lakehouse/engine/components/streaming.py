"""Incremental runs: a file source read as a stream, drained with the ``availableNow`` trigger.

Each run processes only the files that arrived since the last one (Spark keeps track in the
step's checkpoint, ``<pipeline.checkpoint_dir>/<sink step>``), then stops, so the same pipeline
can be scheduled like a batch job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..ddl import parse_schema
from .base import Columns, PermanentError, Source, StepContext


@dataclass
class StreamFileConfig:
    path: str  # a directory new files land in
    schema: str  # streams need their schema up front (Spark DDL)
    format: Literal["csv", "json", "parquet"] = "csv"
    header: bool = True
    max_files_per_trigger: int = 0
    options: dict[str, str] = field(default_factory=dict)


class FileStreamSource(Source):
    Config = StreamFileConfig

    def check(self) -> list[tuple[str, str]]:
        try:
            parse_schema(self.config.schema)
        except ValueError as error:
            return [("schema", f"not a valid schema: {error}")]
        return []

    def output_columns(self, inputs: list[Columns | None]) -> Columns | None:
        return parse_schema(self.config.schema)

    def read(self, ctx: StepContext):
        reader = ctx.spark.readStream.format(self.config.format).schema(self.config.schema)
        if self.config.format == "csv":
            reader = reader.option("header", self.config.header)
        if self.config.max_files_per_trigger:
            reader = reader.option("maxFilesPerTrigger", self.config.max_files_per_trigger)
        return reader.options(**self.config.options).load(self.config.path)


def drain_stream(ctx: StepContext, df, write_batch) -> dict:
    """Run ``write_batch(batch_df)`` for every micro-batch available now, then stop."""
    if not ctx.checkpoint_dir:
        raise PermanentError("streaming steps need pipeline.checkpoint_dir for their checkpoints")
    checkpoint = f"{ctx.checkpoint_dir.rstrip('/')}/{ctx.step}"
    query = (
        df.writeStream.foreachBatch(lambda batch, batch_id: write_batch(batch))
        .option("checkpointLocation", checkpoint)
        .trigger(availableNow=True)
        .queryName(f"{ctx.pipeline}-{ctx.step}-{ctx.run_id}")
        .start()
    )
    query.awaitTermination()
    if query.exception() is not None:
        raise RuntimeError(str(query.exception()))
    progress = query.recentProgress
    return {
        "rows": sum(p["numInputRows"] for p in progress),
        "batches": sum(1 for p in progress if p["numInputRows"]),
        "checkpoint": checkpoint,
    }
