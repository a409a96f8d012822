"""Targeted rule cases beyond the labelled programs: anchors, switches and precision."""

from __future__ import annotations

from explainer.analysis import analyse


def found(source: str) -> list[tuple[str, int]]:
    return sorted((f["rule"], f["line"]) for f in analyse(source)["findings"])


def test_infer_schema_given_on_its_own_line_is_reported_on_that_line():
    source = "df = spark.read.csv(\n    '/in.csv',\n    header=True,\n    inferSchema=True,\n)\n"

    assert found(source) == [("AP-IO01", 4)]


def test_streaming_checkpoint_set_in_configuration_satisfies_the_rule():
    source = (
        "spark.conf.set('spark.sql.streaming.checkpointLocation', '/chk')\n"
        "spark.readStream.format('rate').load().writeStream.format('console').start()\n"
    )

    assert "AP-ST01" not in {rule for rule, _ in found(source)}


def test_clear_cache_releases_every_cached_dataframe():
    source = (
        "a = spark.read.parquet('/a').cache()\na.count()\na.show()\nspark.catalog.clearCache()\n"
    )

    assert "AP-C01" not in {rule for rule, _ in found(source)}


def test_udf_marked_non_deterministic_on_a_later_line_is_not_reported():
    source = (
        "import random\nfrom pyspark.sql import functions as F\n"
        "noise = F.udf(lambda: random.random(), 'double')\n"
        "noise = noise.asNondeterministic()\n"
    )

    assert "AP-U02" not in {rule for rule, _ in found(source)}


def test_union_of_struct_type_schemas_in_different_order_is_reported():
    source = (
        "from pyspark.sql.types import StructType, StructField, StringType\n"
        "a = spark.createDataFrame([], StructType([StructField('x', StringType()), "
        "StructField('y', StringType())]))\n"
        "b = spark.createDataFrame([], StructType([StructField('y', StringType()), "
        "StructField('x', StringType())]))\n"
        "a.union(b).count()\n"
    )

    assert ("AP-IO05", 4) in found(source)


def test_union_with_unknown_columns_is_not_reported():
    source = "a = spark.read.parquet('/a')\nb = spark.read.parquet('/b')\na.union(b).count()\n"

    assert "AP-IO05" not in {rule for rule, _ in found(source)}


def test_drop_duplicates_on_the_grouping_keys_before_group_by_is_redundant():
    source = "df = spark.read.parquet('/x')\ndf.dropDuplicates(['k']).groupBy('k').count().show()\n"

    assert ("AP-S06", 2) in found(source)


def test_sort_in_a_streaming_query_is_not_a_batch_global_sort():
    source = (
        "s = spark.readStream.format('rate').load().withWatermark('timestamp', '1 minute')\n"
        "s.groupBy('value').count().orderBy('count').writeStream.outputMode('complete')"
        ".option('checkpointLocation', '/c').format('console').start()\n"
    )

    assert "AP-S02" not in {rule for rule, _ in found(source)}


def test_broadcast_on_the_right_of_a_right_join_is_misuse():
    source = (
        "from pyspark.sql.functions import broadcast\n"
        "a = spark.read.parquet('/a')\nb = spark.read.parquet('/b')\n"
        "a.join(broadcast(b), 'k', 'right').count()\n"
    )

    assert ("AP-S08", 4) in found(source)


def test_join_keeping_one_side_only_does_not_duplicate_columns():
    source = (
        "a = spark.read.parquet('/a')\nb = spark.read.parquet('/b')\n"
        "a.join(b, a.id == b.id, 'left_anti').count()\n"
    )

    assert "AP-X04" not in {rule for rule, _ in found(source)}


def test_count_stored_and_reused_is_not_an_emptiness_check():
    source = (
        "df = spark.read.parquet('/x')\nn = df.count()\nif n == 0:\n    raise SystemExit\n"
        "print(n)\n"
    )

    assert "AP-D03" not in {rule for rule, _ in found(source)}


def test_count_stored_and_only_tested_is_an_emptiness_check():
    source = "df = spark.read.parquet('/x')\nn = df.count()\nif n == 0:\n    raise SystemExit\n"

    assert ("AP-D03", 2) in found(source)


def test_hard_coded_shuffle_partitions_in_the_builder_is_reported_at_config():
    source = (
        "from pyspark.sql import SparkSession\nspark = (SparkSession.builder\n"
        "    .config('spark.sql.shuffle.partitions', 64)\n    .getOrCreate())\n"
    )

    assert found(source) == [("AP-S07", 3)]


def test_partition_count_from_configuration_is_not_reported():
    source = (
        "import os\nn = int(os.environ['PARTITIONS'])\n"
        "spark.conf.set('spark.sql.shuffle.partitions', n)\n"
        "spark.read.parquet('/x').repartition(n).write.mode('append').parquet('/y')\n"
    )

    assert found(source) == []
