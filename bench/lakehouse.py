"""Benchmark the returns medallion: the lakehouse framework vs a hand-written PySpark script.

    .venv/bin/python bench/lakehouse.py --rows 1000000 [--rows 5000000] [--master local[2]]

Both do the same work on the same generated dirty data (bronze, cleaned and deduplicated silver
partitioned by date, quarantine, gold) in one SparkSession: after one unmeasured run of each
(``--warmup-runs``), the measured runs alternate so neither gets the warmer JVM for free. For
context the same transformation runs in DuckDB (optional dependency ``duckdb``; skipped when it
is not installed). Prints wall seconds, CPU seconds (driver JVM + Python) and rows/s, and the
framework's overhead over the hand-written script.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COLUMNS = ["return_id", "order_id", "sku", "return_reason", "amount", "return_date", "customer_id"]


def hand_written(spark, input_glob: str, lake: Path) -> None:
    """What a data engineer would write by hand for the returns medallion."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    raw = (
        spark.read.option("header", True)
        .csv(input_glob)
        .withColumn("source_file", F.col("_metadata.file_path"))
        .withColumn("ingested_at", F.current_timestamp())
        .cache()
    )
    raw.write.mode("overwrite").parquet(str(lake / "bronze/returns_raw"))

    trimmed = raw.withColumns(
        {c: F.when(F.trim(c) == "", None).otherwise(F.trim(c)) for c in [*COLUMNS, "source_file"]}
    )
    clean = trimmed.withColumns(
        {
            "sku": F.upper("sku"),
            "return_reason": F.coalesce(F.lower("return_reason"), F.lit("unknown")),
        }
    )
    amount = F.expr("try_cast(amount as decimal(12,2))")
    date = F.expr("try_to_date(return_date, 'yyyy-MM-dd')")
    reason = (
        F.when(F.col("return_id").isNull(), "missing_return_id")
        .when(F.col("sku").isNull(), "missing_sku")
        .when(F.col("return_date").isNull(), "missing_return_date")
        .when(date.isNull(), "invalid_return_date")
        .when(F.col("amount").isNull(), "missing_amount")
        .when(amount.isNull(), "invalid_amount")
        .when(amount < 0, "negative_amount")
    )
    classified = clean.withColumn("reject_reason", reason).cache()
    valid = (
        classified.filter("reject_reason is null")
        .drop("reject_reason")
        .withColumns({"amount": amount, "return_date": date})
    )
    window = Window.partitionBy("return_id").orderBy(
        F.col("return_date").desc_nulls_last(),
        F.col("amount").desc_nulls_last(),
        F.col("order_id").asc_nulls_last(),
    )
    ranked = valid.withColumn("rank", F.row_number().over(window)).cache()
    silver = ranked.filter("rank = 1").drop("rank")
    (
        silver.select(*COLUMNS)
        .repartition("return_date")
        .write.mode("overwrite")
        .partitionBy("return_date")
        .parquet(str(lake / "silver/returns"))
    )

    duplicates = (
        ranked.filter("rank > 1")
        .drop("rank")
        .withColumn("reject_reason", F.lit("duplicate_return_id"))
    )
    rejected = classified.filter("reject_reason is not null")
    quarantine = rejected.unionByName(
        duplicates.withColumns(
            {
                "amount": F.col("amount").cast("string"),
                "return_date": F.col("return_date").cast("string"),
            }
        )
    )
    quarantine.write.mode("overwrite").parquet(str(lake / "quarantine/returns"))

    gold = silver.groupBy("sku", "return_reason").agg(
        F.sum("amount").alias("total_amount"),
        F.count(F.lit(1)).alias("return_count"),
        F.avg("amount").cast("decimal(12,2)").alias("avg_amount"),
    )
    gold.write.mode("overwrite").parquet(str(lake / "gold/returns_by_sku_reason"))
    for frame in (raw, classified, ranked):
        frame.unpersist()


def framework(spark, input_glob: str, lake: Path, *extra: str) -> dict:
    from lakehouse.engine import run_pipeline

    report = run_pipeline(
        "returns",
        spark=spark,
        overrides=[f"lake.root={lake}", f"returns.input_path={input_glob}", *extra],
    )
    if report["status"] != "succeeded":
        raise SystemExit(f"framework run failed: {report['error']}")
    return report


