"""descriptive_stats: rows, columns and per-column null %, exact unique count, min/max/mean/
stddev; for text, word counts as well."""

from __future__ import annotations

from pyspark.sql import functions as F
from pyspark.sql import types as T

from mlbench.engine.loaders import TEXT_KIND, LoadedData
from mlbench.engine.tasks.columns import NUMERIC_TYPES, TIME_TYPES
from mlbench.engine.tasks.options import TaskOptions
from mlbench.engine.tasks.outcome import TaskOutcome, plain

ORDERED_TYPES = (*NUMERIC_TYPES, *TIME_TYPES, T.StringType, T.BooleanType)


def descriptive_stats(data: LoadedData, options: TaskOptions) -> TaskOutcome:
    df = data.df
    if data.kind == TEXT_KIND:
        df = df.select("line", "token_count")
    fields = [f for f in df.schema.fields if not isinstance(f.dataType, T.MapType)]
    aggregates = [F.count(F.lit(1)).alias("__rows")]
    for index, field in enumerate(fields):
        column = F.col(field.name)
        aggregates += [
            F.count(column).alias(f"{index}_filled"),
            F.count_distinct(column).alias(f"{index}_unique"),
        ]
        if isinstance(field.dataType, ORDERED_TYPES):
            aggregates += [F.min(column).alias(f"{index}_min"), F.max(column).alias(f"{index}_max")]
        if isinstance(field.dataType, NUMERIC_TYPES):
            aggregates += [
                F.mean(column).alias(f"{index}_mean"),
                F.stddev(column).alias(f"{index}_stddev"),
            ]
    totals = df.agg(*aggregates).first().asDict()
    rows = totals["__rows"]
    per_column = {}
    for index, field in enumerate(fields):
        filled = totals[f"{index}_filled"]
        per_column[field.name] = {
            "type": field.dataType.simpleString(),
            "null_pct": round(100.0 * (rows - filled) / rows, 4) if rows else 0.0,
            "unique": totals[f"{index}_unique"],
            **{
                stat: plain(totals.get(f"{index}_{stat}"))
                for stat in ("min", "max", "mean", "stddev")
            },
        }
    metrics = {"rows": rows, "columns": len(data.df.columns), "per_column": per_column}
    if data.kind == TEXT_KIND:
        metrics.update(_word_counts(data, options.integer("top_words", 20, minimum=1)))
    return TaskOutcome(metrics=metrics, picture={"columns": list(per_column)})


def _word_counts(data: LoadedData, top: int) -> dict:
    words = data.df.select(F.explode("tokens").alias("word"))
    counts = words.groupBy("word").count()
    summary = counts.agg(F.sum("count").alias("words"), F.count(F.lit(1)).alias("distinct")).first()
    top_words = counts.orderBy(F.desc("count"), F.asc("word")).limit(top).collect()
    return {
        "word_count": summary["words"] or 0,
        "distinct_words": summary["distinct"],
        "top_words": [{"word": row["word"], "count": row["count"]} for row in top_words],
    }
