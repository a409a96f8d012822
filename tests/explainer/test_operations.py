"""How operations are found: import styles, chains, branches, helpers and loops."""

from __future__ import annotations

import pytest

from explainer.analysis import analyse


def methods(source: str) -> list[tuple[int, str]]:
    return [(op["line"], op["method"]) for op in analyse(source)["operations"]]


def rules(source: str) -> set[tuple[str, int]]:
    return {(f["rule"], f["line"]) for f in analyse(source)["findings"]}


@pytest.mark.parametrize(
    "imports, call",
    [
        ("import pyspark.sql.functions as f", "f.col('a')"),
        ("from pyspark.sql import functions as F", "F.col('a')"),
        ("from pyspark.sql.functions import *", "col('a')"),
        ("from pyspark.sql.functions import col as c", "c('a')"),
        ("import pyspark.sql.functions", "pyspark.sql.functions.col('a')"),
    ],
)
def test_every_import_style_of_functions_resolves_columns(imports, call):
    source = f"{imports}\ndf = spark.read.parquet('/x')\ndf.filter({call} == None).count()\n"

    assert ("AP-X01", 3) in rules(source)


def test_a_chain_split_over_lines_reports_each_call_at_its_own_line():
    source = "(spark.read\n    .parquet('/x')\n    .groupBy('k')\n    .count()\n    .show())\n"

    assert methods(source) == [(2, "read.parquet"), (3, "groupBy"), (4, "count"), (5, "show")]


def test_a_chain_continued_with_backslashes_keeps_attribute_lines():
    source = "df = spark.read \\\n    .parquet('/x') \\\n    .distinct()\n"

    assert methods(source) == [(2, "read.parquet"), (3, "distinct")]


def test_both_branches_of_an_if_feed_what_follows():
    source = (
        "df = spark.read.parquet('/x')\nif flag:\n    df = df.filter('a > 1')\n"
        "else:\n    df = df.filter('a < 1')\ndf.count()\n"
    )

    document = analyse(source)

    count = document["operations"][-1]
    assert count["inputs"] == [2, 3]


def test_dataframe_passed_through_a_helper_keeps_its_lineage():
    source = (
        "def clean(frame):\n    return frame.dropDuplicates()\n"
        "raw = spark.read.parquet('/x')\nclean(raw).write.mode('append').parquet('/y')\n"
    )

    document = analyse(source)

    assert [op["inputs"] for op in document["operations"]] == [[], [1], [2]]


def test_transform_with_a_lambda_and_extra_arguments_is_followed():
    source = (
        "def scale(df, factor):\n    return df.withColumn('x', df.x * factor)\n"
        "spark.read.parquet('/x').transform(scale, 2).transform(lambda d: d.limit(5))"
        ".show()\n"
    )

    assert methods(source) == [(3, "read.parquet"), (2, "withColumn"), (3, "limit"), (3, "show")]


def test_iterating_over_collected_rows_is_not_an_action_in_a_loop():
    source = "for row in spark.read.parquet('/x').limit(5).collect():\n    print(row)\n"

    assert not {rule for rule, _ in rules(source)} & {"AP-D04", "AP-D01"}


def test_while_condition_runs_its_action_every_iteration():
    source = "df = spark.read.parquet('/x')\nwhile df.count() > 0:\n    df = df.limit(1)\n"

    assert {("AP-D04", 2), ("AP-D03", 2)} <= rules(source)


def test_summing_in_a_loop_over_collected_rows_is_driver_side_aggregation():
    source = "total = 0\nfor row in spark.read.parquet('/x').collect():\n    total += row.amount\n"

    assert ("AP-D06", 2) in rules(source)


def test_uncalled_helper_with_a_dataframe_annotation_is_still_analysed():
    source = (
        "from pyspark.sql import DataFrame\n\n"
        "def report(orders: DataFrame) -> None:\n    orders.toPandas()\n"
    )

    assert ("AP-D02", 4) in rules(source)


def test_pandas_code_produces_no_spark_operations():
    source = (
        "import pandas as pd\n\ndef tidy(df: pd.DataFrame):\n"
        "    return df.dropna().sort_values('a').groupby('k').count()\n"
        "frame = pd.read_csv('x.csv')\nframe.to_csv('y.csv')\n"
    )

    assert methods(source) == []


def test_hint_broadcast_makes_the_join_narrow():
    source = (
        "a = spark.read.parquet('/a')\nb = spark.read.parquet('/b')\n"
        "a.join(b.hint('broadcast'), 'k').count()\n"
    )

    join = next(op for op in analyse(source)["operations"] if op["method"] == "join")

    assert join["shuffle"] is False


def test_window_function_in_select_is_a_shuffle():
    source = (
        "from pyspark.sql import Window, functions as F\n"
        "w = Window.partitionBy('k').orderBy('t')\n"
        "spark.read.parquet('/x').select('k', F.rank().over(w).alias('r')).count()\n"
    )

    select = next(op for op in analyse(source)["operations"] if op["method"] == "select")

    assert select["shuffle"] is True
