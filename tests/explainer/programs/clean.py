# ruff: noqa
"""A well-written job next to pandas and plain Python that merely looks like Spark."""
import pandas as pd
from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F

ORDERS_SCHEMA = "order_id INT, customer_id INT, amount DOUBLE, ts TIMESTAMP, country STRING"


def build_report(spark: SparkSession, day: str) -> None:
    orders = spark.read.schema(ORDERS_SCHEMA).parquet(f"/lake/orders/day={day}")
    customers = spark.read.table("crm.customers").select("customer_id", "segment")
    latest = Window.partitionBy("customer_id").orderBy(F.desc("ts"))
    enriched = (
        orders.join(F.broadcast(customers), "customer_id", "left")
        .withColumn("rank", F.row_number().over(latest))
        .filter(F.col("rank") == 1)
        .withColumns({"net": F.col("amount") * 0.8, "is_big": F.col("amount") > 100})
    ).persist()
    try:
        enriched.write.mode("overwrite").partitionBy("country").parquet("/mart/latest")
        summary = enriched.groupBy("segment").agg(F.sum("net").alias("net"))
        summary.write.mode("overwrite").saveAsTable("mart.segments")
        if enriched.isEmpty():
            print("no orders")
    finally:
        enriched.unpersist()


def local_summary(path: str) -> int:
    frame = pd.read_csv(path)
    frame = frame.sort_values("amount").drop_duplicates()
    frame.to_csv("/tmp/out.csv")
    counts = [x for x in [1, 2, 3] if x > 1]
    return len(counts) + sum(filter(None, map(int, ["1", "2"])))


if __name__ == "__main__":
    session = SparkSession.builder.appName("report").getOrCreate()
    build_report(session, "2024-01-01")

EXPECTED = {
    "operations": [
        (11, "read.parquet", "transformation", False),
        (12, "read.table", "transformation", False),
        (12, "select", "transformation", False),
        (15, "join", "transformation", False),
        (16, "withColumn", "transformation", True),
        (17, "filter", "transformation", False),
        (18, "withColumns", "transformation", False),
        (19, "persist", "transformation", False),
        (21, "write.parquet", "action", False),
        (22, "groupBy", "transformation", True),
        (22, "agg", "transformation", False),
        (23, "write.saveAsTable", "action", False),
        (24, "isEmpty", "action", False),
        (27, "unpersist", "transformation", False),
    ],
    "findings": [
    ],
    "sources": [
        ("parquet", "/lake/orders/day=2024-01-01", 11),
        ("table", "crm.customers", 12),
    ],
    "sinks": [
        ("parquet", "/mart/latest", 21, "overwrite"),
        ("table", "mart.segments", 23, "overwrite"),
    ],
    "jobs_at_least": 3,
}
