# ruff: noqa
OUTPUT = "/mart/revenue"


def load(spark, name):
    return spark.read.schema("id INT, customer_id INT, amount DOUBLE, name STRING").parquet(
        f"/lake/{name}")


def save(df, path=OUTPUT):
    df.write.mode("overwrite").parquet(path)
