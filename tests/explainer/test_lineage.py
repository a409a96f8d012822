"""Sources, sinks, table-level edges and column-level edges."""

from __future__ import annotations

from explainer.analysis import analyse

JOB = """\
from pyspark.sql import functions as F
orders = spark.read.option("header", "true").schema("id INT, amount DOUBLE, day STRING").csv(
    "/lake/orders.csv")
daily = orders.withColumn("gross", F.col("amount") * 1.2).groupBy("day").agg(
    F.sum("gross").alias("revenue"))
daily.write.mode("overwrite").partitionBy("day").parquet("/mart/daily")
"""


def test_source_and_sink_records_carry_format_location_options_mode_and_partitioning():
    document = analyse(JOB)

    (source,) = document["sources"]
    (sink,) = document["sinks"]
    assert (source["format"], source["path_or_table"], source["line"]) == (
        "csv",
        "/lake/orders.csv",
        2,
    )
    assert source["options"] == {"header": "true"}
    assert (sink["format"], sink["path_or_table"], sink["line"], sink["mode"]) == (
        "parquet",
        "/mart/daily",
        6,
        "overwrite",
    )
    assert sink["partition_by"] == ["day"]


def test_table_lineage_links_each_sink_to_the_sources_it_depends_on():
    document = analyse(JOB)

    assert [(e["from"], e["to"]) for e in document["lineage"]["tables"]] == [
        ("/lake/orders.csv", "/mart/daily")
    ]


def test_column_lineage_follows_with_column_and_aggregation_expressions():
    document = analyse(JOB)

    edges = [(c["column"], c["from"]) for c in document["lineage"]["columns"]]
    assert edges == [("gross", ["amount"]), ("revenue", ["gross"])]


def test_secret_looking_options_are_masked():
    source = (
        "spark.read.format('jdbc').option('url', 'jdbc:x').option('password', 'hunter2')"
        ".option('dbtable', 't').load()\n"
    )

    (source_record,) = analyse(source)["sources"]

    assert source_record["options"]["password"] == "***"
    assert source_record["path_or_table"] == "t"
