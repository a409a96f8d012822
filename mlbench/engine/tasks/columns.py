"""Automatic column choices shared by the tasks, and the deterministic train/test split."""

from __future__ import annotations

from collections.abc import Iterable

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from mlbench.engine.errors import MLBenchInputError

NUMERIC_TYPES = (
    T.ByteType,
    T.ShortType,
    T.IntegerType,
    T.LongType,
    T.FloatType,
    T.DoubleType,
    T.DecimalType,
)
TIME_TYPES = (T.TimestampType, T.TimestampNTZType, T.DateType)
# Columns with these names are targets, not features, unless the user says otherwise.
LABEL_NAMES = ("label", "target", "y", "class", "outcome")
SPLIT_BUCKETS = 10_000
TEST_FLAG = "__is_test"


def column_type(df: DataFrame, name: str) -> T.DataType:
    return df.schema[name].dataType


def is_numeric(df: DataFrame, name: str) -> bool:
    return isinstance(column_type(df, name), NUMERIC_TYPES)


def numeric_columns(df: DataFrame) -> list[str]:
    return [f.name for f in df.schema.fields if isinstance(f.dataType, NUMERIC_TYPES)]


def is_identifier(name: str) -> bool:
    lowered = name.lower()
    return lowered in ("id", "index", "row", "row_id", "rowid") or lowered.endswith("_id")


def require_columns(df: DataFrame, names: Iterable[str], option: str) -> None:
    missing = [name for name in names if name not in df.columns]
    if missing:
        raise MLBenchInputError(
            f"Option {option}: no column named {', '.join(repr(m) for m in missing)}; the columns "
            f"are {', '.join(df.columns)}.",
            field=option,
        )


def first_named(df: DataFrame, names: Iterable[str], *, numeric: bool = False) -> str | None:
    by_lower = {column.lower(): column for column in df.columns}
    for name in names:
        column = by_lower.get(name)
        if column and (not numeric or is_numeric(df, column)):
            return column
    return None


def choose_features(
    df: DataFrame, requested: list[str] | None, exclude: Iterable[str]
) -> list[str]:
    """The numeric columns to learn from: the user's list, or every numeric column except
    identifiers, label-like columns and ``exclude``."""
    if requested:
        require_columns(df, requested, "features")
        text = [name for name in requested if not is_numeric(df, name)]
        if text:
            raise MLBenchInputError(
                f"Option features: {', '.join(text)} {'is' if len(text) == 1 else 'are'} not "
                "numeric; choose numeric columns.",
                field="features",
            )
        return requested
    excluded = set(exclude)
    features = [
        name
        for name in numeric_columns(df)
        if name not in excluded and not is_identifier(name) and name.lower() not in LABEL_NAMES
    ]
    if not features:
        raise MLBenchInputError(
            "No numeric feature columns found; set the features option to numeric columns.",
            field="features",
        )
    return features


def split_train_test(
    df: DataFrame, selected: list[Column], test_fraction: float, seed: int
) -> tuple[DataFrame, DataFrame]:
    """Select ``selected`` from ``df``, drop incomplete rows, and split by a seeded hash of each
    original row.

    Unlike ``randomSplit`` the outcome does not depend on partitioning or ordering, so it is the
    same on every worker count, the same for every task on one dataset, and reproducible
    outside Spark from the rows themselves.
    """
    hashable = [F.col(f.name) for f in df.schema.fields if not isinstance(f.dataType, T.MapType)]
    bucket = F.pmod(F.xxhash64(F.lit(seed), *hashable), F.lit(SPLIT_BUCKETS))
    threshold = F.lit(round(test_fraction * SPLIT_BUCKETS))
    flagged = df.select(*selected, (bucket < threshold).alias(TEST_FLAG)).dropna()
    return (
        flagged.where(~F.col(TEST_FLAG)).drop(TEST_FLAG),
        flagged.where(F.col(TEST_FLAG)).drop(TEST_FLAG),
    )


def as_doubles(columns: list[str]) -> list[Column]:
    return [F.col(c).try_cast("double").alias(c) for c in columns]


def as_double_rows(df: DataFrame, columns: list[str]) -> DataFrame:
    """The given columns as doubles, without rows where any of them is null or NaN."""
    return df.select(*as_doubles(columns)).dropna()
