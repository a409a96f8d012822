"""Explainer speed: analysis time against ``ast.parse`` of the same source (target: <= 5x).

Measures the median of repeated runs on (1) a generated 5,000-line PySpark file and (2) real
code: the labelled test programs concatenated. SQL parse caches are cleared before every run so
each analysis is measured cold.

    .venv/bin/python bench/explainer.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from explainer.analysis import analyse  # noqa: E402
from explainer.analysis.sql import clear_sql_cache  # noqa: E402

PROGRAMS = ROOT / "tests" / "explainer" / "programs"
TARGET_RATIO = 5.0


def generated_source(lines: int = 5_000) -> str:
    """A realistic long job: reads, filters, derived columns, joins, aggregations, writes."""
    out = [
        "from pyspark.sql import SparkSession, Window",
        "from pyspark.sql import functions as F",
        "spark = SparkSession.builder.appName('generated').getOrCreate()",
        "dims = spark.read.parquet('/lake/dims')",
    ]
    index = 0
    while len(out) < lines:
        out += [
            f"def step_{index}(frame, threshold={index}):",
            "    frame = frame.filter(F.col('amount') > threshold)",
            "    return frame.withColumn('net', F.col('amount') * 0.8)",
            f"raw_{index} = spark.read.schema('id INT, k INT, amount DOUBLE').parquet(",
            f"    '/lake/t{index}')",
            f"clean_{index} = step_{index}(raw_{index}).join(dims, 'k', 'left')",
            f"agg_{index} = clean_{index}.groupBy('k').agg(F.sum('net').alias('total'))",
            f"agg_{index}.write.mode('overwrite').parquet('/mart/t{index}')",
            f"if agg_{index}.count() == 0:",
            f"    print('empty {index}')",
            "",
        ]
        index += 1
    return "\n".join(out[:lines]) + "\n"


def real_source() -> str:
    files = sorted(PROGRAMS.glob("*.py")) + sorted(PROGRAMS.glob("*/*.py"))
    return "\n".join(path.read_text() for path in files)


def median_seconds(function, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        clear_sql_cache()
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def measure(name: str, source: str, repeats: int) -> float:
    parse = median_seconds(lambda: ast.parse(source), repeats)
    analysis = median_seconds(lambda: analyse(source), repeats)
    ratio = analysis / parse
    lines = len(source.splitlines())
    verdict = "ok" if ratio <= TARGET_RATIO else "SLOWER THAN TARGET"
    print(f"{name:<22} {lines:>6} lines  ast.parse {parse * 1000:8.1f} ms  "
          f"analyse {analysis * 1000:8.1f} ms  ratio {ratio:4.1f}x  ({verdict})")
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    options = parser.parse_args()
    print(f"explainer analysis vs ast.parse, median of {options.repeats} runs "
          f"(target <= {TARGET_RATIO:.0f}x)")
    ratios = [
        measure("generated 5,000 lines", generated_source(), options.repeats),
        measure("labelled programs", real_source(), options.repeats),
    ]
    return 0 if max(ratios) <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
