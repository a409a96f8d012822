"""Each task's numbers checked against scikit-learn, pandas or a brute-force implementation."""

import math
from collections import Counter
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score, silhouette_score

from mlbench.engine.loaders import load_dataset
from mlbench.engine.tasks import run_task
from mlbench.engine.tasks.columns import as_double_rows, as_doubles, split_train_test

FEATURES = ["x1", "x2", "x3", "x4"]


def spark_split(data, columns, seed=42, test_fraction=0.2):
    train, test = split_train_test(data.df, as_doubles(columns), test_fraction, seed)
    return train.toPandas(), test.toPandas()


def test_linear_regression_matches_scikit_learn_on_the_same_split(synthetic_data):
    train, test = spark_split(synthetic_data, [*FEATURES, "target"])
    reference = LinearRegression().fit(train[FEATURES], train["target"])
    predicted = reference.predict(test[FEATURES])

    metrics = run_task("linear_regression", synthetic_data, {}).metrics

    assert metrics["label"] == "target" and metrics["features"] == FEATURES
    assert metrics["test_rows"] == len(test)
    assert metrics["r2"] == pytest.approx(r2_score(test["target"], predicted), rel=1e-3)
    assert metrics["rmse"] == pytest.approx(
        math.sqrt(mean_squared_error(test["target"], predicted)), rel=1e-3
    )
    assert metrics["mae"] == pytest.approx(mean_absolute_error(test["target"], predicted), rel=1e-3)


def test_unpenalised_logistic_regression_matches_scikit_learn_accuracy(synthetic_data):
    train, test = spark_split(synthetic_data, [*FEATURES, "label"])
    reference = LogisticRegression(C=np.inf, max_iter=5000, tol=1e-10)
    reference.fit(train[FEATURES], train["label"].astype(int))
    reference_accuracy = reference.score(test[FEATURES], test["label"].astype(int))

    metrics = run_task("logistic_regression", synthetic_data, {}).metrics

    assert metrics["test_rows"] == len(test)
    assert abs(metrics["accuracy"] - reference_accuracy) <= 1 / len(test) + 1e-12
    assert 0.5 <= metrics["auc"] <= 1.0
    assert 0.0 <= metrics["f1"] <= 1.0


def test_kmeans_inertia_and_silhouette_match_scikit_learn_on_separated_clusters(synthetic_data):
    points = as_double_rows(synthetic_data.df, ["x1", "x2"]).toPandas().to_numpy()
    reference = KMeans(n_clusters=3, n_init=10, random_state=0).fit(points)
    reference_silhouette = silhouette_score(points, reference.labels_, metric="sqeuclidean")

    metrics = run_task("kmeans", synthetic_data, {"features": "x1,x2", "k": 3}).metrics

    assert metrics["inertia"] == pytest.approx(reference.inertia_, rel=1e-3)
    assert metrics["silhouette"] == pytest.approx(reference_silhouette, rel=1e-3)
    assert sorted(metrics["cluster_sizes"]) == sorted(Counter(reference.labels_).values())


def squared_euclidean_silhouette(points: np.ndarray, labels: np.ndarray) -> float:
    """Silhouette with squared distances, written out: a(i) excludes i itself (n_c - 1)."""
    distances = ((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2)
    scores = []
    for i, own in enumerate(labels):
        same = labels == own
        if same.sum() == 1:
            scores.append(0.0)
            continue
        a = distances[i, same].sum() / (same.sum() - 1)
        b = min(distances[i, labels == other].mean() for other in set(labels) if other != own)
        scores.append((b - a) / max(a, b))
    return float(np.mean(scores))


def test_kmeans_silhouette_follows_the_squared_euclidean_definition_on_overlapping_data(
    synthetic_data,
):
    # x3/x4 are noise, so clusters overlap and a(i), b(i) are both far from zero.
    metrics_and_picture = run_task("kmeans", synthetic_data, {"features": "x3,x4", "k": 4})
    points = as_double_rows(synthetic_data.df, ["x3", "x4"]).toPandas().to_numpy()
    centres = np.array(
        list(
            zip(
                metrics_and_picture.picture["centres_x"],
                metrics_and_picture.picture["centres_y"],
                strict=True,
            )
        )
    )
    labels = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)

    assert metrics_and_picture.metrics["silhouette"] == pytest.approx(
        squared_euclidean_silhouette(points, labels), rel=1e-3
    )


