"""Batch sources: files (csv, json, parquet), JDBC and catalog tables."""

from __future__ import annotations

import glob
from dataclasses import dataclass, field

from ..ddl import parse_schema
from .base import Columns, PermanentError, Source, StepContext


class InputError(Exception):
    """Input the step cannot find yet (missing files); retried, as files may still arrive."""


class ColumnMismatch(PermanentError):
    """The input's columns are not the ones the step expects."""


@dataclass
class FileSourceConfig:
    path: str
    schema: str = ""  # Spark DDL, e.g. "id string, amount decimal(12,2)"
    columns: list[str] = field(default_factory=list)  # expected columns, checked on read
    options: dict[str, str] = field(default_factory=dict)
    source_file_column: str = ""  # adds the file each row came from
    ingested_at_column: str = ""  # adds the ingestion timestamp


@dataclass
class CsvConfig(FileSourceConfig):
    header: bool = True
    delimiter: str = ","
    infer_schema: bool = False  # off by default: every column arrives as text


def _schema_columns(ddl: str) -> Columns | None:
    if not ddl:
        return None
    try:
        return parse_schema(ddl)
    except ValueError:  # reported by check()
        return None


def _local_path(path: str) -> str | None:
    if path.startswith("file:"):
        return path.removeprefix("file://").removeprefix("file:")
    return None if "://" in path else path


class FileSource(Source):
    Config = FileSourceConfig
    format = ""

    def check(self) -> list[tuple[str, str]]:
        if not self.config.schema:
            return []
        try:
            parse_schema(self.config.schema)
        except ValueError as error:
            return [("schema", f"not a valid schema: {error}")]
        return []

    def output_columns(self, inputs: list[Columns | None]) -> Columns | None:
        columns = _schema_columns(self.config.schema)
        if columns is None and self.config.columns:
            column_type = "string" if self.format == "csv" else "?"
            columns = [(name, column_type) for name in self.config.columns]
        if columns is None:
            return None
        if self.config.source_file_column:
            columns = [*columns, (self.config.source_file_column, "string")]
        if self.config.ingested_at_column:
            columns = [*columns, (self.config.ingested_at_column, "timestamp")]
        return columns

    def reader(self, ctx: StepContext):
        reader = ctx.spark.read.format(self.format).options(**self.config.options)
        if self.config.schema:
            reader = reader.schema(self.config.schema)
        return reader

    def read(self, ctx: StepContext):
        from pyspark.sql import functions as F

        local = _local_path(self.config.path)
        if local is not None and not glob.glob(local):
            raise InputError(f"no input file matches {self.config.path}")
        df = self.reader(ctx).load(self.config.path)
        if self.config.columns:
            _check_columns(df.columns, self.config.columns, self.config.path)
            df = df.select(*self.config.columns)
        if self.config.source_file_column:
            df = df.withColumn(self.config.source_file_column, F.col("_metadata.file_path"))
        if self.config.ingested_at_column:
            df = df.withColumn(self.config.ingested_at_column, F.current_timestamp())
        return df


def _check_columns(actual: list[str], expected: list[str], path: str) -> None:
    missing = [c for c in expected if c not in actual]
    unexpected = [c for c in actual if c not in expected]
    if missing or unexpected:
        detail = []
        if missing:
            detail.append(f"missing {', '.join(missing)}")
        if unexpected:
            detail.append(f"unexpected {', '.join(unexpected)}")
        raise ColumnMismatch(
            f"{path} has columns [{', '.join(actual)}] but the step expects "
            f"[{', '.join(expected)}]: {'; '.join(detail)}"
        )


class CsvSource(FileSource):
    Config = CsvConfig
    format = "csv"

    def reader(self, ctx: StepContext):
        return (
            super()
            .reader(ctx)
            .option("header", self.config.header)
            .option("sep", self.config.delimiter)
            .option("inferSchema", self.config.infer_schema and not self.config.schema)
        )


class JsonSource(FileSource):
    format = "json"


class ParquetSource(FileSource):
    format = "parquet"


@dataclass
class JdbcConfig:
    url: str
    table: str = ""
    query: str = ""
    user: str = ""
    password: str = ""  # write secret://env/NAME rather than the password itself
    driver: str = ""
    options: dict[str, str] = field(default_factory=dict)


def jdbc_properties(config: JdbcConfig, ctx: StepContext) -> dict[str, str]:
    properties = dict(config.options)
    if config.user:
        properties["user"] = ctx.secrets.resolve(config.user)
    if config.password:
        properties["password"] = ctx.secrets.resolve(config.password)
    if config.driver:
        properties["driver"] = config.driver
    return properties


class JdbcSource(Source):
    Config = JdbcConfig

    def check(self) -> list[tuple[str, str]]:
        if bool(self.config.table) == bool(self.config.query):
            return [("table", "give exactly one of table or query")]
        return []

    def read(self, ctx: StepContext):
        reader = ctx.spark.read.format("jdbc").option("url", ctx.secrets.resolve(self.config.url))
        for key, value in jdbc_properties(self.config, ctx).items():
            reader = reader.option(key, value)
        if self.config.query:
            return reader.option("query", self.config.query).load()
        return reader.option("dbtable", self.config.table).load()


@dataclass
class TableConfig:
    name: str


class TableSource(Source):
    Config = TableConfig

    def read(self, ctx: StepContext):
        return ctx.spark.table(self.config.name)
