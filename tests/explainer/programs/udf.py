# ruff: noqa
import math
import random
import uuid

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.functions import pandas_udf, udf

spark = SparkSession.builder.getOrCreate()
orders = spark.read.parquet("/lake/orders")

upper_udf = F.udf(lambda s: s.upper(), "string")
strip_udf = udf(lambda s: s.strip() if s is not None else None)


@F.udf("double")
def tax(price):
    return price * 1.19


@udf(returnType="double", useArrow=True)
def tax_arrow(price):
    return price * 1.19


@pandas_udf("double")
def tax_vectorized(price):
    return price * 1.19


@udf("double")
def log_score(x, y):
    """Weighted log score."""
    base = math.log1p(x)
    return base * y + 2


jitter = F.udf(lambda x: x + random.random(), "double")
jitter_ok = F.udf(lambda x: x + random.random(), "double").asNondeterministic()
new_id = F.udf(lambda: str(uuid.uuid4()), "string")
new_id = new_id.asNondeterministic()


@udf("boolean")
def is_vip(customer):
    return customer in VIP_CUSTOMERS


big = orders.filter(is_vip(F.col("customer")))
plain = orders.filter(F.col("amount") > 100)
labelled = orders.withColumn("vip", is_vip("customer"))
joined = orders.join(orders.alias("o2"), is_vip(orders.customer))

EXPECTED = {
    "operations": [
        (11, "read.parquet", "transformation", False),
        (50, "filter", "transformation", False),
        (51, "filter", "transformation", False),
        (52, "withColumn", "transformation", False),
        (53, "alias", "transformation", False),
        (53, "join", "transformation", True),
    ],
    "findings": [
        ("AP-U01", 13), ("AP-U01", 14), ("AP-U03", 17), ("AP-U03", 32), ("AP-U02", 39),
        ("AP-U04", 50), ("AP-U04", 53), ("AP-S09", 53),
    ],
    "sources": [("parquet", "/lake/orders", 11)],
    "sinks": [],
    "jobs_at_least": 1,
}
