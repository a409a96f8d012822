# ruff: noqa
import pyspark.sql.functions as f
from pyspark.sql import SparkSession
from pyspark.sql.functions import *

spark = SparkSession.builder.appName("constructs").getOrCreate()
TABLE = "sales.orders"
day = "2024-01-01"

orders = spark.read \
    .format("parquet") \
    .load("/lake/orders")
orders = orders.filter(f.col("amount") > 0)
orders = (orders
          .withColumn("day", to_date(col("ts")))
          .select("id", "day", "amount"))


def add_tax(frame, rate):
    return frame.withColumn("gross", col("amount") * (1 + rate))


def only_recent(df):
    return df.where(col("day") >= "2024-01-01")


taxed = add_tax(orders, 0.2)
recent = taxed.transform(only_recent)
if day:
    chosen = recent.filter(col("amount") > 100)
else:
    chosen = recent.filter(col("amount") > 10)
chosen.createOrReplaceTempView("chosen")

static = spark.sql(f"SELECT day, SUM(gross) AS total FROM chosen WHERE day >= '{day}' GROUP BY day")
joined = spark.sql("SELECT o.id, c.name FROM " + TABLE + " o JOIN crm.customers c ON o.cid = c.id")
templated = spark.sql("SELECT * FROM {} LIMIT 10".format(TABLE))
ranked = spark.sql("SELECT id, rank() OVER (ORDER BY gross DESC) AS r FROM chosen")


def lookup(country):
    return spark.sql(f"SELECT * FROM customers WHERE country = '{country}'")


static.write.mode("overwrite").partitionBy("day").parquet("/mart/daily")
spark.sql("INSERT OVERWRITE TABLE mart.ranked SELECT id, r FROM ranked_view")

EXPECTED = {
    "operations": [
        (12, "read.load", "transformation", False),
        (13, "filter", "transformation", False),
        (15, "withColumn", "transformation", False),
        (16, "select", "transformation", False),
        (20, "withColumn", "transformation", False),
        (24, "where", "transformation", False),
        (30, "filter", "transformation", False),
        (32, "filter", "transformation", False),
        (33, "createOrReplaceTempView", "transformation", False),
        (35, "sql", "transformation", True),
        (36, "sql", "transformation", True),
        (37, "sql", "transformation", False),
        (38, "sql", "transformation", True),
        (45, "write.parquet", "action", False),
        (46, "sql", "action", False),
        (42, "sql", "transformation", False),
    ],
    "findings": [
        ("AP-S05", 38),
        ("AP-IO04", 42),
    ],
    "sources": [
        ("parquet", "/lake/orders", 12),
        ("table", "sales.orders", 36),
        ("table", "crm.customers", 36),
        ("table", "sales.orders", 37),
        ("table", "ranked_view", 46),
    ],
    "sinks": [
        ("parquet", "/mart/daily", 45, "overwrite"),
        ("table", "mart.ranked", 46, "overwrite"),
    ],
    "jobs_at_least": 3,
}
