# ruff: noqa
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

spark = SparkSession.builder.getOrCreate()
clicks = (
    spark.readStream.format("kafka")
    .option("kafka.bootstrap.servers", "broker:9092")
    .option("subscribe", "clicks")
    .load()
)
events = clicks.select(F.col("value").cast("string").alias("json"), F.col("timestamp"))

counts = events.groupBy("json").count()
query = counts.writeStream.outputMode("complete").format("memory").queryName("c").start()

windowed = (
    events.withWatermark("timestamp", "10 minutes")
    .groupBy(F.window("timestamp", "5 minutes"))
    .count()
)
windowed.writeStream.outputMode("append").option("checkpointLocation", "/chk/w").format(
    "parquet").start("/out/windowed")

unique = events.dropDuplicates(["json"])
print(events.count())


def write_batch(batch_df, batch_id):
    batch_df.groupBy("json").count().write.mode("append").parquet("/out/batches")
    print(batch_df.count())


events.writeStream.foreachBatch(write_batch).option("checkpointLocation", "/chk/b").start()
events.writeStream.format("delta").toTable("audit.clicks", checkpointLocation="/chk/t")

EXPECTED = {
    "operations": [
        (10, "readStream.load", "transformation", False),
        (12, "select", "transformation", False),
        (14, "groupBy", "transformation", True),
        (14, "count", "transformation", False),
        (15, "writeStream.start", "action", False),
        (18, "withWatermark", "transformation", False),
        (19, "groupBy", "transformation", True),
        (20, "count", "transformation", False),
        (23, "writeStream.start", "action", False),
        (25, "dropDuplicates", "transformation", True),
        (26, "count", "action", False),
        (34, "foreachBatch", "transformation", False),
        (30, "groupBy", "transformation", True),
        (30, "count", "transformation", False),
        (30, "write.parquet", "action", False),
        (31, "count", "action", False),
        (34, "writeStream.start", "action", False),
        (35, "writeStream.toTable", "action", False),
    ],
    "findings": [
        ("AP-ST02", 14),
        ("AP-ST01", 15),
        ("AP-ST02", 25),
        ("AP-ST03", 26),
    ],
    "sources": [
        ("kafka", "clicks", 10),
    ],
    "sinks": [
        ("memory", "c", 15, "complete"),
        ("parquet", "/out/windowed", 23, "append"),
        ("parquet", "/out/batches", 30, "append"),
        ("foreachBatch", None, 34, None),
        ("delta", "audit.clicks", 35, None),
    ],
    "jobs_at_least": 3,
}
