"""Run a lakehouse pipeline where Django is not installed (a Databricks job, spark-submit).

    python lakehouse/run_on_cluster.py CONF [--set key=value ...]

Prints the run report as JSON and exits 1 when the run failed, 2 when the config is wrong.
Uses the SparkSession the platform provides (getOrCreate), so it runs wherever Spark does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# The folder above lakehouse/ holds the package (a Databricks Repo or workspace folder).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lakehouse.engine import PipelineError, run_pipeline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("conf", help="a .conf path or a shipped pipeline name")
    parser.add_argument("--set", action="append", default=[], dest="overrides")
    options = parser.parse_args(argv)
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.getOrCreate()
    try:
        report = run_pipeline(options.conf, overrides=options.overrides, spark=spark)
    except PipelineError as error:
        print("\n".join(str(problem) for problem in error.problems), file=sys.stderr)
        return 2
    print(json.dumps(report, default=str))
    return 0 if report["status"] == "succeeded" else 1


if __name__ == "__main__":
    sys.exit(main())
