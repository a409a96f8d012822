"""Severity, message and fix of every rule in shared/antipatterns.md (ids are stable)."""

from __future__ import annotations

from typing import NamedTuple


class Rule(NamedTuple):
    severity: str
    title: str
    message: str
    fix: str


RULES: dict[str, Rule] = {
    "AP-D01": Rule(
        "high",
        "collect() without a bound",
        "collect() brings every row to the driver; on real data this runs the driver "
        "out of memory.",
        "Bound it (df.limit(n).collect() or take(n)), write the result out, or "
        "iterate with toLocalIterator().",
    ),
    "AP-D02": Rule(
        "high",
        "toPandas() without a bound",
        "toPandas() copies every row into driver memory and then into pandas.",
        "Use df.limit(n).toPandas() and enable spark.sql.execution.arrow.pyspark.enabled.",
    ),
    "AP-D03": Rule(
        "medium",
        "count() used as an emptiness check",
        "count() scans all the data just to learn whether there is any row.",
        "Use df.isEmpty() (Spark 3.3+) or len(df.take(1)) == 0.",
    ),
    "AP-D04": Rule(
        "high",
        "Spark action inside a Python loop",
        "This action runs once per loop iteration, each time recomputing the whole "
        "lineage (including the reads) unless it is cached.",
        "Compute all values in one job (groupBy(...).agg(...), or one write with "
        "partitionBy), or cache the shared input before the loop.",
    ),
    "AP-D05": Rule(
        "low",
        "show()/display() left in production code",
        "show()/display() runs a job whose output nobody downstream uses.",
        "Remove it, or guard it behind a debug flag.",
    ),
    "AP-D06": Rule(
        "high",
        "Driver-side aggregation of collected rows",
        "Rows are collected to the driver only to be aggregated or filtered in Python.",
        "Aggregate in Spark, e.g. df.agg(F.sum('amount')).first()[0], or filter before collecting.",
    ),
    "AP-S01": Rule(
        "high",
        "repartition(1) / coalesce(1)",
        "All data goes through one task: no parallelism, spills or out-of-memory on big data.",
        "Write in parallel; if a single file is required keep it small or merge "
        "afterwards; bound file size with maxRecordsPerFile.",
    ),
    "AP-S02": Rule(
        "medium",
        "Global sort without limit",
        "A global sort is a range-partitioned shuffle plus a sampling job, and its "
        "order is not kept or needed by what consumes it.",
        "Drop the sort, use sortWithinPartitions(), or orderBy(...).limit(n) for a top-N.",
    ),
    "AP-S03": Rule(
        "high",
        "RDD groupByKey followed by a per-key reduction",
        "groupByKey ships every value over the network and holds each group in "
        "memory before it is reduced.",
        "Use reduceByKey / aggregateByKey, which combine on the map side.",
    ),
    "AP-S04": Rule(
        "high",
        "Cartesian product",
        "This produces |A| x |B| rows; a missing join key is the usual cause.",
        "Join on a key: a.join(b, 'key', how='inner'); keep crossJoin for tiny, intentional grids.",
    ),
    "AP-S05": Rule(
        "high",
        "Window without partitionBy",
        "A window without partitionBy moves all rows into a single partition.",
        "Add partitionBy(...) to the window, or use agg() for global totals.",
    ),
    "AP-S06": Rule(
        "medium",
        "Redundant distinct/dropDuplicates around an aggregation",
        "This distinct/dropDuplicates adds a shuffle next to an aggregation that "
        "already groups the rows.",
        "Aggregate directly; use countDistinct / approx_count_distinct for distinct counts.",
    ),
    "AP-S07": Rule(
        "low",
        "Hard-coded partition count",
        "A partition count fixed in code is tuned for today's data volume.",
        "Rely on adaptive execution (spark.sql.adaptive.coalescePartitions) or "
        "derive the number from the input size or configuration.",
    ),
    "AP-S08": Rule(
        "medium",
        "Broadcast misuse",
        "The broadcast hint is on the preserved side of an outer join, so Spark "
        "ignores it and plans a sort-merge join.",
        "Broadcast the other side: big.join(F.broadcast(small), 'k', 'left').",
    ),
    "AP-S09": Rule(
        "medium",
        "Join with no equality predicate",
        "Without an equality key Spark falls back to a nested-loop or cartesian "
        "join (|A| x |B| comparisons).",
        "Add an equality key (for example a date or bucket column) to the "
        "condition, or bin ranges into keys.",
    ),
    "AP-U01": Rule(
        "high",
        "Python UDF re-implementing a built-in",
        "This UDF does what a built-in function does, but row by row in Python and "
        "invisible to the optimizer.",
        "Use the built-in from pyspark.sql.functions (upper, trim, length, "
        "regexp_replace, to_date, round, abs, ...).",
    ),
    "AP-U02": Rule(
        "high",
        "Non-deterministic UDF not marked asNondeterministic()",
        "The UDF uses randomness or the clock, but Spark assumes UDFs are "
        "deterministic and may call it more or fewer times than written.",
        "Call .asNondeterministic() on the UDF, or use F.rand() / F.current_timestamp().",
    ),
    "AP-U03": Rule(
        "medium",
        "Row-at-a-time Python UDF where a vectorized UDF fits",
        "This numeric UDF pickles one row at a time; a pandas/Arrow UDF processes batches.",
        "Use @F.pandas_udf on pd.Series, or F.udf(..., useArrow=True), or a column expression.",
    ),
    "AP-U04": Rule(
        "medium",
        "UDF inside a filter or join condition",
        "A UDF in a predicate cannot be pushed down and is evaluated in Python for every row.",
        "Express the condition with built-in column functions.",
    ),
    "AP-IO01": Rule(
        "medium",
        "Schema inference on read",
        "Schema inference reads the input an extra time before the real job, and "
        "inferred types can drift between runs.",
        "Give the schema: spark.read.schema(schema).csv(path, header=True).",
    ),
    "AP-IO02": Rule(
        "low",
        "select('*') / no column pruning",
        "Selecting every column gives no schema contract and reads columns that are not needed.",
        "Select the columns you need by name.",
    ),
    "AP-IO03": Rule(
        "medium",
        "Write without explicit mode",
        "The default save mode is errorifexists: the job fails on every re-run.",
        "Set the mode: df.write.mode('overwrite') (or 'append' deliberately).",
    ),
    "AP-IO04": Rule(
        "medium",
        "SQL text built by string interpolation",
        "SQL built from runtime values is open to injection and hides lineage.",
        "Use parameters: spark.sql('... WHERE c = :c', args={'c': value}).",
    ),
    "AP-IO05": Rule(
        "high",
        "union() of DataFrames with different column order",
        "union() matches columns by position, and these two sides list the same "
        "columns in a different order, so values land in the wrong columns.",
        "Use unionByName() (allowMissingColumns=True if needed).",
    ),
    "AP-IO06": Rule(
        "medium",
        "JDBC read without partitioning",
        "A plain JDBC read uses one connection and one task for the whole table.",
        "Give column/lowerBound/upperBound/numPartitions (or predicates=).",
    ),
    "AP-C01": Rule(
        "medium",
        "cache()/persist() never released",
        "Cached blocks hold executor memory until the session ends.",
        "Call unpersist() when the data is no longer needed (try/finally).",
    ),
    "AP-C02": Rule(
        "low",
        "cache() on a DataFrame consumed once",
        "Caching costs a materialisation and memory, but this data is used by a single action.",
        "Remove the cache().",
    ),
    "AP-C03": Rule(
        "medium",
        "DataFrame reused by several actions without cache",
        "Several actions use this DataFrame, and each recomputes its lineage, shuffles included.",
        "persist() it before the first action and unpersist() after the last.",
    ),
    "AP-R01": Rule(
        "medium",
        "RDD API where the DataFrame API fits",
        "RDD lambdas run in Python workers and bypass the optimizer.",
        "Use DataFrame column expressions, or spark.read with a schema for CSV/JSON.",
    ),
    "AP-R02": Rule(
        "medium",
        "df.rdd round-trip for an operation the DataFrame has",
        "Going through .rdd converts every row to a Python object first.",
        "Call the DataFrame method directly (isEmpty(), count(), take(), ...).",
    ),
    "AP-L01": Rule(
        "high",
        "withColumn()/withColumnRenamed() in a loop",
        "Each iteration adds a projection to an ever-growing plan (slow analysis, "
        "possible StackOverflowError).",
        "Build all columns at once: df.withColumns({...}) or a single select().",
    ),
    "AP-L02": Rule(
        "high",
        "Iterative union/join in a loop without checkpoint",
        "The plan and lineage grow with every iteration.",
        "Collect the parts in a list and reduce(DataFrame.unionByName, parts) "
        "once, or localCheckpoint() every few iterations.",
    ),
    "AP-ST01": Rule(
        "high",
        "Streaming query without checkpointLocation",
        "Without a checkpoint the query cannot recover offsets or state after a restart.",
        "Add .option('checkpointLocation', '/checkpoints/<query>') before start().",
    ),
    "AP-ST02": Rule(
        "high",
        "Stateful streaming operation without watermark",
        "This streaming aggregation/deduplication/join keeps state forever.",
        "Add withWatermark('event_time', '1 hour') before it (or dropDuplicatesWithinWatermark).",
    ),
    "AP-ST03": Rule(
        "high",
        "Batch action on a streaming DataFrame",
        "Batch actions on a readStream DataFrame fail with AnalysisException.",
        "Use writeStream (foreachBatch for batch logic) or a memory sink.",
    ),
    "AP-X01": Rule(
        "high",
        "Column compared with None",
        "Comparing a column with None is NULL for every row, so the filter "
        "silently matches nothing.",
        "Use .isNull() / .isNotNull().",
    ),
    "AP-X02": Rule(
        "high",
        "Boolean operator precedence on Columns",
        "Python's and/or/not, or & and | without parentheses around comparisons, "
        "do not build the intended Column condition and fail at runtime.",
        "Use & | ~ with each comparison in parentheses: (a > 5) & (b < 20).",
    ),
    "AP-X03": Rule(
        "medium",
        "first()/last() without a deterministic order",
        "The row first()/last() picks depends on partitioning and shuffle order.",
        "Use F.min_by / F.max_by with an ordering column, or an ordered window.",
    ),
    "AP-X04": Rule(
        "medium",
        "Join on an expression with same-named keys",
        "Joining with a.k == b.k keeps both k columns: later references are "
        "ambiguous and writes fail.",
        "Join on the name: a.join(b, on='k'), or drop/select one side's column.",
    ),
}

SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}
