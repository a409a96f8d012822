"""Clickstream sessions: a structured streaming job counting page views per user."""

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

spark = SparkSession.builder.appName("clickstream").getOrCreate()

clicks = (
    spark.readStream.format("kafka")
    .option("kafka.bootstrap.servers", "broker:9092")
    .option("subscribe", "clicks")
    .load()
    .select(F.from_json(F.col("value").cast("string"), "user_id STRING, page STRING, ts TIMESTAMP").alias("e"))
    .select("e.*")
)

per_user = clicks.dropDuplicates(["user_id", "page"]).groupBy("user_id").count()

query = per_user.writeStream.outputMode("complete").format("console").start()
query.awaitTermination()
