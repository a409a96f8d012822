"""The generated Markdown documentation and the offline narrative."""

from __future__ import annotations

from explainer.analysis import analyse, narrate, render_markdown

JOB = """\
from pyspark.sql import SparkSession, functions as F
spark = SparkSession.builder.getOrCreate()
orders = spark.read.schema("id INT, region STRING, amount DOUBLE").parquet("/lake/orders")
big = orders.filter(F.col("amount") > 100)
per_region = big.groupBy("region").agg(F.sum("amount").alias("total"))
per_region.write.mode("overwrite").parquet("/mart/per_region")
rows = per_region.collect()
"""


def test_markdown_has_every_section_with_the_analysis_content():
    markdown = render_markdown(analyse(JOB), title="Orders per region")

    for heading in (
        "# Orders per region",
        "## Purpose",
        "## Inputs",
        "## Outputs",
        "## Steps by stage",
        "## Jobs",
        "## Findings",
        "## Lineage",
    ):
        assert heading in markdown
    assert "| parquet | /lake/orders |" in markdown
    assert "| 7 | AP-D01 | high |" in markdown


def test_narrative_opens_with_the_purpose_in_plain_words():
    text = narrate(analyse(JOB))

    purpose = text.splitlines()[1]
    assert purpose.startswith("This job reads Parquet `/lake/orders`.")
    assert "aggregates" in purpose
    assert "writes Parquet `/mart/per_region`" in purpose


def test_narrative_says_where_shuffles_and_jobs_are():
    text = narrate(analyse(JOB))

    assert "shuffled across the network at line 5 (groupBy)" in text
    assert "at least 2 jobs" in text


def test_narrative_numbers_steps_by_stage():
    text = narrate(analyse(JOB))

    assert "Stage 2: after the shuffle for groupBy (line 5)" in text
    assert "1. Line 3: Read Parquet data from `/lake/orders`." in text


def test_narrative_puts_the_most_severe_finding_first():
    source = JOB + "per_region.show()\n"

    text = narrate(analyse(source))

    fixes = text.split("What to fix first\n", 1)[1].splitlines()
    assert fixes[0].startswith("1. Line 7 (high, AP-D01")
    assert any("AP-D05" in line for line in fixes[1:])


def test_narrative_of_code_without_spark_says_so():
    text = narrate(analyse("print('hello')\n"))

    assert "No Spark operations were found" in text
    assert "Nothing: no anti-patterns were found." in text


def test_narrative_mentions_code_that_could_not_be_read():
    text = narrate(analyse(JOB + "def broken(:\n"))

    assert text.startswith("Part of the code could not be read")
