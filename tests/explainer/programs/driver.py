# ruff: noqa
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

spark = SparkSession.builder.getOrCreate()
events = spark.read.parquet("/data/events")
rows = events.collect()
few = events.limit(100).collect()
total = events.agg(F.sum("amount")).collect()
small = spark.createDataFrame([(1, "a")], ["id", "v"]).collect()
pdf = events.toPandas()
pdf_small = events.limit(10).toPandas()
if events.count() == 0:
    print("empty")
n = events.count()
if n > 0:
    print(f"{n} events")
for region in ["eu", "us"]:
    events.filter(F.col("region") == region).show()
events.show()
amount = sum(r.amount for r in events.collect())
names = [r.name for r in events.limit(5).collect()]
if not events.take(1):
    print("empty")
big = [r for r in rows if r.amount > 10]

EXPECTED = {
    "operations": [
        (6, "read.parquet", "transformation", False),
        (7, "collect", "action", False),
        (8, "limit", "transformation", False),
        (8, "collect", "action", False),
        (9, "agg", "transformation", True),
        (9, "collect", "action", False),
        (10, "createDataFrame", "transformation", False),
        (10, "collect", "action", False),
        (11, "toPandas", "action", False),
        (12, "limit", "transformation", False),
        (12, "toPandas", "action", False),
        (13, "count", "action", False),
        (15, "count", "action", False),
        (19, "filter", "transformation", False),
        (19, "show", "action", False),
        (20, "show", "action", False),
        (21, "collect", "action", False),
        (22, "limit", "transformation", False),
        (22, "collect", "action", False),
        (23, "take", "action", False),
    ],
    "findings": [
        ("AP-D01", 7), ("AP-D06", 7), ("AP-D02", 11), ("AP-D03", 13), ("AP-D04", 19),
        ("AP-D05", 19), ("AP-D05", 20), ("AP-D01", 21), ("AP-D06", 21),
    ],
    "sources": [("parquet", "/data/events", 6)],
    "sinks": [],
    "jobs_at_least": 14,
}
