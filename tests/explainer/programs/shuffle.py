# ruff: noqa
from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F

spark = SparkSession.builder.config("spark.sql.shuffle.partitions", "8").getOrCreate()
spark.conf.set("spark.sql.shuffle.partitions", 200)
spark.conf.set("spark.sql.adaptive.enabled", "true")
sales = spark.read.parquet("/lake/sales")
stores = spark.read.parquet("/lake/stores")

sales.coalesce(1).write.mode("overwrite").csv("/out/one")
sales.repartition(64).write.mode("overwrite").parquet("/out/many")
sales.repartition("store_id").write.mode("overwrite").parquet("/out/by_store")

sales.orderBy("ts").write.mode("overwrite").parquet("/out/sorted")
top = sales.orderBy(F.desc("amount")).limit(10).collect()
sales.sort("amount").show()

grid = sales.crossJoin(stores)
tiny = sales.crossJoin(spark.range(3))
nokey = sales.join(stores)
keyed = sales.join(stores, "store_id", "inner")

w = Window.orderBy("ts")
w_ok = Window.partitionBy("store_id").orderBy("ts")
w_empty = Window.partitionBy().orderBy("ts")
ranked = sales.withColumn("rank", F.row_number().over(w_ok))

per_store = sales.distinct().groupBy("store_id").agg(F.sum("amount").alias("total"))
counted = sales.groupBy("store_id").count().distinct()
deduped = sales.dropDuplicates(["order_id"]).groupBy("store_id").count()

left_bad = F.broadcast(sales).join(stores, "store_id", "left")
left_ok = sales.join(F.broadcast(stores), "store_id", "left")
ranged = sales.join(stores, (sales.ts >= stores.opened) & (sales.ts < stores.closed))
equi = sales.join(stores, (sales.store_id == stores.id) & (sales.ts >= stores.opened))

EXPECTED = {
    "operations": [
        (8, "read.parquet", "transformation", False),
        (9, "read.parquet", "transformation", False),
        (11, "coalesce", "transformation", False),
        (11, "write.csv", "action", False),
        (12, "repartition", "transformation", True),
        (12, "write.parquet", "action", False),
        (13, "repartition", "transformation", True),
        (13, "write.parquet", "action", False),
        (15, "orderBy", "transformation", True),
        (15, "write.parquet", "action", False),
        (16, "orderBy", "transformation", True),
        (16, "limit", "transformation", False),
        (16, "collect", "action", False),
        (17, "sort", "transformation", True),
        (17, "show", "action", False),
        (19, "crossJoin", "transformation", True),
        (20, "range", "transformation", False),
        (20, "crossJoin", "transformation", True),
        (21, "join", "transformation", True),
        (22, "join", "transformation", True),
        (27, "withColumn", "transformation", True),
        (29, "distinct", "transformation", True),
        (29, "groupBy", "transformation", True),
        (29, "agg", "transformation", False),
        (30, "groupBy", "transformation", True),
        (30, "count", "transformation", False),
        (30, "distinct", "transformation", True),
        (31, "dropDuplicates", "transformation", True),
        (31, "groupBy", "transformation", True),
        (31, "count", "transformation", False),
        (33, "join", "transformation", True),
        (34, "join", "transformation", False),
        (35, "join", "transformation", True),
        (36, "join", "transformation", True),
    ],
    "findings": [
        ("AP-S07", 5), ("AP-S07", 6), ("AP-S01", 11), ("AP-S07", 12), ("AP-S02", 15),
        ("AP-D05", 17), ("AP-S04", 19), ("AP-S04", 21), ("AP-S05", 24), ("AP-S05", 26),
        ("AP-S06", 29), ("AP-S06", 30), ("AP-S08", 33), ("AP-S09", 35),
    ],
    "sources": [("parquet", "/lake/sales", 8), ("parquet", "/lake/stores", 9)],
    "sinks": [
        ("csv", "/out/one", 11, "overwrite"), ("parquet", "/out/many", 12, "overwrite"),
        ("parquet", "/out/by_store", 13, "overwrite"), ("parquet", "/out/sorted", 15, "overwrite"),
    ],
    "jobs_at_least": 8,
}
