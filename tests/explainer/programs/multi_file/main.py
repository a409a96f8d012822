# ruff: noqa
from pyspark.sql import SparkSession

import transforms
from io_helpers import load, save

spark = SparkSession.builder.getOrCreate()
orders = transforms.clean(load(spark, "orders"))
customers = load(spark, "customers")
revenue = transforms.totals(orders, customers)
save(revenue)
revenue.show()

EXPECTED = {
    "operations": [
        ("io_helpers.py", 6, "read.parquet", "transformation", False),
        ("transforms.py", 7, "dropna", "transformation", False),
        ("transforms.py", 7, "withColumn", "transformation", False),
        ("io_helpers.py", 6, "read.parquet", "transformation", False),
        ("transforms.py", 11, "join", "transformation", True),
        ("transforms.py", 12, "groupBy", "transformation", True),
        ("transforms.py", 12, "agg", "transformation", False),
        ("io_helpers.py", 11, "write.parquet", "action", False),
        ("main.py", 12, "show", "action", False),
    ],
    "findings": [
        ("main.py", "AP-C03", 10),
        ("main.py", "AP-D05", 12),
    ],
    "sources": [
        ("parquet", "/lake/orders", 6),
        ("parquet", "/lake/customers", 6),
    ],
    "sinks": [
        ("parquet", "/mart/revenue", 11, "overwrite"),
    ],
    "jobs_at_least": 2,
}
