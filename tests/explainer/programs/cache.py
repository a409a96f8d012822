# ruff: noqa
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

spark = SparkSession.builder.getOrCreate()
orders = spark.read.parquet("/lake/orders")
customers = spark.read.parquet("/lake/customers")

enriched = orders.join(customers, "customer_id").cache()
enriched.write.mode("overwrite").parquet("/out/enriched")
enriched.groupBy("country").count().write.mode("overwrite").parquet("/out/by_country")

once = orders.filter(F.col("amount") > 10).cache()
once.write.mode("overwrite").json("/out/once")
once.unpersist()

fact = orders.join(customers, "customer_id")
fact.write.mode("overwrite").parquet("/out/fact")
fact.groupBy("segment").count().write.mode("overwrite").saveAsTable("mart.segments")

kept = orders.join(customers, "customer_id")
kept.persist()
kept.write.mode("overwrite").parquet("/out/kept")
kept.groupBy("segment").count().show()
kept.unpersist()

reread = orders.filter(F.col("status") == "open")
reread.write.mode("overwrite").parquet("/out/open")
print(reread.count())

per_day = orders.groupBy("day").agg(F.sum("amount").alias("total"))
for country in ["fr", "de"]:
    per_day.filter(F.col("country") == country).write.mode("overwrite").parquet("/out/d")

EXPECTED = {
    "operations": [
        (6, "read.parquet", "transformation", False),
        (7, "read.parquet", "transformation", False),
        (9, "join", "transformation", True),
        (9, "cache", "transformation", False),
        (10, "write.parquet", "action", False),
        (11, "groupBy", "transformation", True),
        (11, "count", "transformation", False),
        (11, "write.parquet", "action", False),
        (13, "filter", "transformation", False),
        (13, "cache", "transformation", False),
        (14, "write.json", "action", False),
        (15, "unpersist", "transformation", False),
        (17, "join", "transformation", True),
        (18, "write.parquet", "action", False),
        (19, "groupBy", "transformation", True),
        (19, "count", "transformation", False),
        (19, "write.saveAsTable", "action", False),
        (21, "join", "transformation", True),
        (22, "persist", "transformation", False),
        (23, "write.parquet", "action", False),
        (24, "groupBy", "transformation", True),
        (24, "count", "transformation", False),
        (24, "show", "action", False),
        (25, "unpersist", "transformation", False),
        (27, "filter", "transformation", False),
        (28, "write.parquet", "action", False),
        (29, "count", "action", False),
        (31, "groupBy", "transformation", True),
        (31, "agg", "transformation", False),
        (33, "filter", "transformation", False),
        (33, "write.parquet", "action", False),
    ],
    "findings": [
        ("AP-C01", 9),
        ("AP-C02", 13),
        ("AP-C03", 17),
        ("AP-D05", 24),
        ("AP-C03", 31),
        ("AP-D04", 33),
    ],
    "sources": [
        ("parquet", "/lake/orders", 6),
        ("parquet", "/lake/customers", 7),
    ],
    "sinks": [
        ("parquet", "/out/enriched", 10, "overwrite"),
        ("parquet", "/out/by_country", 11, "overwrite"),
        ("json", "/out/once", 14, "overwrite"),
        ("parquet", "/out/fact", 18, "overwrite"),
        ("table", "mart.segments", 19, "overwrite"),
        ("parquet", "/out/kept", 23, "overwrite"),
        ("parquet", "/out/open", 28, "overwrite"),
        ("parquet", "/out/d", 33, "overwrite"),
    ],
    "jobs_at_least": 12,
}
