"""A deterministic synthetic dataset that exercises all six tasks.

Columns: ``id``, numeric features ``x1``..``x4`` (``x1``/``x2`` form three well-separated
clusters, one per ``category``), ``target`` (linear in the features plus noise, for
regression), ``label`` (0/1 from a noisy logistic rule, for classification), ``category``,
``timestamp`` (minutes apart over several months) and ``basket`` (``;``-separated items with
built-in associations). The same seed always gives byte-identical files.

Run ``python -m mlbench.engine.synthetic --rows N OUT.csv`` (``.json`` writes NDJSON).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
from datetime import datetime, timedelta
from pathlib import Path

COLUMNS = ("id", "x1", "x2", "x3", "x4", "target", "label", "category", "timestamp", "basket")
CLUSTER_CENTRES = {"A": (0.0, 0.0), "B": (10.0, 10.0), "C": (-10.0, 10.0)}
TARGET_WEIGHTS = (3.0, -2.0, 0.5, 1.5)
START = datetime(2024, 1, 1)
# Items bought together with a given probability make association rules worth finding.
BASKET_RULES = (("bread", "butter", 0.7), ("pasta", "tomatoes", 0.6), ("beer", "crisps", 0.5))
OTHER_ITEMS = ("milk", "eggs", "apples", "coffee", "rice", "cheese")


def synthetic_rows(rows: int, seed: int = 42):
    """Yield ``rows`` dicts with the columns in :data:`COLUMNS`."""
    rng = random.Random(seed)
    moment = START
    categories = sorted(CLUSTER_CENTRES)
    for index in range(rows):
        category = categories[rng.randrange(len(categories))]
        centre_x, centre_y = CLUSTER_CENTRES[category]
        x1 = centre_x + rng.gauss(0, 1)
        x2 = centre_y + rng.gauss(0, 1)
        x3 = rng.uniform(-5, 5)
        x4 = rng.gauss(2, 3)
        target = sum(w * x for w, x in zip(TARGET_WEIGHTS, (x1, x2, x3, x4), strict=True))
        target += rng.gauss(0, 2)
        odds = 0.4 * x3 - 0.3 * x4 + 0.05 * x1 + rng.gauss(0, 1)
        label = 1 if 1 / (1 + math.exp(-odds)) > 0.5 else 0
        moment += timedelta(minutes=rng.randint(1, 120))
        yield {
            "id": index + 1,
            "x1": round(x1, 6),
            "x2": round(x2, 6),
            "x3": round(x3, 6),
            "x4": round(x4, 6),
            "target": round(target, 6),
            "label": label,
            "category": category,
            "timestamp": moment.strftime("%Y-%m-%d %H:%M:%S"),
            "basket": ";".join(_basket(rng)),
        }


def _basket(rng: random.Random) -> list[str]:
    items: list[str] = []
    for first, second, together in BASKET_RULES:
        if rng.random() < 0.35:
            items.append(first)
            if rng.random() < together:
                items.append(second)
    items += [item for item in OTHER_ITEMS if rng.random() < 0.15]
    return items or [OTHER_ITEMS[rng.randrange(len(OTHER_ITEMS))]]


def write_synthetic(path: str | Path, rows: int, seed: int = 42) -> Path:
    """Write CSV (or NDJSON when the name ends in .json/.ndjson) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        if path.suffix.lower() in (".json", ".ndjson", ".jsonl"):
            for row in synthetic_rows(rows, seed):
                handle.write(json.dumps(row) + "\n")
        else:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(synthetic_rows(rows, seed))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write mlbench's synthetic dataset.")
    parser.add_argument("output", type=Path)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    print(write_synthetic(args.output, args.rows, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
