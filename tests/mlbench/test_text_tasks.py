"""TXT (and PDF) data: word counts, FP-Growth on distinct tokens per line, k-means on TF-IDF."""

from collections import Counter
from itertools import combinations

import pytest

from mlbench.engine.loaders import load_dataset
from mlbench.engine.tasks import run_task

LINES = [
    "spark shuffles data between stages",
    "spark caches data in memory",
    "pandas keeps data in memory",
    "spark spark stages and tasks",
    "executors run tasks",
    "the driver plans stages",
]


@pytest.fixture(scope="module")
def text_data(spark, tmp_path_factory):
    path = tmp_path_factory.mktemp("text") / "notes.txt"
    path.write_text("\n".join(LINES) + "\n")
    return load_dataset(spark, path, "txt")


def test_descriptive_stats_on_text_counts_words(text_data):
    words = Counter(word for line in LINES for word in line.split())

    metrics = run_task("descriptive_stats", text_data, {"top_words": 3}).metrics

    assert metrics["rows"] == len(LINES)
    assert metrics["word_count"] == sum(words.values())
    assert metrics["distinct_words"] == len(words)
    assert metrics["top_words"] == [
        {"word": w, "count": c}
        for w, c in sorted(words.items(), key=lambda wc: (-wc[1], wc[0]))[:3]
    ]
    assert metrics["per_column"]["token_count"]["max"] == max(len(x.split()) for x in LINES)


def test_fpgrowth_on_text_counts_each_token_once_per_line(text_data):
    counts = Counter()
    for line in LINES:
        tokens = sorted(set(line.split()))
        for size in range(1, len(tokens) + 1):
            counts.update(combinations(tokens, size))
    expected = {items: n for items, n in counts.items() if n >= 2}  # 0.3 * 6 lines -> 2

    metrics = run_task("fpgrowth", text_data, {"min_support": 0.3, "min_confidence": 0.9}).metrics

    assert {tuple(i["items"]): i["freq"] for i in metrics["itemsets"]} == expected
    assert metrics["items_column"] == "tokens"


def test_kmeans_on_text_clusters_tfidf_vectors_of_every_line(text_data):
    outcome = run_task("kmeans", text_data, {"k": 2, "tfidf_features": 64})

    assert outcome.metrics["rows"] == len(LINES)
    assert sum(outcome.metrics["cluster_sizes"]) == len(LINES)
    assert -1.0 <= outcome.metrics["silhouette"] <= 1.0
    assert len(outcome.picture["x"]) == len(LINES) and outcome.picture["projected"] is True
