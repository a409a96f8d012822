# ruff: noqa
from pyspark.sql import DataFrame
from pyspark.sql import functions as F


def clean(df: DataFrame) -> DataFrame:
    return df.dropna(subset=["id"]).withColumn("name", F.trim("name"))


def totals(orders: DataFrame, customers: DataFrame) -> DataFrame:
    joined = orders.join(customers, "customer_id")
    return joined.groupBy("country").agg(F.sum("amount").alias("revenue"))
