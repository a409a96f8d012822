# ruff: noqa
import json
import operator

from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
sc = spark.sparkContext
df = spark.read.parquet("/lake/pairs")

doubled = df.rdd.map(lambda r: (r.k, r.v * 2)).toDF(["k", "v2"])
if not df.rdd.isEmpty():
    print("data")
partitions = df.rdd.getNumPartitions()

lines = sc.textFile("/raw/sales.csv").map(lambda line: line.split(","))
logs = sc.textFile("/raw/app.log").map(lambda line: line.split(" "))
records = sc.textFile("/raw/events.json").map(json.loads)

pairs = lines.map(lambda f: (f[0], float(f[1])))
sums = pairs.groupByKey().mapValues(sum)
sizes = pairs.groupByKey().mapValues(lambda vs: len(list(vs)))
grouped = pairs.groupByKey().mapValues(list)
reduced = pairs.reduceByKey(operator.add)
ordered = reduced.sortBy(lambda kv: kv[1], ascending=False)
print(ordered.take(5))
reduced.saveAsTextFile("/out/sums")
grid = pairs.cartesian(pairs)

EXPECTED = {
    "operations": [
        (9, "read.parquet", "transformation", False),
        (11, "rdd", "transformation", False),
        (11, "map", "transformation", False),
        (11, "toDF", "transformation", False),
        (12, "rdd", "transformation", False),
        (12, "isEmpty", "action", False),
        (14, "rdd", "transformation", False),
        (16, "sc.textFile", "transformation", False),
        (16, "map", "transformation", False),
        (17, "sc.textFile", "transformation", False),
        (17, "map", "transformation", False),
        (18, "sc.textFile", "transformation", False),
        (18, "map", "transformation", False),
        (20, "map", "transformation", False),
        (21, "groupByKey", "transformation", True),
        (21, "mapValues", "transformation", False),
        (22, "groupByKey", "transformation", True),
        (22, "mapValues", "transformation", False),
        (23, "groupByKey", "transformation", True),
        (23, "mapValues", "transformation", False),
        (24, "reduceByKey", "transformation", True),
        (25, "sortBy", "transformation", True),
        (26, "take", "action", False),
        (27, "saveAsTextFile", "action", False),
        (28, "cartesian", "transformation", True),
    ],
    "findings": [
        ("AP-R01", 11),
        ("AP-R02", 12),
        ("AP-R01", 16),
        ("AP-R01", 18),
        ("AP-S03", 21),
        ("AP-S03", 22),
        ("AP-C03", 24),
        ("AP-S04", 28),
    ],
    "sources": [
        ("parquet", "/lake/pairs", 9),
        ("text", "/raw/sales.csv", 16),
        ("text", "/raw/app.log", 17),
        ("text", "/raw/events.json", 18),
    ],
    "sinks": [
    ],
    "jobs_at_least": 7,
}
