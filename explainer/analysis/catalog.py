"""What each PySpark method is: transformation or action, narrow or wide (shuffling)."""

from __future__ import annotations

# DataFrame methods returning a DataFrame. Value: True when the method shuffles.
DATAFRAME_TRANSFORMATIONS: dict[str, bool] = {
    **dict.fromkeys(
        [
            "select", "selectExpr", "filter", "where", "withColumn", "withColumns",
            "withColumnRenamed", "withColumnsRenamed", "withMetadata", "drop", "toDF", "alias",
            "limit", "offset", "sample", "union", "unionAll", "unionByName", "coalesce", "cache",
            "persist", "unpersist", "hint", "withWatermark", "transform", "sortWithinPartitions",
            "localCheckpoint", "createOrReplaceTempView", "createTempView", "createGlobalTempView",
            "createOrReplaceGlobalTempView", "mapInPandas", "mapInArrow", "dropna", "fillna",
            "replace", "na", "explode", "melt", "unpivot", "to", "colRegex", "observe",
            "randomSplit", "asTable",
        ],
        False,
    ),
    **dict.fromkeys(
        [
            "groupBy", "groupby", "rollup", "cube", "groupingSets", "agg", "join", "crossJoin",
            "distinct", "dropDuplicates", "drop_duplicates", "dropDuplicatesWithinWatermark",
            "orderBy", "sort", "repartition", "repartitionByRange", "intersect", "intersectAll",
            "subtract", "exceptAll", "describe", "summary", "lateralJoin",
        ],
        True,
    ),
}

DATAFRAME_ACTIONS = frozenset(
    [
        "collect", "count", "show", "take", "first", "head", "tail", "toPandas", "toArrow",
        "toLocalIterator", "foreach", "foreachPartition", "isEmpty", "checkpoint", "display",
    ]
)

# Methods of GroupedData; all produce a DataFrame after the groupBy shuffle.
GROUPED_METHODS = frozenset(
    [
        "agg", "count", "sum", "avg", "mean", "min", "max", "pivot", "apply", "applyInPandas",
        "applyInArrow", "cogroup", "applyInPandasWithState", "transformWithStateInPandas",
    ]
)

RDD_TRANSFORMATIONS: dict[str, bool] = {
    **dict.fromkeys(
        [
            "map", "flatMap", "filter", "mapPartitions", "mapPartitionsWithIndex", "mapValues",
            "flatMapValues", "keys", "values", "union", "zip", "zipWithIndex", "zipWithUniqueId",
            "sample", "glom", "keyBy", "coalesce", "cache", "persist", "unpersist", "pipe",
            "setName", "localCheckpoint", "toDF",
        ],
        False,
    ),
    **dict.fromkeys(
        [
            "groupByKey", "reduceByKey", "aggregateByKey", "combineByKey", "foldByKey",
            "sortByKey", "sortBy", "join", "leftOuterJoin", "rightOuterJoin", "fullOuterJoin",
            "cogroup", "groupWith", "cartesian", "distinct", "repartition", "partitionBy",
            "subtractByKey", "subtract", "intersection", "groupBy",
            "repartitionAndSortWithinPartitions",
        ],
        True,
    ),
}

RDD_ACTIONS = frozenset(
    [
        "collect", "count", "take", "first", "reduce", "fold", "aggregate", "foreach",
        "foreachPartition", "saveAsTextFile", "saveAsPickleFile", "saveAsSequenceFile",
        "saveAsHadoopFile", "saveAsNewAPIHadoopFile", "countByKey", "countByValue", "collectAsMap",
        "top", "takeOrdered", "takeSample", "sum", "mean", "max", "min", "stdev", "variance",
        "sampleStdev", "sampleVariance", "stats", "isEmpty", "lookup", "histogram",
        "toLocalIterator", "checkpoint", "treeReduce", "treeAggregate",
    ]
)

READER_FORMATS = frozenset([
    "csv", "json", "parquet", "orc", "text", "avro", "table", "jdbc", "load", "xml", "delta",
])
READER_SETTERS = frozenset(["format", "option", "options", "schema"])
WRITER_TERMINALS = frozenset(
    ["save", "parquet", "csv", "json", "orc", "text", "saveAsTable", "insertInto", "jdbc", "xml"]
)
WRITER_SETTERS = frozenset(
    [
        "mode", "format", "option", "options", "partitionBy", "bucketBy", "sortBy", "outputMode",
        "trigger", "queryName", "foreachBatch", "foreach", "clusterBy",
    ]
)
STREAM_TERMINALS = frozenset({"start", "toTable"})

# Bounded results: nothing after these can exceed the bound.
BOUNDING_METHODS = frozenset({"limit", "take", "head", "first", "tail", "sample"})

AGGREGATE_FUNCTIONS = frozenset(
    [
        "count", "sum", "avg", "mean", "min", "max", "countDistinct", "count_distinct",
        "approx_count_distinct", "approxCountDistinct", "first", "last", "collect_list",
        "collect_set", "stddev", "stddev_pop", "stddev_samp", "variance", "var_pop", "var_samp",
        "corr", "covar_pop", "covar_samp", "kurtosis", "skewness", "percentile_approx",
        "percentile", "median", "mode", "sum_distinct", "sumDistinct", "max_by", "min_by",
        "any_value", "bool_and", "bool_or", "every", "some", "count_if", "first_value",
        "last_value",
    ]
)

SPARK_FUNCTION_NAMES = frozenset(
    [
        "col", "column", "lit", "expr", "when", "coalesce", "broadcast", "udf", "pandas_udf",
        "struct", "array", "create_map", "concat", "concat_ws", "upper", "lower", "trim", "ltrim",
        "rtrim", "length", "substring", "regexp_replace", "regexp_extract", "split", "to_date",
        "to_timestamp", "date_format", "current_date", "current_timestamp", "year", "month",
        "dayofmonth", "hour", "datediff", "date_add", "date_sub", "round", "abs", "sqrt", "exp",
        "log", "floor", "ceil", "isnull", "isnan", "desc", "asc", "row_number", "rank",
        "dense_rank", "lag", "lead", "ntile", "explode", "explode_outer", "posexplode",
        "from_json", "to_json", "get_json_object", "md5", "sha2", "hash",
        "monotonically_increasing_id", "rand", "randn", "window", "input_file_name", "nanvl",
        "greatest", "least", "format_string", "lpad", "rpad", "initcap", "translate", "size",
        "array_contains", "element_at", "sort_array", "cast",
    ]
) | AGGREGATE_FUNCTIONS

RDD_ONLY = frozenset(
    [
        "map", "flatMap", "mapValues", "flatMapValues", "reduceByKey", "groupByKey",
        "aggregateByKey", "combineByKey", "foldByKey", "sortByKey", "keys", "values", "keyBy",
        "glom", "zipWithIndex", "reduce", "fold", "aggregate", "saveAsTextFile", "countByKey",
        "countByValue", "collectAsMap", "lookup", "mapPartitionsWithIndex",
    ]
)
