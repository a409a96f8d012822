"""time_series: count, sum and mean per day, week or month, a rolling mean and a linear trend."""

from __future__ import annotations

from pyspark.sql import functions as F
from pyspark.sql import types as T

from mlbench.engine.errors import MLBenchInputError
from mlbench.engine.loaders import LoadedData
from mlbench.engine.tasks.columns import (
    TIME_TYPES,
    first_named,
    is_identifier,
    is_numeric,
    numeric_columns,
    require_columns,
)
from mlbench.engine.tasks.options import TaskOptions
from mlbench.engine.tasks.outcome import TaskOutcome
from mlbench.engine.tasks.regression import require_table

FREQUENCIES = ("day", "week", "month")
DEFAULT_WINDOWS = {"day": 7, "week": 4, "month": 3}
TIME_NAMES = ("timestamp", "ts", "datetime", "date", "time", "created_at", "event_time")
VALUE_NAMES = ("value", "amount", "sales", "price", "total", "target", "y")
MAX_PERIODS = 20_000


def time_series(data: LoadedData, options: TaskOptions) -> TaskOutcome:
    require_table(data, "time_series")
    df = data.df
    timestamp = _timestamp_column(df, options.text("timestamp"))
    value = _value_column(df, options.text("value"), timestamp)
    moments = df.select(
        F.col(timestamp).try_cast("timestamp").alias("__ts"),
        (F.col(value).try_cast("double") if value else F.lit(None).cast("double")).alias("__value"),
    ).where(F.col("__ts").isNotNull())
    span = moments.agg(F.min("__ts").alias("first"), F.max("__ts").alias("last")).first()
    if span["first"] is None:
        raise MLBenchInputError(
            f"No value in {timestamp!r} could be read as a date or time (expected e.g. "
            "2024-01-31 or 2024-01-31 12:00:00).",
            field="timestamp",
        )
    frequency = _frequency(options.text("frequency", "auto"), span["last"] - span["first"])
    grouped = (
        moments.groupBy(F.date_trunc(frequency, "__ts").alias("period"))
        .agg(
            F.count(F.lit(1)).alias("count"),
            F.sum("__value").alias("sum"),
            F.avg("__value").alias("mean"),
        )
        .orderBy("period")
        .limit(MAX_PERIODS + 1)
        .collect()
    )
    if len(grouped) > MAX_PERIODS:
        raise MLBenchInputError(
            f"More than {MAX_PERIODS} {frequency}s; choose a coarser frequency.", field="frequency"
        )
    window = options.integer("window", DEFAULT_WINDOWS[frequency], minimum=1)
    measure = "mean" if value else "count"
    measured = [row[measure] for row in grouped]
    rolling = _rolling_mean(measured, window)
    series = [
        {
            "period": row["period"].date().isoformat(),
            "count": row["count"],
            "sum": row["sum"],
            "mean": row["mean"],
            "rolling_mean": rolling[index],
        }
        for index, row in enumerate(grouped)
    ]
    metrics = {
        "frequency": frequency,
        "series": series,
        "timestamp": timestamp,
        "value": value,
        "rolling_window": window,
        "trend": {"measure": measure, **_trend(measured)},
    }
    return TaskOutcome(metrics=metrics, picture={"measure": measure})


def _timestamp_column(df, requested: str | None) -> str:
    if requested:
        require_columns(df, [requested], "timestamp")
        return requested
    typed = [f.name for f in df.schema.fields if isinstance(f.dataType, TIME_TYPES)]
    named = first_named(df, TIME_NAMES)
    if typed:
        return typed[0]
    if named and isinstance(df.schema[named].dataType, T.StringType):
        return named
    raise MLBenchInputError(
        "Choose the timestamp option: no column holds dates or times.", field="timestamp"
    )


def _value_column(df, requested: str | None, timestamp: str) -> str | None:
    if requested:
        require_columns(df, [requested], "value")
        if not is_numeric(df, requested):
            raise MLBenchInputError(
                f"The value column {requested!r} is not numeric.", field="value"
            )
        return requested
    named = first_named(df, VALUE_NAMES, numeric=True)
    if named:
        return named
    candidates = [c for c in numeric_columns(df) if c != timestamp and not is_identifier(c)]
    return candidates[0] if candidates else None


def _frequency(requested: str, span) -> str:
    requested = requested.lower()
    if requested in FREQUENCIES:
        return requested
    if requested != "auto":
        raise MLBenchInputError(
            f"Option frequency must be day, week, month or auto, got {requested!r}.",
            field="frequency",
        )
    if span.days <= 90:
        return "day"
    return "week" if span.days <= 2 * 366 else "month"


def _rolling_mean(values: list, window: int) -> list:
    result = []
    for index in range(len(values)):
        recent = [v for v in values[max(0, index - window + 1) : index + 1] if v is not None]
        result.append(sum(recent) / len(recent) if recent else None)
    return result


def _trend(values: list) -> dict:
    """Least-squares line through (period index, value)."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return {"slope_per_period": None, "intercept": None}
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    return {"slope_per_period": slope, "intercept": mean_y - slope * mean_x}
