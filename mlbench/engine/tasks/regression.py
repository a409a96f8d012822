"""linear_regression: ordinary least squares on a seeded split; R², RMSE and MAE on the test
part."""

from __future__ import annotations

import math

from pyspark.ml.feature import VectorAssembler
from pyspark.ml.regression import LinearRegression
from pyspark.sql import functions as F

from mlbench.engine.errors import MLBenchInputError
from mlbench.engine.loaders import TEXT_KIND, LoadedData
from mlbench.engine.tasks.columns import (
    as_doubles,
    choose_features,
    column_type,
    first_named,
    is_identifier,
    is_numeric,
    numeric_columns,
    require_columns,
    split_train_test,
)
from mlbench.engine.tasks.options import TaskOptions
from mlbench.engine.tasks.outcome import TaskOutcome

PICTURE_POINTS = 500
REGRESSION_LABEL_NAMES = ("target", "y", "label", "value", "price", "amount")


def linear_regression(data: LoadedData, options: TaskOptions) -> TaskOutcome:
    require_table(data, "linear_regression")
    df = data.df
    label = regression_label(df, options.text("label"))
    features = choose_features(df, options.names("features"), exclude={label})
    train, test = split_train_test(
        df,
        as_doubles([*features, label]),
        options.number("test_fraction", 0.2, low=0.05, high=0.9),
        options.integer("seed", 42),
    )
    assembler = VectorAssembler(inputCols=features, outputCol="__features")
    # regParam 0 gives the exact least-squares fit (normal equations; L-BFGS only if singular).
    model = LinearRegression(
        featuresCol="__features", labelCol=label, regParam=0.0, solver="auto"
    ).fit(assembler.transform(train))
    predictions = model.transform(assembler.transform(test)).select(label, "prediction")
    error = F.col("prediction") - F.col(label)
    totals = predictions.agg(
        F.count(F.lit(1)).alias("n"),
        F.sum(error * error).alias("sse"),
        F.sum(F.abs(error)).alias("sae"),
        F.var_pop(label).alias("label_variance"),
    ).first()
    if not totals["n"]:
        raise MLBenchInputError("Too few rows to hold out a test set; upload more rows.")
    n = totals["n"]
    variance = totals["label_variance"] or 0.0
    metrics = {
        "r2": 1.0 - totals["sse"] / (n * variance) if variance > 0 else None,
        "rmse": math.sqrt(totals["sse"] / n),
        "mae": totals["sae"] / n,
        "label": label,
        "features": features,
        "coefficients": dict(zip(features, model.coefficients.toArray().tolist(), strict=True)),
        "intercept": model.intercept,
        "test_rows": n,
    }
    points = predictions.limit(PICTURE_POINTS).collect()
    picture = {
        "actual": [row[label] for row in points],
        "predicted": [row["prediction"] for row in points],
        "label": label,
    }
    return TaskOutcome(metrics=metrics, picture=picture)


def require_table(data: LoadedData, task: str) -> None:
    if data.kind == TEXT_KIND:
        raise MLBenchInputError(
            f"{task} needs a table (CSV or JSON); text files support descriptive_stats, kmeans "
            "and fpgrowth."
        )


def regression_label(df, requested: str | None) -> str:
    if requested:
        require_columns(df, [requested], "label")
        label = requested
    else:
        label = first_named(df, REGRESSION_LABEL_NAMES, numeric=True) or _last_numeric(df)
    if not is_numeric(df, label):
        raise MLBenchInputError(
            f"The label column {label!r} is {column_type(df, label).simpleString()}, not numeric; "
            "linear regression predicts a number, so choose a numeric label.",
            field="label",
        )
    return label


def _last_numeric(df) -> str:
    candidates = [c for c in numeric_columns(df) if not is_identifier(c)]
    if not candidates:
        raise MLBenchInputError("The data has no numeric column to predict.", field="label")
    return candidates[-1]