def duckdb_version(input_glob: str, lake: Path) -> None:
    import duckdb

    lake.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"""
        CREATE TEMP TABLE raw AS SELECT *, now() AS ingested_at
        FROM read_csv('{input_glob}', header = true, delim = ',', quote = '"',
                      all_varchar = true, filename = 'source_file')
    """)
    (lake / "bronze").mkdir(parents=True, exist_ok=True)
    con.execute(f"COPY raw TO '{lake}/bronze/returns_raw.parquet' (FORMAT parquet)")
    con.execute("""
        CREATE TEMP TABLE classified AS
        WITH t AS (
          SELECT nullif(trim(return_id), '') AS return_id, nullif(trim(order_id), '') AS order_id,
                 upper(nullif(trim(sku), '')) AS sku,
                 coalesce(lower(nullif(trim(return_reason), '')), 'unknown') AS return_reason,
                 nullif(trim(amount), '') AS amount, nullif(trim(return_date), '') AS return_date,
                 nullif(trim(customer_id), '') AS customer_id, source_file, ingested_at
          FROM raw)
        SELECT *, CASE
          WHEN return_id IS NULL THEN 'missing_return_id'
          WHEN sku IS NULL THEN 'missing_sku'
          WHEN return_date IS NULL THEN 'missing_return_date'
          WHEN try_strptime(return_date, '%Y-%m-%d') IS NULL THEN 'invalid_return_date'
          WHEN amount IS NULL THEN 'missing_amount'
          WHEN try_cast(amount AS DECIMAL(12,2)) IS NULL THEN 'invalid_amount'
          WHEN try_cast(amount AS DECIMAL(12,2)) < 0 THEN 'negative_amount' END AS reject_reason
        FROM t
    """)
    con.execute("""
        CREATE TEMP TABLE ranked AS
        WITH typed AS (
          SELECT * EXCLUDE (amount, return_date, reject_reason),
                 cast(amount AS DECIMAL(12,2)) AS amount,
                 cast(strptime(return_date, '%Y-%m-%d') AS DATE) AS return_date
          FROM classified WHERE reject_reason IS NULL)
        SELECT *, row_number() OVER (PARTITION BY return_id ORDER BY return_date DESC NULLS LAST,
                                     amount DESC NULLS LAST, order_id ASC NULLS LAST) AS rank
        FROM typed
    """)
    con.execute(f"""COPY (SELECT {", ".join(COLUMNS)} FROM ranked WHERE rank = 1)
        TO '{lake}/silver' (FORMAT parquet, PARTITION_BY (return_date), OVERWRITE_OR_IGNORE)""")
    con.execute(f"""COPY (
        SELECT * EXCLUDE (reject_reason), reject_reason FROM classified
        WHERE reject_reason IS NOT NULL
        UNION ALL BY NAME
        SELECT * EXCLUDE (rank, amount, return_date), cast(amount AS VARCHAR) AS amount,
               cast(return_date AS VARCHAR) AS return_date,
               'duplicate_return_id' AS reject_reason FROM ranked WHERE rank > 1)
        TO '{lake}/quarantine.parquet' (FORMAT parquet)""")
    con.execute(f"""COPY (
        SELECT sku, return_reason, sum(amount) AS total_amount, count(*) AS return_count,
               cast(avg(amount) AS DECIMAL(12,2)) AS avg_amount
        FROM ranked WHERE rank = 1 GROUP BY sku, return_reason)
        TO '{lake}/gold.parquet' (FORMAT parquet)""")
    con.close()


class CpuClock:
    """CPU seconds of this Python process plus the Spark driver JVM (local mode: all work)."""

    def __init__(self, spark=None):
        self.jvm_pid = None
        if spark is not None:
            self.jvm_pid = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()

    def now(self) -> float:
        seconds = time.process_time()
        if self.jvm_pid:
            fields = Path(f"/proc/{self.jvm_pid}/stat").read_text().rsplit(")", 1)[1].split()
            seconds += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return seconds


def measure(clock: CpuClock, action) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), clock.now()
    action()
    return time.perf_counter() - wall, clock.now() - cpu


def count_files(path: Path) -> int:
    return sum(1 for p in path.rglob("*.parquet") if p.is_file())


