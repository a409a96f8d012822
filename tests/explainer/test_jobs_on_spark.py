"""Settle the job labels with real Spark: the analyser's "at least N jobs" is never above what
Spark runs, and it names a hidden job exactly where Spark runs one without any action (checked on
Spark 4.3: a CSV read without a schema runs 1 job, inferSchema 1 more, a JSON read 1, RDD sortBy 2,
createDataFrame(rdd) without a DDL schema 1 or more).

Each case is a small function: the analyser reads its source (it never runs it), then the test
runs the same function on the shared session and counts the jobs in its job group.
"""

from __future__ import annotations

import inspect
import textwrap

import pytest

from explainer.analysis import analyse


def csv_with_header(spark, path):
    return spark.read.csv(path, header=True)


def csv_with_inferred_schema(spark, path):
    return spark.read.csv(path, header=True, inferSchema=True)


def csv_with_schema(spark, path):
    return spark.read.schema("k INT, v INT").csv(path, header=True)


def json_without_schema(spark, path):
    return spark.read.json(path)


def rdd_sorted(spark, path):
    return spark.sparkContext.parallelize([(2, "b"), (1, "a")], 2).sortBy(lambda kv: kv[0])


def dataframe_from_rdd(spark, path):
    return spark.createDataFrame(spark.sparkContext.parallelize([(1, "a")]), ["k", "v"])


def dataframe_from_rdd_with_ddl(spark, path):
    return spark.createDataFrame(spark.sparkContext.parallelize([(1, "a")]), "k INT, v STRING")


def pivot_without_values(spark, path):
    return spark.read.schema("k INT, v INT").csv(path, header=True).groupBy("k").pivot("v")


def pivot_with_values(spark, path):
    return spark.read.schema("k INT, v INT").csv(path, header=True).groupBy("k").pivot("v", [2])


def grouped_count(spark, path):
    return spark.read.schema("k INT, v INT").csv(path, header=True).groupBy("k").count().collect()


CASES = [
    csv_with_header,
    csv_with_inferred_schema,
    csv_with_schema,
    json_without_schema,
    rdd_sorted,
    dataframe_from_rdd,
    dataframe_from_rdd_with_ddl,
    pivot_without_values,
    pivot_with_values,
    grouped_count,
]


@pytest.fixture(scope="module")
def data_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("explainer-jobs")
    (folder / "a.csv").write_text("k,v\n1,2\n3,4\n")
    (folder / "a.json").write_text('{"k": 1, "v": 2}\n')
    return folder


def jobs_spark_runs(spark, case, path) -> int:
    context = spark.sparkContext
    group = f"explainer-{case.__name__}"
    context.setJobGroup(group, group)
    try:
        case(spark, str(path))
    finally:
        context.setLocalProperty("spark.jobGroup.id", None)
    return len(context.statusTracker().getJobIdsForGroup(group))


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_analyser_job_lower_bound_matches_what_spark_runs(spark, data_files, case):
    source = textwrap.dedent(inspect.getsource(case))
    path = data_files / ("a.json" if "json" in case.__name__ else "a.csv")

    document = analyse(source)
    ran = jobs_spark_runs(spark, case, path)

    claimed = document["jobs"]["at_least"]
    assert ran >= claimed  # a lower bound is never above what Spark does
    assert (ran == 0) == (claimed == 0)  # and says "no job" exactly when none runs
