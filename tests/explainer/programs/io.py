# ruff: noqa
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

spark = SparkSession.builder.getOrCreate()
schema = "id INT, region STRING, country STRING"

inferred = spark.read.csv("/in/a.csv", header=True, inferSchema=True)
by_option = (
    spark.read.format("csv")
    .option("header", "true")
    .option("inferSchema", "true")
    .load("/in/b.csv")
)
strings = spark.read.csv("/in/c.csv", header=True)
typed = spark.read.schema(schema).csv("/in/d.csv", header=True, inferSchema=True)
events = spark.read.json("/in/events.json")
sampled = spark.read.option("samplingRatio", "0.1").json("/in/sampled.json")
known = spark.read.schema(schema).json("/in/known.json")

everything = typed.select("*")
some = typed.select("id", "region")

typed.write.parquet("/out/no_mode")
typed.write.mode("append").parquet("/out/append")
typed.write.saveAsTable("db.no_mode")
typed.write.insertInto("db.appended")
typed.write.format("delta").save("/out/delta", mode="overwrite")

a = spark.createDataFrame([(1, "eu", "fr")], ["id", "region", "country"])
b = spark.createDataFrame([(2, "de", "eu")], ["id", "country", "region"])
swapped = a.union(b)
aligned = a.unionByName(b)
same = a.union(a.select("id", "region", "country"))
unknown = a.union(strings)

url = "jdbc:postgresql://db/shop"
orders = spark.read.jdbc(url, "public.orders", properties={"user": "me"})
parts = spark.read.jdbc(url, "public.orders", column="id", lowerBound=1, upperBound=1000,
                        numPartitions=8, properties={"user": "me"})
loaded = spark.read.format("jdbc").option("url", url).option("dbtable", "public.items").load()
split = (spark.read.format("jdbc").option("url", url).option("dbtable", "public.items")
         .option("partitionColumn", "id").option("lowerBound", "1")
         .option("upperBound", "100").option("numPartitions", "4").load())

EXPECTED = {
    "operations": [
        (8, "read.csv", "transformation", False),
        (13, "read.load", "transformation", False),
        (15, "read.csv", "transformation", False),
        (16, "read.csv", "transformation", False),
        (17, "read.json", "transformation", False),
        (18, "read.json", "transformation", False),
        (19, "read.json", "transformation", False),
        (21, "select", "transformation", False),
        (22, "select", "transformation", False),
        (24, "write.parquet", "action", False),
        (25, "write.parquet", "action", False),
        (26, "write.saveAsTable", "action", False),
        (27, "write.insertInto", "action", False),
        (28, "write.save", "action", False),
        (30, "createDataFrame", "transformation", False),
        (31, "createDataFrame", "transformation", False),
        (32, "union", "transformation", False),
        (33, "unionByName", "transformation", False),
        (34, "select", "transformation", False),
        (34, "union", "transformation", False),
        (35, "union", "transformation", False),
        (38, "read.jdbc", "transformation", False),
        (39, "read.jdbc", "transformation", False),
        (41, "read.load", "transformation", False),
        (44, "read.load", "transformation", False),
    ],
    "findings": [
        ("AP-IO01", 8), ("AP-IO01", 12), ("AP-IO01", 17), ("AP-IO02", 21), ("AP-IO03", 24),
        ("AP-IO03", 26), ("AP-IO05", 32), ("AP-IO06", 38), ("AP-IO06", 41),
    ],
    "sources": [
        ("csv", "/in/a.csv", 8), ("csv", "/in/b.csv", 13), ("csv", "/in/c.csv", 15),
        ("csv", "/in/d.csv", 16), ("json", "/in/events.json", 17),
        ("json", "/in/sampled.json", 18), ("json", "/in/known.json", 19),
        ("jdbc", "public.orders", 38), ("jdbc", "public.orders", 39),
        ("jdbc", "public.items", 41), ("jdbc", "public.items", 44),
    ],
    "sinks": [
        ("parquet", "/out/no_mode", 24, None), ("parquet", "/out/append", 25, "append"),
        ("table", "db.no_mode", 26, None), ("table", "db.appended", 27, "append"),
        ("delta", "/out/delta", 28, "overwrite"),
    ],
    "jobs_at_least": 12,
}
