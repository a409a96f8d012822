"""fpgrowth: frequent itemsets and association rules over baskets.

A basket is a delimited string column (``bread;butter``), an array column, or, for text, the
distinct tokens of one line. Items are de-duplicated within a basket, as FP-Growth requires.
"""

from __future__ import annotations

import re

from pyspark.ml.fpm import FPGrowth
from pyspark.sql import functions as F
from pyspark.sql import types as T

from mlbench.engine.errors import MLBenchInputError
from mlbench.engine.loaders import TEXT_KIND, LoadedData
from mlbench.engine.tasks.columns import first_named, require_columns
from mlbench.engine.tasks.options import TaskOptions
from mlbench.engine.tasks.outcome import TaskOutcome

ITEM_COLUMN_NAMES = ("basket", "baskets", "items", "item", "products", "transaction", "tokens")
SEPARATORS = (";", "|", ",", " ")


def fpgrowth(data: LoadedData, options: TaskOptions) -> TaskOutcome:
    min_support = options.number("min_support", 0.1, low=1e-6, high=1.0)
    min_confidence = options.number("min_confidence", 0.5, low=0.0, high=1.0)
    max_itemsets = options.integer("max_itemsets", 1000, minimum=1)
    max_rules = options.integer("max_rules", 100, minimum=0)
    baskets, items_column = _baskets(data, options)
    baskets = baskets.where(F.size("items") > 0).cache()
    basket_count = baskets.count()
    if basket_count == 0:
        raise MLBenchInputError(
            f"The column {items_column!r} has no non-empty baskets.", field="items"
        )
    model = FPGrowth(itemsCol="items", minSupport=min_support, minConfidence=min_confidence).fit(
        baskets
    )
    itemsets = model.freqItemsets.cache()
    itemset_count = itemsets.count()
    if itemset_count == 0:
        baskets.unpersist()
        raise MLBenchInputError(
            f"No item appears in at least {min_support:g} of the {basket_count} baskets "
            f"(that is {int(min_support * basket_count + 0.999999)} baskets); lower min_support.",
            field="min_support",
        )
    top_itemsets = (
        itemsets.withColumn("items", F.array_sort("items"))
        .orderBy(F.desc("freq"), F.size("items"), F.col("items").cast("string"))
        .limit(max_itemsets)
        .collect()
    )
    rules = model.associationRules.cache()
    rule_count = rules.count()
    top_rules = (
        rules.withColumn("antecedent", F.array_sort("antecedent"))
        .withColumn("consequent", F.array_sort("consequent"))
        .orderBy(
            F.desc("confidence"),
            F.desc("lift"),
            F.col("antecedent").cast("string"),
            F.col("consequent").cast("string"),
        )
        .limit(max_rules)
        .collect()
    )
    for frame in (baskets, itemsets, rules):
        frame.unpersist()
    metrics = {
        "itemsets": [{"items": list(row["items"]), "freq": row["freq"]} for row in top_itemsets],
        "rules": [
            {
                "antecedent": list(row["antecedent"]),
                "consequent": list(row["consequent"]),
                "confidence": row["confidence"],
                "lift": row["lift"],
                "support": row["support"],
            }
            for row in top_rules
        ],
        "itemset_count": itemset_count,
        "rule_count": rule_count,
        "basket_count": basket_count,
        "min_support": min_support,
        "min_confidence": min_confidence,
        "items_column": items_column,
    }
    return TaskOutcome(metrics=metrics, picture={"rules": metrics["rules"][:20]})


def _baskets(data: LoadedData, options: TaskOptions):
    df = data.df
    if data.kind == TEXT_KIND:
        return df.select(F.array_distinct("tokens").alias("items")), "tokens"
    column = options.text("items") or _auto_items_column(df)
    require_columns(df, [column], "items")
    data_type = df.schema[column].dataType
    if isinstance(data_type, T.ArrayType):
        items = F.transform(F.col(column).try_cast("array<string>"), F.trim)
    elif isinstance(data_type, T.StringType):
        separator = options.text("separator") or _auto_separator(df, column)
        split = F.split(F.col(column), re.escape(separator))
        items = F.transform(split, F.trim)
    else:
        raise MLBenchInputError(
            f"The items column {column!r} is {data_type.simpleString()}; it must hold text like "
            "'bread;butter' or an array of items.",
            field="items",
        )
    cleaned = F.array_distinct(F.filter(items, lambda item: item.isNotNull() & (item != "")))
    return df.select(cleaned.alias("items")), column


def _auto_items_column(df) -> str:
    named = first_named(df, ITEM_COLUMN_NAMES)
    if named:
        return named
    arrays = [f.name for f in df.schema.fields if isinstance(f.dataType, T.ArrayType)]
    if arrays:
        return arrays[0]
    strings = [f.name for f in df.schema.fields if isinstance(f.dataType, T.StringType)]
    for name in strings:
        sample = [r[0] for r in df.select(name).where(F.col(name).isNotNull()).limit(20).collect()]
        if sample and sum(any(s in value for s in ";|") for value in sample) > len(sample) / 2:
            return name
    raise MLBenchInputError(
        "Choose the items option: no column looks like baskets (text such as 'bread;butter' or "
        "an array).",
        field="items",
    )


def _auto_separator(df, column: str) -> str:
    sample = [r[0] for r in df.select(column).where(F.col(column).isNotNull()).limit(50).collect()]
    for separator in SEPARATORS:
        if any(separator in value for value in sample):
            return separator
    return SEPARATORS[0]
