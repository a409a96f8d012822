"""spark.sql: views mapped back to DataFrames, tables, writes, and facts the rules use."""

from __future__ import annotations

from explainer.analysis import analyse
from explainer.analysis.sql import analyse_sql


def test_temp_view_links_the_query_to_the_dataframe_that_made_it():
    source = (
        "orders = spark.read.parquet('/lake/orders')\n"
        "orders.createOrReplaceTempView('orders_v')\n"
        "totals = spark.sql('SELECT id, SUM(amount) AS total FROM orders_v GROUP BY id')\n"
    )

    document = analyse(source)

    sql = document["operations"][-1]
    view = document["operations"][1]
    assert (sql["method"], sql["inputs"], sql["shuffle"]) == ("sql", [view["id"]], True)
    assert [s["path_or_table"] for s in document["sources"]] == ["/lake/orders"]


def test_insert_statement_is_an_action_and_a_sink_with_its_mode():
    document = analyse("spark.sql('INSERT INTO mart.t SELECT * FROM raw.t')\n")

    assert document["operations"][0]["kind"] == "action"
    assert [(s["path_or_table"], s["mode"]) for s in document["sinks"]] == [("mart.t", "append")]
    assert [s["path_or_table"] for s in document["sources"]] == ["raw.t"]


def test_constant_f_string_is_resolved_and_not_reported_as_interpolation():
    source = "TABLE = 'sales'\nspark.sql(f'SELECT * FROM {TABLE} LIMIT 5').show()\n"

    document = analyse(source)

    assert [s["path_or_table"] for s in document["sources"]] == ["sales"]
    assert "AP-IO04" not in {f["rule"] for f in document["findings"]}


def test_runtime_value_in_sql_text_is_reported_at_the_sql_call():
    source = (
        "import sys\ncountry = sys.argv[1]\nq = 'SELECT * FROM t WHERE c = ' + country\n\n"
        "spark.sql(q).show()\n"
    )

    document = analyse(source)

    assert ("AP-IO04", 5) in {(f["rule"], f["line"]) for f in document["findings"]}


def test_window_without_partition_by_in_sql_is_reported():
    document = analyse("spark.sql('SELECT id, rank() OVER (ORDER BY x) FROM t').show()\n")

    assert ("AP-S05", 1) in {(f["rule"], f["line"]) for f in document["findings"]}


def test_select_star_feeding_a_sink_is_reported_but_not_when_pruned_first():
    star = "spark.sql('SELECT * FROM raw.t').write.mode('overwrite').parquet('/o')\n"
    pruned = "spark.sql('SELECT * FROM raw.t').select('a').write.mode('overwrite').parquet('/o')\n"

    assert "AP-IO02" in {f["rule"] for f in analyse(star)["findings"]}
    assert "AP-IO02" not in {f["rule"] for f in analyse(pruned)["findings"]}


def test_sql_column_lineage_resolves_table_aliases():
    facts = analyse_sql(
        "SELECT o.id, c.name AS customer FROM shop.orders o JOIN crm.customers c ON o.cid = c.id"
    )

    assert facts["column_exprs"] == [
        ("id", ["shop.orders.id"], "o.id"),
        ("customer", ["crm.customers.name"], "c.name AS customer"),
    ]


def test_unparseable_sql_is_kept_as_an_unknown_query():
    facts = analyse_sql("SELECT FROM WHERE (((")

    assert facts["known"] is False
    assert facts["sql_error"]


def test_global_aggregate_query_counts_as_bounded_for_collect():
    document = analyse("rows = spark.sql('SELECT count(*) FROM t').collect()\n")

    assert "AP-D01" not in {f["rule"] for f in document["findings"]}


def test_column_lineage_traces_through_common_table_expressions():
    facts = analyse_sql("WITH t AS (SELECT a, b FROM raw.x) SELECT a + b AS s FROM t")

    assert [(name, sources) for name, sources, _ in facts["column_exprs"]] == [
        ("s", ["raw.x.a", "raw.x.b"])
    ]


def test_sql_built_by_joining_literal_names_is_resolved():
    source = (
        "cols = ', '.join(['a', 'b'])\n"
        "spark.sql(f'SELECT {cols} FROM raw.t').write.mode('append').saveAsTable('o')\n"
    )

    document = analyse(source)

    assert [s["path_or_table"] for s in document["sources"]] == ["raw.t"]
    assert "AP-IO04" not in {f["rule"] for f in document["findings"]}
