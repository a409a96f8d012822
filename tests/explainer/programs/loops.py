# ruff: noqa
from functools import reduce

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

spark = SparkSession.builder.getOrCreate()
df = spark.read.parquet("/lake/wide")
cols = ["a", "b", "c"]

for c in cols:
    df = df.withColumn(c, F.col(c).cast("double"))

for old, new in [("a", "alpha")]:
    df = df.withColumnRenamed(old, new)

for c in cols:
    part = df.filter(F.col(c).isNotNull()).withColumn("source", F.lit(c))

df = df.withColumns({c: F.col(c).cast("double") for c in cols})
renamed = reduce(lambda acc, c: acc.withColumn(c, F.upper(c)), cols, df)

acc = spark.read.parquet("/lake/month=1")
for month in range(2, 13):
    acc = acc.union(spark.read.parquet(f"/lake/month={month}"))

joined = spark.read.parquet("/lake/base")
for i, extra in enumerate(["x", "y"]):
    joined = joined.join(spark.read.parquet("/lake/" + extra), "id")
    if i % 5 == 0:
        joined = joined.localCheckpoint()

parts = [spark.read.parquet(p) for p in ["/lake/p1", "/lake/p2"]]
merged = reduce(lambda a, b: a.unionByName(b), parts)

EXPECTED = {
    "operations": [
        (8, "read.parquet", "transformation", False),
        (12, "withColumn", "transformation", False),
        (15, "withColumnRenamed", "transformation", False),
        (18, "filter", "transformation", False),
        (18, "withColumn", "transformation", False),
        (20, "withColumns", "transformation", False),
        (21, "withColumn", "transformation", False),
        (23, "read.parquet", "transformation", False),
        (25, "read.parquet", "transformation", False),
        (25, "union", "transformation", False),
        (27, "read.parquet", "transformation", False),
        (29, "read.parquet", "transformation", False),
        (29, "join", "transformation", True),
        (31, "localCheckpoint", "transformation", False),
        (33, "read.parquet", "transformation", False),
        (34, "unionByName", "transformation", False),
    ],
    "findings": [
        ("AP-L01", 12),
        ("AP-L01", 15),
        ("AP-L01", 21),
        ("AP-L02", 25),
    ],
    "sources": [
        ("parquet", "/lake/wide", 8),
        ("parquet", "/lake/month=1", 23),
        ("parquet", None, 25),
        ("parquet", "/lake/base", 27),
        ("parquet", None, 29),
        ("parquet", None, 33),
    ],
    "sinks": [
    ],
    "jobs_at_least": 6,
}
