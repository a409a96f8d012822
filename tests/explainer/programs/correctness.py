# ruff: noqa
from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F

spark = SparkSession.builder.getOrCreate()
users = spark.read.parquet("/lake/users")
orders = spark.read.parquet("/lake/orders")

no_email = users.filter(F.col("email") == None)
has_email = users.filter(users.email != None)
right = users.filter(F.col("email").isNull())
python_none = [r for r in users.take(3) if r.email == None]

bad_and = users.filter(F.col("age") > 5 & F.col("age") < 20)
bad_bool = users.filter(F.col("age") > 5 and F.col("age") < 20)
bad_not = users.filter(not F.col("active"))
good = users.filter((F.col("age") > 5) & (F.col("age") < 20))
flags = [x for x in [1, 2] if x > 0 and x < 5]

latest = orders.groupBy("user_id").agg(F.first("status"), F.max("ts").alias("ts"))
w = Window.partitionBy("user_id")
w_ordered = Window.partitionBy("user_id").orderBy("ts")
firsts = orders.withColumn("first_status", F.first("status").over(w))
ordered_first = orders.withColumn("first_status", F.first("status").over(w_ordered))

dup = users.join(orders, users.id == orders.id)
dropped = users.join(orders, users.id == orders.id).drop(orders.id)
named = users.join(orders, "id")
different = users.join(orders, users.id == orders.user_id)
semi = users.join(orders, users.id == orders.id, "left_semi")

EXPECTED = {
    "operations": [
        (6, "read.parquet", "transformation", False),
        (7, "read.parquet", "transformation", False),
        (9, "filter", "transformation", False),
        (10, "filter", "transformation", False),
        (11, "filter", "transformation", False),
        (12, "take", "action", False),
        (14, "filter", "transformation", False),
        (15, "filter", "transformation", False),
        (16, "filter", "transformation", False),
        (17, "filter", "transformation", False),
        (20, "groupBy", "transformation", True),
        (20, "agg", "transformation", False),
        (23, "withColumn", "transformation", True),
        (24, "withColumn", "transformation", True),
        (26, "join", "transformation", True),
        (27, "join", "transformation", True),
        (27, "drop", "transformation", False),
        (28, "join", "transformation", True),
        (29, "join", "transformation", True),
        (30, "join", "transformation", True),
    ],
    "findings": [
        ("AP-X01", 9),
        ("AP-X01", 10),
        ("AP-X02", 14),
        ("AP-X02", 15),
        ("AP-X02", 16),
        ("AP-X03", 20),
        ("AP-X03", 23),
        ("AP-X04", 26),
    ],
    "sources": [
        ("parquet", "/lake/users", 6),
        ("parquet", "/lake/orders", 7),
    ],
    "sinks": [
    ],
    "jobs_at_least": 3,
}
