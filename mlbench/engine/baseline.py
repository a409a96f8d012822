"""Single-process baselines with pandas and scikit-learn, to show where Spark starts to pay off.

Each baseline does the same work as its Spark task on the columns the Spark run chose (the
runner passes them in as options), so the comparison is like for like. The train/test split is
scikit-learn's seeded split, not Spark's row-hash split, so metrics agree closely rather than
exactly; the Spark tasks' correctness is established by the test suite, not here.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from mlbench.engine.errors import MLBenchInputError

WORD = re.compile(r"[^\W_]+")


def load_frame(path: str | Path, fmt: str, delimiter: str | None = None) -> pd.DataFrame:
    """The file as a pandas DataFrame; text becomes ``line``/``tokens``/``token_count``."""
    path = Path(path)
    if fmt == "csv":
        return pd.read_csv(path, sep=delimiter or ",")
    if fmt == "json":
        with path.open(encoding="utf-8-sig") as handle:
            is_array = handle.read(4096).lstrip().startswith("[")
        if is_array:
            return pd.DataFrame(json.loads(path.read_text(encoding="utf-8-sig")))
        return pd.read_json(path, lines=True)
    if fmt == "txt":
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        tokens = [WORD.findall(line.lower()) for line in lines]
        return pd.DataFrame(
            {"line": lines, "tokens": tokens, "token_count": [len(t) for t in tokens]}
        )
    raise MLBenchInputError(f"No baseline reader for format {fmt!r}.")


def warm_up() -> None:
    """Import scikit-learn's modules up front so their import time is not billed to a task."""
    import sklearn.cluster
    import sklearn.feature_extraction.text
    import sklearn.linear_model
    import sklearn.metrics
    import sklearn.model_selection  # noqa: F401


def run_baseline(task: str, frame: pd.DataFrame, options: dict, *, text: bool) -> dict:
    runner = BASELINES.get(task)
    if runner is None:
        raise MLBenchInputError(f"No baseline for task {task!r}.")
    return runner(frame, options, text)


def _descriptive_stats(frame: pd.DataFrame, options: dict, text: bool) -> dict:
    if text:
        frame = frame[["line", "token_count"]]
    per_column = {}
    for name in frame.columns:
        column = frame[name]
        numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        per_column[name] = {
            "null_pct": 100.0 * column.isna().mean(),
            "unique": int(column.nunique()),
            "min": _plain(column.min()) if numeric else None,
            "max": _plain(column.max()) if numeric else None,
            "mean": _plain(column.mean()) if numeric else None,
            "stddev": _plain(column.std()) if numeric else None,
        }
    return {"rows": len(frame), "columns": len(frame.columns), "per_column": per_column}


def _split(frame: pd.DataFrame, options: dict):
    from sklearn.model_selection import train_test_split

    return train_test_split(
        frame,
        test_size=float(options.get("test_fraction", 0.2)),
        random_state=int(options.get("seed", 42)),
    )


def _linear_regression(frame: pd.DataFrame, options: dict, text: bool) -> dict:
    from sklearn.linear_model import LinearRegression
    from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

    label, features = options["label"], list(options["features"])
    rows = frame[[*features, label]].apply(pd.to_numeric, errors="coerce").dropna()
    train, test = _split(rows, options)
    predicted = LinearRegression().fit(train[features], train[label]).predict(test[features])
    return {
        "r2": r2_score(test[label], predicted),
        "rmse": math.sqrt(mean_squared_error(test[label], predicted)),
        "mae": mean_absolute_error(test[label], predicted),
    }


def _logistic_regression(frame: pd.DataFrame, options: dict, text: bool) -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support, roc_auc_score

    label, features = options["label"], list(options["features"])
    rows = frame[[*features, label]].dropna()
    rows[label] = rows[label].astype(str)
    train, test = _split(rows, options)
    model = LogisticRegression(C=np.inf, max_iter=100).fit(train[features], train[label])
    predicted = model.predict(test[features])
    binary = len(model.classes_) == 2
    precision, recall, f1, _ = precision_recall_fscore_support(
        test[label],
        predicted,
        average="binary" if binary else "weighted",
        pos_label=model.classes_[-1] if binary else 1,
        zero_division=0,
    )
    auc = None
    if binary and test[label].nunique() == 2:
        auc = roc_auc_score(
            test[label] == model.classes_[-1], model.predict_proba(test[features])[:, 1]
        )
    return {
        "accuracy": accuracy_score(test[label], predicted),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "auc": auc,
    }


