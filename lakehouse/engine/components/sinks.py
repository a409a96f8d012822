"""Built-in sinks: partitioned Parquet (staged and published atomically) and JDBC."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .. import storage
from .base import Columns, Sink, StepContext
from .sources import JdbcConfig, jdbc_properties
from .streaming import drain_stream


@dataclass
class ParquetSinkConfig:
    path: str
    mode: Literal["overwrite", "append", "error", "errorifexists", "ignore"] = "overwrite"
    partition_by: list[str] = field(default_factory=list)
    partition_overwrite: Literal["static", "dynamic"] = "static"
    columns: list[str] = field(default_factory=list)  # keep only these, in this order
    # Shuffle rows so each partition value is written by one task: one file per date
    # instead of one per task and date, which is what makes many small partitions slow.
    repartition: bool = True
    max_records_per_file: int = 0
    options: dict[str, str] = field(default_factory=dict)


class ParquetSink(Sink):
    Config = ParquetSinkConfig

    def check(self) -> list[tuple[str, str]]:
        if self.config.columns and self.config.partition_by:
            missing = [c for c in self.config.partition_by if c not in self.config.columns]
            if missing:
                return [("partition_by", f"{', '.join(missing)} not among columns")]
        return []

    def output_columns(self, inputs: list[Columns | None]) -> Columns | None:
        columns = inputs[0] if inputs else None
        if self.config.columns:
            known = dict(columns or [])
            return [(c, known.get(c, "?")) for c in self.config.columns]
        return columns

    def prepare(self, df):
        from pyspark.sql import functions as F

        if self.config.columns:
            df = df.select(*self.config.columns)
        if self.config.partition_by and self.config.repartition and not df.isStreaming:
            df = df.repartition(*[F.col(c) for c in self.config.partition_by])
        return df

    def write(self, ctx: StepContext, df) -> dict:
        if df.isStreaming:
            # every micro-batch adds to the table (or replaces its partitions when dynamic)
            mode = "overwrite" if self.config.partition_overwrite == "dynamic" else "append"
            return drain_stream(ctx, df, lambda batch: self.write_batch(ctx, batch, mode))
        return self.write_batch(ctx, df, self.config.mode)

    def write_batch(self, ctx: StepContext, df, mode: str) -> dict:
        df = self.prepare(df)
        target = storage.local_path(self.config.path)
        if target is None:
            self._spark_write(df, self.config.path, mode)
            return {"path": self.config.path, "atomic": False}
        with storage.table_lock(target):
            storage.recover(target)
            staging = storage.TablePaths(target).new_staging()
            self._spark_write(df, str(staging), "overwrite")
            published = storage.publish(
                staging,
                target,
                mode,
                partition_depth=len(self.config.partition_by),
                dynamic=self.config.partition_overwrite == "dynamic",
            )
        return {**published, "atomic": True}

    def _spark_write(self, df, path: str, mode: str) -> None:
        writer = df.write.mode(mode).options(**self.config.options)
        # v2 commits task files straight into place: one rename fewer per file
        writer = writer.option("mapreduce.fileoutputcommitter.algorithm.version", "2")
        if self.config.max_records_per_file:
            writer = writer.option("maxRecordsPerFile", self.config.max_records_per_file)
        if self.config.partition_by:
            writer = writer.partitionBy(*self.config.partition_by)
        writer.parquet(path)


@dataclass
class JdbcSinkConfig(JdbcConfig):
    mode: Literal["overwrite", "append", "error", "errorifexists", "ignore"] = "append"


class JdbcSink(Sink):
    Config = JdbcSinkConfig

    def check(self) -> list[tuple[str, str]]:
        return [] if self.config.table else [("table", "is required")]

    def write(self, ctx: StepContext, df) -> dict:
        # Spark runs a JDBC write inside its save command, where DataFrame.observe reads 0 for
        # every count upstream. Counting the rows first, as an action of its own, completes
        # those counts; the write then reads the cached rows instead of the source again.
        level = df.storageLevel
        cached_here = not (level.useMemory or level.useDisk)
        if cached_here:
            df = df.cache()
        try:
            rows = df.count()
            writer = df.write.format("jdbc").mode(self.config.mode)
            writer = writer.option("url", ctx.secrets.resolve(self.config.url))
            writer = writer.option("dbtable", self.config.table)
            for key, value in jdbc_properties(self.config, ctx).items():
                writer = writer.option(key, value)
            writer.save()
        finally:
            if cached_here:
                df.unpersist()
        # mode "ignore" writes nothing into an existing table; the rows are those offered
        return {"table": self.config.table, "mode": self.config.mode, "rows": rows}