def bench_size(spark, rows: int, work: Path, repeats: int, warmup_runs: int = 0) -> dict:
    from lakehouse.engine.datagen import write_returns_csv

    data = work / f"in-{rows}"
    started = time.perf_counter()
    write_returns_csv(data, rows, seed=42, files=4)
    generated = time.perf_counter() - started
    input_glob = f"{data}/*.csv"
    clock = CpuClock(spark)
    runs: dict[str, list[tuple[float, float]]] = {"hand_written": [], "framework": []}
    # The JVM keeps compiling hot code for several runs at this size: one unmeasured run of
    # each first, so the measured ones are not favoured by the order they ran in.
    for _ in range(warmup_runs):
        hand_written(spark, input_glob, work / "lake-warmup-hand_written")
        framework(spark, input_glob, work / "lake-warmup-framework")
    for repeat in range(repeats):
        order = ["hand_written", "framework"] if repeat % 2 == 0 else ["framework", "hand_written"]
        for name in order:
            lake = work / f"lake-{name}"
            shutil.rmtree(lake, ignore_errors=True)
            if name == "hand_written":
                runs[name].append(
                    measure(clock, lambda lake=lake: hand_written(spark, input_glob, lake))
                )
            else:
                runs[name].append(
                    measure(clock, lambda lake=lake: framework(spark, input_glob, lake))
                )
    silver_files = count_files(work / "lake-framework/silver/returns")
    silver_rows = spark.read.parquet(str(work / "lake-framework/silver/returns")).count()
    hand_rows = spark.read.parquet(str(work / "lake-hand_written/silver/returns")).count()

    unpartitioned_lake = work / "lake-no-repartition"
    shutil.rmtree(unpartitioned_lake, ignore_errors=True)
    no_repartition = measure(
        clock,
        lambda: framework(
            spark, input_glob, unpartitioned_lake, "steps.write_silver.repartition=false"
        ),
    )
    no_repartition_files = count_files(unpartitioned_lake / "silver/returns")

    result = {"rows": rows, "generate_seconds": round(generated, 2), "runs": {}}
    for name, measured in runs.items():
        wall = statistics.median(m[0] for m in measured)
        cpu = statistics.median(m[1] for m in measured)
        result["runs"][name] = {
            "wall_seconds": round(wall, 2),
            "cpu_seconds": round(cpu, 2),
            "rows_per_second": round(rows / wall),
            "all_wall_seconds": [round(m[0], 2) for m in measured],
        }
    hand, frame = result["runs"]["hand_written"], result["runs"]["framework"]
    result["framework_overhead_pct"] = {
        "wall": round(100 * (frame["wall_seconds"] / hand["wall_seconds"] - 1), 1),
        "cpu": round(100 * (frame["cpu_seconds"] / hand["cpu_seconds"] - 1), 1),
    }
    result["silver"] = {
        "rows_framework": silver_rows,
        "rows_hand_written": hand_rows,
        "files_with_repartition": silver_files,
        "files_without_repartition": no_repartition_files,
        "wall_seconds_without_repartition": round(no_repartition[0], 2),
        "cpu_seconds_without_repartition": round(no_repartition[1], 2),
    }
    try:
        import duckdb  # noqa: F401
    except ImportError:
        result["duckdb"] = "not installed (pip install duckdb)"
    else:
        duck_lake = work / "lake-duckdb"
        shutil.rmtree(duck_lake, ignore_errors=True)
        wall, cpu = measure(CpuClock(), lambda: duckdb_version(input_glob, duck_lake))
        result["duckdb"] = {
            "wall_seconds": round(wall, 2),
            "cpu_seconds": round(cpu, 2),
            "rows_per_second": round(rows / wall),
        }
    shutil.rmtree(data, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="rows per size (repeatable)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--work-dir", default="")
    parser.add_argument("--warmup-rows", type=int, default=5_000)
    parser.add_argument(
        "--warmup-runs", type=int, default=1, help="unmeasured runs of each at every size"
    )
    args = parser.parse_args(argv)
    from sparkhub.spark import start_spark_session

    work = Path(args.work_dir or tempfile.mkdtemp(prefix="lakehouse-bench-"))
    started = start_spark_session(
        "lakehouse-bench",
        master=args.master,
        conf={
            "spark.sql.shuffle.partitions": "8",
            "spark.ui.enabled": "false",
            "spark.driver.memory": "2g",
            "spark.eventLog.enabled": "false",
        },
    )
    spark = started.session
    spark.sparkContext.setLogLevel("ERROR")
    # warm the JVM on a small input so the first measured run does not pay for it
    bench_size(spark, args.warmup_rows, work, 1)
    results = [
        bench_size(spark, rows, work, args.repeats, args.warmup_runs)
        for rows in args.rows or [1_000_000]
    ]
    print(
        json.dumps(
            {
                "master": args.master,
                "spark_startup_seconds": round(started.startup_seconds, 2),
                "sizes": results,
            },
            indent=2,
        )
    )
    spark.stop()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