def _kmeans(frame: pd.DataFrame, options: dict, text: bool) -> dict:
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import silhouette_score

    k = int(options.get("k", 3))
    if text:
        lines = frame.loc[frame["token_count"] > 0, "tokens"].map(" ".join)
        points = TfidfVectorizer(token_pattern=r"\S+").fit_transform(lines)
    else:
        points = frame[list(options["features"])].apply(pd.to_numeric, errors="coerce").dropna()
        points = points.to_numpy()
    model = KMeans(n_clusters=k, n_init=1, random_state=int(options.get("seed", 42))).fit(points)
    # A sampled silhouette keeps the O(n^2) baseline affordable on big inputs.
    sample = min(points.shape[0], 10_000)
    silhouette = silhouette_score(
        points, model.labels_, metric="sqeuclidean", sample_size=sample, random_state=0
    )
    return {"k": k, "inertia": float(model.inertia_), "silhouette": float(silhouette)}


def _fpgrowth(frame: pd.DataFrame, options: dict, text: bool) -> dict:
    if text:
        baskets = [frozenset(tokens) for tokens in frame["tokens"] if tokens]
    else:
        separator = options.get("separator") or ";"
        column = frame[options.get("items_column") or options.get("items") or "basket"].dropna()
        baskets = [
            frozenset(i.strip() for i in str(v).split(separator) if i.strip()) for v in column
        ]
        baskets = [b for b in baskets if b]
    min_support = float(options.get("min_support", 0.1))
    min_confidence = float(options.get("min_confidence", 0.5))
    itemsets = apriori(baskets, math.ceil(min_support * len(baskets)))
    rules = []
    for items, count in itemsets.items():
        for consequent in items:
            antecedent = items - {consequent}
            if antecedent:
                confidence = count / itemsets[antecedent]
                if confidence >= min_confidence:
                    lift = confidence / (itemsets[frozenset([consequent])] / len(baskets))
                    rules.append(
                        {
                            "antecedent": sorted(antecedent),
                            "consequent": [consequent],
                            "confidence": confidence,
                            "lift": lift,
                            "support": count / len(baskets),
                        }
                    )
    ranked = sorted(itemsets.items(), key=lambda pair: (-pair[1], len(pair[0]), sorted(pair[0])))
    return {
        "itemsets": [{"items": sorted(items), "freq": count} for items, count in ranked[:1000]],
        "rules": sorted(rules, key=lambda r: (-r["confidence"], -r["lift"]))[:100],
        "itemset_count": len(itemsets),
        "rule_count": len(rules),
    }


def apriori(baskets: list[frozenset], min_count: int) -> dict[frozenset, int]:
    """Level-wise frequent itemset counting: every frequent itemset and its basket count."""
    counts = Counter(item for basket in baskets for item in basket)
    frequent = {frozenset([item]): n for item, n in counts.items() if n >= min_count}
    result = dict(frequent)
    size = 1
    while frequent:
        size += 1
        frequent_items = {item for itemset in frequent for item in itemset}
        level: Counter = Counter()
        for basket in baskets:
            usable = sorted(basket & frequent_items)
            for combo in combinations(usable, size):
                candidate = frozenset(combo)
                if all(candidate - {item} in frequent for item in candidate):
                    level[candidate] += 1
        frequent = {itemset: n for itemset, n in level.items() if n >= min_count}
        result.update(frequent)
    return result


def _time_series(frame: pd.DataFrame, options: dict, text: bool) -> dict:
    moments = pd.to_datetime(frame[options["timestamp"]], errors="coerce")
    value_name = options.get("value")
    values = (
        pd.to_numeric(frame[value_name], errors="coerce")
        if value_name
        else pd.Series(np.nan, index=frame.index)
    )
    table = pd.DataFrame({"ts": moments, "value": values}).dropna(subset=["ts"])
    period_code = {"day": "D", "week": "W-SUN", "month": "M"}[options["frequency"]]
    periods = table["ts"].dt.to_period(period_code).dt.start_time
    grouped = table.groupby(periods)["value"].agg(["count", "sum", "mean"])
    grouped["count"] = table.groupby(periods).size()
    measure = "mean" if value_name else "count"
    rolling = grouped[measure].rolling(int(options.get("window", 7)), min_periods=1).mean()
    series = [
        {
            "period": period.date().isoformat(),
            "count": int(row["count"]),
            "sum": _plain(row["sum"]),
            "mean": _plain(row["mean"]),
            "rolling_mean": _plain(rolling[period]),
        }
        for period, row in grouped.iterrows()
    ]
    return {"frequency": options["frequency"], "series": series}


def _plain(value):
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


BASELINES = {
    "descriptive_stats": _descriptive_stats,
    "linear_regression": _linear_regression,
    "logistic_regression": _logistic_regression,
    "kmeans": _kmeans,
    "fpgrowth": _fpgrowth,
    "time_series": _time_series,
}
