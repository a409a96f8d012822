"""Stages cut at shuffles, and jobs counted as a lower bound with named hidden jobs."""

from __future__ import annotations

from explainer.analysis import analyse

JOB = """\
orders = spark.read.schema("id INT, k INT, v INT").parquet("/lake/orders")
small = spark.read.schema("k INT, name STRING").parquet("/lake/small")
clean = orders.filter("v > 0")
joined = clean.join(small, "k")
totals = joined.groupBy("k").count()
totals.write.mode("overwrite").parquet("/out/totals")
"""


def test_each_shuffle_starts_a_new_stage_and_narrow_operations_stay_in_place():
    document = analyse(JOB)

    stages = [(s["operations"], s["parents"], s["starts_with"]) for s in document["stages"]]
    assert stages == [
        ([1, 3], [], "source"),
        ([2], [], "source"),
        ([4], [1, 2], "shuffle"),
        ([5, 6, 7], [3], "shuffle"),
    ]


def test_broadcast_join_stays_in_the_stage_of_its_streamed_side():
    source = JOB.replace('clean.join(small, "k")', 'clean.join(F.broadcast(small), "k")')
    source = "from pyspark.sql import functions as F\n" + source

    document = analyse(source)

    join = next(op for op in document["operations"] if op["method"] == "join")
    read = document["operations"][0]
    assert join["shuffle"] is False
    assert join["stage"] == read["stage"]


def test_union_of_two_narrow_branches_is_one_stage():
    source = (
        "a = spark.read.parquet('/a')\nb = spark.read.parquet('/b')\n"
        "a.union(b).write.mode('overwrite').parquet('/o')\n"
    )

    document = analyse(source)

    assert len(document["stages"]) == 1


def test_jobs_are_at_least_one_per_action_plus_named_hidden_jobs():
    source = (
        "df = spark.read.csv('/in.csv', header=True, inferSchema=True)\ndf.count()\ndf.show()\n"
    )

    jobs = analyse(source)["jobs"]

    assert [a["line"] for a in jobs["actions"]] == [2, 3]
    assert [(h["line"], h["at_least"]) for h in jobs["hidden"]] == [(1, 1), (1, 1)]
    assert jobs["at_least"] == 4


def test_rdd_sort_by_counts_its_sampling_jobs_where_it_is_declared():
    jobs = analyse("r = sc.parallelize([3, 1, 2]).sortBy(lambda x: x)\n")["jobs"]

    assert [(h["method"], h["at_least"]) for h in jobs["hidden"]] == [("sortBy", 2)]
    assert jobs["at_least"] == 2


def test_action_inside_a_loop_is_marked_as_repeating():
    source = "df = spark.read.parquet('/x')\nfor i in range(3):\n    df.count()\n"

    jobs = analyse(source)["jobs"]

    assert jobs["actions"][0]["in_loop"] is True
