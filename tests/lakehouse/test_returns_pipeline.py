"""The shipped returns medallion on a small hand-written dirty CSV: exact rows in every table."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from lakehouse.engine import run_pipeline

HEADER = "return_id,order_id,sku,return_reason,amount,return_date,customer_id"
DIRTY_ROWS = [
    "R1,O10, abc-1 ,Damaged, 10.50 ,2024-01-05,C1",
    "R2,O11,abc-2,,5.00,2024-01-05,C2",
    "R3,O12,,wrong size,7.00,2024-01-06,C3",
    "R4,O13,abc-1,damaged,-3.00,2024-01-06,C4",
    "R5,O14,abc-3,late,abc,2024-01-06,C5",
    "R6,O15,abc-3,late,4.00,2024-13-01,C6",
    "  ,O16,abc-1,damaged,1.00,2024-01-06,C7",
    "R7,O17,abc-1,damaged,2.00,2024-01-07,C8",
    "R7,O18,abc-1,damaged,2.00,2024-01-08,C8",
    "R8,O20,abc-2,Late,3.00,2024-01-07,C9",
    "R8,O19,abc-2,Late,3.00,2024-01-07,C9",
    "R8,O21,abc-2,Late,9.00,2024-01-07,C9",
    "R9,O31,abc-4,too small,6.00,2024-01-09,C10",
    "R9,O30,abc-4,too small,6.00,2024-01-09,C10",
    "R10,O40,abc-5,damaged,,2024-01-09,C11",
    "R11,O41,abc-5,damaged,1.00,,C12",
    "R12,O42,abc-5,damaged,8.00,2024/01/09,C12",
    "R13,O43,abc-5,damaged,0.00,2024-01-09,C13",
    "R7,O19x,abc-1,damaged,-1.00,2024-01-09,C8",
    "R14,O44,,damaged,-2.00,2024-01-09,C14",
]


def _write_csv(directory: Path, rows=DIRTY_ROWS, header=HEADER) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "returns_2024_01.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def _run(spark, lake: Path, input_path: Path, **kwargs) -> dict:
    overrides = [f"lake.root={lake}", f"returns.input_path={input_path}"]
    return run_pipeline("returns", overrides=overrides, spark=spark, sleep=lambda s: None, **kwargs)


def _rows(spark, path: Path, *columns: str) -> list[tuple]:
    frame = spark.read.parquet(str(path))
    return sorted((tuple(r) for r in frame.select(*columns).collect()), key=str)


@pytest.fixture(scope="module")
def returns_run(spark, tmp_path_factory):
    base = tmp_path_factory.mktemp("returns")
    lake = base / "lake"
    events = []
    source = _write_csv(base / "in")
    report = _run(spark, lake, source, on_progress=events.append)
    return report, lake, events, source


def test_silver_holds_cleaned_typed_deduplicated_rows(spark, returns_run):
    report, lake, _, _ = returns_run

    silver = _rows(
        spark,
        lake / "silver/returns",
        "return_id",
        "order_id",
        "sku",
        "return_reason",
        "amount",
        "return_date",
        "customer_id",
    )

    assert report["status"] == "succeeded", report["error"]
    assert [(r[0], r[1], r[2], r[3], r[4], str(r[5]), r[6]) for r in silver] == [
        ("R1", "O10", "ABC-1", "damaged", Decimal("10.50"), "2024-01-05", "C1"),
        ("R13", "O43", "ABC-5", "damaged", Decimal("0.00"), "2024-01-09", "C13"),
        ("R2", "O11", "ABC-2", "unknown", Decimal("5.00"), "2024-01-05", "C2"),
        ("R7", "O18", "ABC-1", "damaged", Decimal("2.00"), "2024-01-08", "C8"),
        ("R8", "O21", "ABC-2", "late", Decimal("9.00"), "2024-01-07", "C9"),
        ("R9", "O30", "ABC-4", "too small", Decimal("6.00"), "2024-01-09", "C10"),
    ]


def test_silver_is_partitioned_by_return_date_with_an_explicit_schema(spark, returns_run):
    _, lake, _, _ = returns_run

    partitions = sorted(p.name for p in (lake / "silver/returns").iterdir() if p.is_dir())
    schema = {
        f.name: f.dataType.simpleString()
        for f in spark.read.parquet(str(lake / "silver/returns")).schema.fields
    }

    assert partitions == [
        "return_date=2024-01-05",
        "return_date=2024-01-07",
        "return_date=2024-01-08",
        "return_date=2024-01-09",
    ]
    assert schema == {
        "return_id": "string",
        "order_id": "string",
        "sku": "string",
        "return_reason": "string",
        "amount": "decimal(12,2)",
        "customer_id": "string",
        "return_date": "date",
    }


def test_quarantine_holds_every_rejected_row_with_its_reason(spark, returns_run):
    _, lake, _, _ = returns_run

    quarantine = _rows(spark, lake / "quarantine/returns", "return_id", "order_id", "reject_reason")

    assert quarantine == sorted(
        [
            ("R3", "O12", "missing_sku"),
            ("R4", "O13", "negative_amount"),
            ("R5", "O14", "invalid_amount"),
            ("R6", "O15", "invalid_return_date"),
            (None, "O16", "missing_return_id"),
            ("R10", "O40", "missing_amount"),
            ("R11", "O41", "missing_return_date"),
            ("R12", "O42", "invalid_return_date"),
            ("R7", "O19x", "negative_amount"),
            ("R14", "O44", "missing_sku"),
            ("R7", "O17", "duplicate_return_id"),
            ("R8", "O20", "duplicate_return_id"),
            ("R8", "O19", "duplicate_return_id"),
            ("R9", "O31", "duplicate_return_id"),
        ],
        key=str,
    )


def test_gold_sums_counts_and_averages_per_sku_and_reason(spark, returns_run):
    _, lake, _, _ = returns_run

    gold = _rows(
        spark,
        lake / "gold/returns_by_sku_reason",
        "sku",
        "return_reason",
        "total_amount",
        "return_count",
        "avg_amount",
    )
    types = {
        f.name: f.dataType.typeName()
        for f in spark.read.parquet(str(lake / "gold/returns_by_sku_reason")).schema.fields
    }

    assert gold == [
        ("ABC-1", "damaged", Decimal("12.50"), 2, Decimal("6.25")),
        ("ABC-2", "late", Decimal("9.00"), 1, Decimal("9.00")),
        ("ABC-2", "unknown", Decimal("5.00"), 1, Decimal("5.00")),
        ("ABC-4", "too small", Decimal("6.00"), 1, Decimal("6.00")),
        ("ABC-5", "damaged", Decimal("0.00"), 1, Decimal("0.00")),
    ]
    assert types["total_amount"] == "decimal"


def test_bronze_keeps_rows_as_read_with_source_file_and_ingestion_time(spark, returns_run):
    _, lake, _, _ = returns_run

    bronze = spark.read.parquet(str(lake / "bronze/returns_raw"))
    first = bronze.filter("order_id = 'O10'").first()

    assert bronze.count() == len(DIRTY_ROWS)
    assert {f.dataType.simpleString() for f in bronze.schema.fields if f.name != "ingested_at"} == {
        "string"
    }
    assert first["sku"] == " abc-1 "
    assert first["source_file"].endswith("returns_2024_01.csv")
    assert first["ingested_at"] is not None


def test_pipeline_metrics_json_has_rows_and_duration_per_stage(returns_run):
    report, _, _, _ = returns_run

    metrics = json.loads(Path(report["metrics_path"]).read_text())
    stages = {
        name: (s["rows_in"], s["rows_out"], s["rows_rejected"])
        for name, s in metrics["stages"].items()
    }

    assert stages == {
        "bronze": (20, 20, 0),
        "silver": (20, 6, 14),
        "quarantine": (14, 14, 0),
        "gold": (6, 5, 0),
    }
    assert all(s["duration_seconds"] > 0 for s in metrics["stages"].values())
    assert metrics["run_id"] == report["run_id"]
    assert json.loads(json.dumps(report)) == report  # plain JSON for the run row and the API
    assert report["spark_application_id"].startswith("local-")
    prom = Path(report["metrics_path"]).with_name("metrics.prom").read_text()
    assert 'lakehouse_stage_rows_out{pipeline="returns"' in prom


def test_quality_counts_are_reported_per_rule(returns_run):
    report, _, _, _ = returns_run

    failed = {q["rule"]: (q["failed"], q["total"]) for q in report["quality"]}

    assert failed == {
        "not_null_return_id": (1, 20),
        "not_null_sku": (2, 20),
        "not_null_return_date": (1, 20),
        "valid_return_date": (2, 20),
        "not_null_amount": (1, 20),
        "valid_amount": (1, 20),
        "non_negative_amount": (3, 20),
    }


def test_progress_is_reported_for_every_step(returns_run):
    report, _, events, _ = returns_run

    finished = [e["step"] for e in events if e["status"] == "succeeded" and e["step"]]

    assert finished == [s["name"] for s in report["steps"]]
    assert events[-1]["fraction"] == 1.0


def test_rerunning_is_idempotent_and_leaves_no_staging_behind(spark, returns_run):
    _, lake, _, source = returns_run
    before = _rows(spark, lake / "silver/returns", "return_id", "order_id", "amount")

    report = _run(spark, lake, source)

    assert report["status"] == "succeeded"
    assert _rows(spark, lake / "silver/returns", "return_id", "order_id", "amount") == before
    assert spark.read.parquet(str(lake / "quarantine/returns")).count() == 14
    assert not list(lake.rglob(".lakehouse"))


def test_a_missing_input_fails_the_read_step_and_writes_nothing(spark, tmp_path):
    report = _run(spark, tmp_path / "lake", tmp_path / "nothing-here" / "*.csv")

    read = report["steps"][0]
    assert report["status"] == "failed"
    assert read["status"] == "failed"
    assert "no input file matches" in read["error"]
    assert read["attempts"] == 2  # the pipeline retries once before giving up
    assert {s["status"] for s in report["steps"][1:]} == {"skipped"}
    assert not (tmp_path / "lake" / "silver").exists()


def test_a_csv_with_the_wrong_columns_fails_without_touching_existing_tables(
    spark, tmp_path, returns_run
):
    _, lake, _, _ = returns_run
    before = _rows(spark, lake / "silver/returns", "return_id", "order_id")
    bad = _write_csv(tmp_path / "bad", rows=["R1,O1,abc,1.00"], header="return_id,order,sku,amt")

    report = _run(spark, lake, bad)

    assert report["status"] == "failed"
    assert "missing order_id" in report["error"] and "unexpected order" in report["error"]
    assert report["error"].startswith("step read_raw:")
    assert _rows(spark, lake / "silver/returns", "return_id", "order_id") == before
