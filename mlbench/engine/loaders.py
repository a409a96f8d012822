"""Load CSV, JSON, TXT and PDF files into Spark DataFrames, and profile them.

The schema is inferred once on the first records (``precheck.SAMPLE_ROWS``) (cheap and predictable),
then passed back in as a fixed schema on every later read, so a benchmark never re-infers and
every worker count reads exactly the same columns and types.

Text (TXT, and PDF after extraction) becomes one row per non-blank line:
``line`` (string), ``tokens`` (lower-cased words, array<string>) and ``token_count`` (int).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from mlbench.engine.errors import MLBenchInputError
from mlbench.engine.pdftext import pdf_as_text_file
from mlbench.engine.precheck import sample_file

PREVIEW_ROWS = 20
TEXT_KIND = "text"
TABLE_KIND = "table"
WORD_PATTERN = r"[\p{L}\p{N}]+"


@dataclass
class LoadedData:
    """A DataFrame plus what the tasks need to know about where it came from."""

    df: DataFrame
    fmt: str
    kind: str  # "table" or "text"
    schema_json: str
    delimiter: str | None = None


def load_dataset(
    spark: SparkSession,
    path: str | Path,
    fmt: str,
    *,
    schema_json: str | None = None,
    delimiter: str | None = None,
    partitions: int | None = None,
    spark_path: str | None = None,
) -> LoadedData:
    """Read ``path`` as ``fmt`` (csv, json, txt, pdf) with a fixed schema.

    ``schema_json`` is the schema recorded by :func:`profile_dataset`; without it the schema is
    inferred on a sample now. ``partitions`` repartitions the data to a fixed number of
    partitions, so results do not depend on the number of cores reading it. ``spark_path`` is
    where Spark reads the same file when that differs from the local ``path`` the checks read
    (on Databricks: ``/dbfs/x`` on the driver, ``dbfs:/x`` for Spark).
    """
    path = Path(path)
    if not path.is_file():
        raise MLBenchInputError(f"{path.name} does not exist or is not a file.")
    if fmt == "pdf":
        path, fmt, spark_path = pdf_as_text_file(path), "txt", None
    spark_path = spark_path or str(path)
    if fmt == "txt":
        loaded = _load_text(spark, path, spark_path)
    elif fmt == "csv":
        loaded = _load_csv(spark, path, spark_path, schema_json, delimiter)
    elif fmt == "json":
        loaded = _load_json(spark, path, spark_path, schema_json)
    else:
        raise MLBenchInputError(f"Unsupported format {fmt!r}; use csv, json, txt or pdf.")
    if partitions:
        loaded.df = loaded.df.repartition(partitions)
    return loaded


def profile_dataset(
    spark: SparkSession,
    path: str | Path,
    fmt: str,
    *,
    delimiter: str | None = None,
    preview_rows: int = PREVIEW_ROWS,
) -> dict:
    """Schema (inferred on a sample, then fixed), exact row count and a preview."""
    loaded = load_dataset(spark, path, fmt, delimiter=delimiter)
    row_count = loaded.df.count()
    if row_count == 0:
        raise MLBenchInputError(f"{Path(path).name} has no data rows.")
    preview = [
        _jsonable_row(row.asDict(recursive=True)) for row in loaded.df.limit(preview_rows).collect()
    ]
    return {
        "format": fmt,
        "kind": loaded.kind,
        "delimiter": loaded.delimiter,
        "schema": [
            {"name": f.name, "type": f.dataType.simpleString()} for f in loaded.df.schema.fields
        ],
        "schema_json": loaded.schema_json,
        "row_count": row_count,
        "preview": preview,
    }


def safe_column_names(names: list[str]) -> list[str]:
    """Column names Spark ML can use unquoted: letters, digits and underscores, unique."""
    result: list[str] = []
    for index, name in enumerate(names):
        cleaned = re.sub(r"\W+", "_", str(name).strip()).strip("_") or f"column_{index + 1}"
        if cleaned[0].isdigit():
            cleaned = f"c_{cleaned}"
        candidate, suffix = cleaned, 2
        while candidate in result:
            candidate, suffix = f"{cleaned}_{suffix}", suffix + 1
        result.append(candidate)
    return result


# --- text -------------------------------------------------------------------------------------


def _load_text(spark: SparkSession, path: Path, spark_path: str) -> LoadedData:
    sample_file(path, "txt")
    lines = spark.read.text(spark_path).where(F.trim("value") != "")
    tokens = F.regexp_extract_all(F.lower("value"), F.lit(WORD_PATTERN), 0)
    df = lines.select(
        F.col("value").alias("line"),
        tokens.alias("tokens"),
    ).withColumn("token_count", F.size("tokens"))
    return LoadedData(df=df, fmt="txt", kind=TEXT_KIND, schema_json=df.schema.json())


# --- CSV --------------------------------------------------------------------------------------


def _load_csv(
    spark: SparkSession,
    path: Path,
    spark_path: str,
    schema_json: str | None,
    delimiter: str | None,
) -> LoadedData:
    sample = sample_file(path, "csv", delimiter=delimiter)
    delimiter = sample.delimiter
    options = {"header": "true", "sep": delimiter, "mode": "PERMISSIVE"}
    if schema_json:
        schema = T.StructType.fromJson(json.loads(schema_json))
    else:
        sample_rdd = spark.sparkContext.parallelize(sample.lines, 1)
        schema = spark.read.options(inferSchema="true", **options).csv(sample_rdd).schema
    df = spark.read.options(**options).schema(schema).csv(spark_path)
    df = df.toDF(*safe_column_names(df.columns))
    return LoadedData(
        df=df, fmt="csv", kind=TABLE_KIND, schema_json=schema.json(), delimiter=delimiter
    )


# --- JSON -------------------------------------------------------------------------------------


def _load_json(
    spark: SparkSession, path: Path, spark_path: str, schema_json: str | None
) -> LoadedData:
    sample = sample_file(path, "json", records=not schema_json)
    if schema_json:
        schema = T.StructType.fromJson(json.loads(schema_json))
    else:
        schema = spark.read.json(spark.sparkContext.parallelize(sample.lines, 1)).schema
    df = spark.read.schema(schema).json(spark_path, multiLine=sample.json_array, mode="PERMISSIVE")
    df = df.toDF(*safe_column_names(df.columns))
    return LoadedData(df=df, fmt="json", kind=TABLE_KIND, schema_json=schema.json())


# --- helpers ----------------------------------------------------------------------------------


def _jsonable_row(row: dict) -> dict:
    return {key: _jsonable(value) for key, value in row.items()}


def _jsonable(value):
    if isinstance(value, dict):
        return _jsonable_row(value)
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
