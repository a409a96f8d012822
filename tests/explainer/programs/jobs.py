# ruff: noqa
from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
sc = spark.sparkContext
pairs = sc.parallelize([("a", 1), ("b", 2)])

inferred = spark.createDataFrame(pairs, ["k", "v"])
typed = spark.createDataFrame(pairs, "k STRING, v INT")
as_df = pairs.toDF(["k", "v"])
ordered = pairs.sortByKey()

pivoted = typed.groupBy("k").pivot("v").count()
fixed = typed.groupBy("k").pivot("v", [1, 2]).count()
pivoted.write.mode("overwrite").parquet("/out/pivoted")
print(fixed.take(2))
print(ordered.first())

EXPECTED = {
    "operations": [
        (6, "sc.parallelize", "transformation", False),
        (8, "createDataFrame", "transformation", False),
        (9, "createDataFrame", "transformation", False),
        (10, "toDF", "transformation", False),
        (11, "sortByKey", "transformation", True),
        (13, "groupBy", "transformation", True),
        (13, "pivot", "transformation", False),
        (13, "count", "transformation", False),
        (14, "groupBy", "transformation", True),
        (14, "pivot", "transformation", False),
        (14, "count", "transformation", False),
        (15, "write.parquet", "action", False),
        (16, "take", "action", False),
        (17, "first", "action", False),
    ],
    "findings": [
    ],
    "sources": [
    ],
    "sinks": [
        ("parquet", "/out/pivoted", 15, "overwrite"),
    ],
    "jobs_at_least": 8,
}
