"""Built-in transforms chained in one small pipeline, and the dirty-data generator end to end."""

import json
import logging
from io import StringIO

from lakehouse.engine import run_pipeline
from lakehouse.engine.datagen import returns_lines, write_returns_csv
from lakehouse.engine.logs import LOGGER_NAME, json_handler


def test_select_rename_cast_derive_filter_and_sql_work_together(spark, tmp_path):
    source = tmp_path / "orders.json"
    source.write_text(
        '{"id": 1, "qty": "2", "price": 3.5, "country": " de "}\n'
        '{"id": 2, "qty": "x", "price": 1.0, "country": "fr"}\n'
        '{"id": 3, "qty": "4", "price": 2.0, "country": "de"}\n'
    )
    text = f"""
    steps {{
      raw {{ type = json, path = "{source}" }}
      picked {{ type = select, columns = [id, qty, price, country] }}
      renamed {{ type = rename, columns {{ qty = quantity }} }}
      typed {{ type = cast, columns {{ quantity = int }} }}
      cleaned {{ type = trim, columns = [country] }}
      derived {{ type = derive,
                 columns {{ total = "quantity * price", country = "upper(country)" }} }}
      valid {{ type = filter, condition = "quantity is not null", reject_reason = bad_quantity }}
      summary {{ type = sql, inputs = [valid],
                 sql = "SELECT country, sum(total) AS total FROM {{valid}} GROUP BY country" }}
      out {{ type = write_parquet, path = "{tmp_path}/summary" }}
      bad {{ type = write_parquet, path = "{tmp_path}/bad", inputs = [valid.rejects] }}
    }}
    """

    report = run_pipeline(text, spark=spark)

    summary = {r.country: r.total for r in spark.read.parquet(f"{tmp_path}/summary").collect()}
    bad = spark.read.parquet(f"{tmp_path}/bad").collect()
    assert report["status"] == "succeeded", report["error"]
    assert summary == {"DE": 15.0}
    assert [(r.id, r.reject_reason) for r in bad] == [(2, "bad_quantity")]


def test_generated_returns_are_deterministic_and_dirty_in_every_way():
    first = returns_lines(3000, seed=7)
    again = returns_lines(3000, seed=7)
    other = returns_lines(3000, seed=8)

    ids = [line.split(",")[0] for line in first]
    assert first == again and first != other
    assert 0.01 < ids.count("") / len(ids) < 0.06
    assert len(set(ids)) < len(ids) * 0.98  # repeated return ids
    assert any(",-" in line for line in first)  # negative amounts
    assert any("2024-13-45" in line or "01/02/2024" in line for line in first)
    assert any(line.split(",")[2].startswith("  ") for line in first)  # padded skus


def test_every_generated_row_ends_up_in_silver_or_quarantine_exactly_once(spark, tmp_path):
    write_returns_csv(tmp_path / "in", 400, seed=3, files=2, days=6)
    overrides = [f"lake.root={tmp_path}/lake", f"returns.input_path={tmp_path}/in/*.csv"]

    report = run_pipeline("returns", overrides=overrides, spark=spark)

    silver = spark.read.parquet(f"{tmp_path}/lake/silver/returns")
    quarantine = spark.read.parquet(f"{tmp_path}/lake/quarantine/returns")
    assert report["status"] == "succeeded", report["error"]
    assert silver.count() + quarantine.count() == 400
    assert silver.select("return_id").distinct().count() == silver.count()
    assert quarantine.filter("reject_reason = 'duplicate_return_id'").count() > 0


def test_log_lines_are_json_and_carry_the_run_id(spark, tmp_path):
    stream = StringIO()
    handler = json_handler(stream)
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    text = f"""
    steps {{
      ids {{ type = tests.lakehouse.user_components.FlakySource, rows = 2 }}
      out {{ type = write_parquet, path = "{tmp_path}/out" }}
    }}
    """
    try:
        report = run_pipeline(text, spark=spark)
    finally:
        logger.removeHandler(handler)

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert {line["run_id"] for line in lines} == {report["run_id"]}
    assert [line["event"] for line in lines][:2] == ["run_started", "step_started"]


def test_a_table_source_reads_a_registered_view_and_union_merges_by_name(spark, tmp_path):
    spark.createDataFrame([(1, "a")], "id int, name string").createOrReplaceTempView("lake_left")
    spark.createDataFrame([("b", 2)], "name string, id int").createOrReplaceTempView("lake_right")
    text = f"""
    steps {{
      left {{ type = table, name = lake_left }}
      right {{ type = table, name = lake_right }}
      both {{ type = union, inputs = [left, right] }}
      out {{ type = write_parquet, path = "{tmp_path}/both" }}
    }}
    """

    report = run_pipeline(text, spark=spark)

    rows = sorted(tuple(r) for r in spark.read.parquet(f"{tmp_path}/both").collect())
    assert report["status"] == "succeeded", report["error"]
    assert rows == [(1, "a"), (2, "b")]
