"""logistic_regression: unpenalised logistic regression on a seeded split; accuracy,
precision, recall, F1 and (for two classes) AUC on the test part.

With two classes the positive class is the larger label in alphabetical order (1, true, yes);
with more, precision, recall and F1 are averaged weighted by class support.
"""

from __future__ import annotations

from pyspark.ml.classification import LogisticRegression
from pyspark.ml.evaluation import BinaryClassificationEvaluator
from pyspark.ml.feature import StringIndexer, VectorAssembler
from pyspark.sql import functions as F
from pyspark.sql import types as T

from mlbench.engine.errors import MLBenchInputError
from mlbench.engine.loaders import LoadedData
from mlbench.engine.tasks.columns import (
    LABEL_NAMES,
    as_doubles,
    choose_features,
    first_named,
    require_columns,
    split_train_test,
)
from mlbench.engine.tasks.options import TaskOptions
from mlbench.engine.tasks.outcome import TaskOutcome
from mlbench.engine.tasks.regression import require_table

MAX_CLASSES = 50
CLASS_TYPES = (T.BooleanType, T.StringType, T.ByteType, T.ShortType, T.IntegerType, T.LongType)


def logistic_regression(data: LoadedData, options: TaskOptions) -> TaskOutcome:
    require_table(data, "logistic_regression")
    df = data.df
    label = classification_label(df, options.text("label"))
    features = choose_features(df, options.names("features"), exclude={label})
    labels = df.select(F.col(label).cast("string").alias("__label")).dropna()
    classes = [
        row[0] for row in labels.distinct().orderBy("__label").limit(MAX_CLASSES + 1).collect()
    ]
    if len(classes) < 2:
        only = f" ({classes[0]!r})" if classes else ""
        raise MLBenchInputError(
            f"The label column {label!r} has only one class{only}; logistic regression needs at "
            "least two.",
            field="label",
        )
    if len(classes) > MAX_CLASSES:
        raise MLBenchInputError(
            f"The label column {label!r} has more than {MAX_CLASSES} distinct values; choose a "
            "categorical label.",
            field="label",
        )
    train, test = split_train_test(
        df,
        [*as_doubles(features), F.col(label).cast("string").alias("__label")],
        options.number("test_fraction", 0.2, low=0.05, high=0.9),
        options.integer("seed", 42),
    )
    indexer = StringIndexer(
        inputCol="__label", outputCol="__class", stringOrderType="alphabetAsc", handleInvalid="skip"
    ).fit(train)
    if len(indexer.labels) < 2:
        raise MLBenchInputError(
            f"The training part of {label!r} has only one class; upload more varied rows.",
            field="label",
        )
    assembler = VectorAssembler(inputCols=features, outputCol="__features")
    prepared_train = assembler.transform(indexer.transform(train))
    model = LogisticRegression(
        featuresCol="__features",
        labelCol="__class",
        regParam=0.0,
        maxIter=options.integer("max_iter", 100, minimum=1),
        tol=1e-6,
    ).fit(prepared_train)
    predictions = model.transform(assembler.transform(indexer.transform(test))).cache()
    confusion = {
        (int(row["__class"]), int(row["prediction"])): row["count"]
        for row in predictions.groupBy("__class", "prediction").count().collect()
    }
    if not confusion:
        raise MLBenchInputError("Too few rows to hold out a test set; upload more rows.")
    metrics = _scores(confusion, len(indexer.labels))
    metrics["auc"] = _auc(predictions) if len(indexer.labels) == 2 else None
    predictions.unpersist()
    metrics.update(
        {
            "label": label,
            "features": features,
            "classes": list(indexer.labels),
            "test_rows": sum(confusion.values()),
        }
    )
    labels = list(indexer.labels)
    matrix = [
        [confusion.get((actual, predicted), 0) for predicted in range(len(labels))]
        for actual in range(len(labels))
    ]
    return TaskOutcome(metrics=metrics, picture={"labels": labels, "confusion": matrix})


def classification_label(df, requested: str | None) -> str:
    if requested:
        require_columns(df, [requested], "label")
        return requested
    named = first_named(df, LABEL_NAMES)
    if named:
        return named
    for field in reversed(df.schema.fields):
        if isinstance(field.dataType, CLASS_TYPES):
            return field.name
    raise MLBenchInputError(
        "Choose the label option: no column looks like a class label.", field="label"
    )


def _scores(confusion: dict[tuple[int, int], int], classes: int) -> dict:
    total = sum(confusion.values())
    correct = sum(count for (actual, predicted), count in confusion.items() if actual == predicted)

    def class_scores(positive: int) -> tuple[float, float, float, int]:
        true_positive = confusion.get((positive, positive), 0)
        predicted = sum(c for (_, p), c in confusion.items() if p == positive)
        support = sum(c for (a, _), c in confusion.items() if a == positive)
        precision = true_positive / predicted if predicted else 0.0
        recall = true_positive / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1, support

    if classes == 2:
        precision, recall, f1, _ = class_scores(1)
    else:
        per_class = [class_scores(c) for c in range(classes)]
        precision, recall, f1 = (
            sum(scores[i] * scores[3] for scores in per_class) / total for i in range(3)
        )
    return {"accuracy": correct / total, "precision": precision, "recall": recall, "f1": f1}


def _auc(predictions) -> float | None:
    if predictions.select("__class").distinct().count() < 2:
        return None
    evaluator = BinaryClassificationEvaluator(
        rawPredictionCol="rawPrediction", labelCol="__class", metricName="areaUnderROC", numBins=0
    )
    return evaluator.evaluate(predictions)
