"""Each expectation and action on a tiny frame."""

import pytest

from lakehouse.engine import run_pipeline


@pytest.fixture(scope="module")
def people_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("quality") / "people.csv"
    path.write_text(
        "id,name,age,country\n1,ann,34,DE\n2,bob,-1,FR\n3,,51,XX\n3,dan,200,DE\n5,Eve,28,DE\n"
    )
    return path


def _run(spark, tmp_path, csv, rules: str, extra: str = ""):
    text = f"""
    steps {{
      raw {{ type = csv, path = "{csv}", schema = "id int, name string, age int, country string" }}
      checked {{ type = quality, rules = [ {rules} ] }}
      kept {{ type = write_parquet, path = "{tmp_path}/kept" }}
      {extra}
    }}
    """
    report = run_pipeline(text, spark=spark)
    kept = spark.read.parquet(f"{tmp_path}/kept") if report["status"] == "succeeded" else None
    return report, kept


def test_warn_rules_count_failures_but_keep_every_row(spark, tmp_path, people_csv):
    rules = """
      { rule = not_null, column = name }
      { rule = unique, column = id }
      { rule = range, column = age, min = 0, max = 120 }
      { rule = regex, column = name, pattern = "^[a-z]+$" }
      { rule = allowed_values, column = country, values = [DE, FR] }
      { rule = sql, name = adult, expr = "age >= 18" }
    """

    report, kept = _run(spark, tmp_path, people_csv, rules)

    failed = {q["rule"]: (q["failed"], q["passed"], q["status"]) for q in report["quality"]}
    assert kept.count() == 5
    assert failed == {
        "not_null_name": (1, 4, "warned"),
        "unique_id": (2, 3, "warned"),
        "range_age": (2, 3, "warned"),
        "regex_name": (1, 4, "warned"),  # null names are not_null's business
        "allowed_values_country": (1, 4, "warned"),
        "adult": (1, 4, "warned"),
    }


def test_drop_removes_rows_and_quarantine_sends_them_to_the_dead_letter_table(
    spark, tmp_path, people_csv
):
    rules = """
      { rule = range, column = age, min = 0, max = 120, action = drop }
      { rule = not_null, column = name, action = quarantine, reason = no_name }
    """
    extra = f'dead {{ type = write_parquet, path = "{tmp_path}/dead", inputs = [checked.rejects] }}'

    report, kept = _run(spark, tmp_path, people_csv, rules, extra)

    dead = spark.read.parquet(f"{tmp_path}/dead")
    assert sorted(r.id for r in kept.collect()) == [1, 5]
    assert [(r.id, r.reject_reason, r.dq_rule, r.dq_step) for r in dead.collect()] == [
        (3, "no_name", "not_null_name", "checked")
    ]
    checked = next(s for s in report["steps"] if s["name"] == "checked")
    assert (checked["rows_in"], checked["rows_out"], checked["rows_rejected"]) == (5, 2, 3)


def test_a_fail_rule_stops_the_run_before_anything_is_written(spark, tmp_path, people_csv):
    rules = "{ rule = allowed_values, column = country, values = [DE, FR], action = fail }"

    report, _ = _run(spark, tmp_path, people_csv, rules)

    assert report["status"] == "failed"
    assert "allowed_values_country: 1 of 5 rows fail" in report["steps"][1]["error"]
    assert [(q["rule"], q["failed"], q["status"]) for q in report["quality"]] == [
        ("allowed_values_country", 1, "failed")
    ]
    assert not (tmp_path / "kept").exists()


def test_row_count_and_schema_rules_judge_the_whole_dataset(spark, tmp_path, people_csv):
    rules = """
      { rule = row_count, min = 10, action = warn }
      { rule = schema, schema = "id int, age bigint, email string" }
    """

    report, kept = _run(spark, tmp_path, people_csv, rules)

    results = {q["rule"]: q for q in report["quality"]}
    assert kept.count() == 5
    assert results["row_count"]["detail"] == "5 rows, expected >= 10"
    assert results["schema"]["detail"] == "age is int, expected bigint; missing column email"
    assert results["schema"]["status"] == "warned"


def test_fail_rules_are_not_retried_even_when_the_step_allows_retries(spark, tmp_path, people_csv):
    text = f"""
    pipeline.retry {{ max_attempts = 3, initial_delay = 0 }}
    steps {{
      raw {{ type = csv, path = "{people_csv}",
             schema = "id int, name string, age int, country string" }}
      checked {{ type = quality, rules = [{{ rule = not_null, column = name, action = fail }}] }}
      kept {{ type = write_parquet, path = "{tmp_path}/kept" }}
    }}
    """

    report = run_pipeline(text, spark=spark)

    assert report["steps"][1]["attempts"] == 1