def brute_force_itemsets(baskets: list[set[str]], min_support: float) -> dict:
    min_count = math.ceil(min_support * len(baskets))
    counts: Counter = Counter()
    for basket in baskets:
        for size in range(1, len(basket) + 1):
            counts.update(combinations(sorted(basket), size))
    return {items: count for items, count in counts.items() if count >= min_count}


def test_fpgrowth_itemsets_and_rules_equal_a_brute_force_count(synthetic_data, synthetic_csv):
    baskets = [set(b.split(";")) for b in pd.read_csv(synthetic_csv)["basket"]]
    expected = brute_force_itemsets(baskets, 0.05)

    metrics = run_task(
        "fpgrowth",
        synthetic_data,
        {"min_support": 0.05, "min_confidence": 0.3, "max_itemsets": 10_000, "max_rules": 10_000},
    ).metrics

    found = {tuple(itemset["items"]): itemset["freq"] for itemset in metrics["itemsets"]}
    assert found == expected
    n = len(baskets)
    expected_rules = {}
    for items, count in expected.items():
        for consequent in items:
            antecedent = tuple(i for i in items if i != consequent)
            if antecedent and count / expected[antecedent] >= 0.3:
                expected_rules[(antecedent, consequent)] = (
                    count / expected[antecedent],
                    count / expected[antecedent] / (expected[(consequent,)] / n),
                    count / n,
                )
    rules = {
        (tuple(r["antecedent"]), r["consequent"][0]): (r["confidence"], r["lift"], r["support"])
        for r in metrics["rules"]
    }
    assert rules.keys() == expected_rules.keys()
    for key, values in expected_rules.items():
        assert rules[key] == pytest.approx(values, rel=1e-9)


def test_descriptive_stats_match_pandas_including_nulls(spark, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,age,score\nann,31,1.5\nbob,,2.5\nann,45,\ncid,28,4.0\n")
    frame = pd.read_csv(path)
    data = load_dataset(spark, path, "csv")

    metrics = run_task("descriptive_stats", data, {}).metrics

    assert metrics["rows"] == 4 and metrics["columns"] == 3
    for column in ("age", "score"):
        stats = metrics["per_column"][column]
        assert stats["null_pct"] == pytest.approx(100 * frame[column].isna().mean())
        assert stats["unique"] == frame[column].nunique()
        assert stats["mean"] == pytest.approx(frame[column].mean())
        assert stats["stddev"] == pytest.approx(frame[column].std())
        assert (stats["min"], stats["max"]) == (frame[column].min(), frame[column].max())
    assert metrics["per_column"]["name"]["unique"] == 3
    assert metrics["per_column"]["name"]["mean"] is None


def test_time_series_daily_and_monthly_totals_match_pandas(synthetic_data, synthetic_csv):
    frame = pd.read_csv(synthetic_csv, parse_dates=["timestamp"])
    for frequency, pandas_period in (("day", "D"), ("month", "M")):
        expected = frame.groupby(frame["timestamp"].dt.to_period(pandas_period))["target"].agg(
            ["count", "sum"]
        )

        metrics = run_task("time_series", synthetic_data, {"frequency": frequency}).metrics

        assert metrics["frequency"] == frequency and metrics["value"] == "target"
        assert [p["period"] for p in metrics["series"]] == [
            period.start_time.date().isoformat() for period in expected.index
        ]
        assert [p["count"] for p in metrics["series"]] == expected["count"].tolist()
        assert [p["sum"] for p in metrics["series"]] == pytest.approx(expected["sum"].tolist())


def test_time_series_rolling_mean_and_trend_follow_the_period_means(synthetic_data):
    metrics = run_task("time_series", synthetic_data, {"frequency": "day", "window": 3}).metrics

    means = [p["mean"] for p in metrics["series"]]
    assert metrics["series"][4]["rolling_mean"] == pytest.approx(sum(means[2:5]) / 3)
    slope, intercept = np.polyfit(range(len(means)), means, 1)
    assert metrics["trend"]["slope_per_period"] == pytest.approx(slope)
    assert metrics["trend"]["intercept"] == pytest.approx(intercept)
