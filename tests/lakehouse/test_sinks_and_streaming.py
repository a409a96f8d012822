"""Parquet sinks on Spark: dynamic partition overwrite, failed writes, incremental streams."""

from pathlib import Path

from lakehouse.engine import run_pipeline


def _csv(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(["day,value", *lines]) + "\n")
    return path


def _load(spark, table: Path) -> list[tuple]:
    return sorted((str(r.day), r.value) for r in spark.read.parquet(str(table)).collect())


def _batch(source: Path, table: Path, overwrite: str = "dynamic", cast: str = "safe = true"):
    return f"""
    steps {{
      raw {{ type = csv, path = "{source}" }}
      typed {{ type = cast, columns {{ value = int }}, {cast} }}
      out {{ type = write_parquet, path = "{table}", partition_by = [day],
             partition_overwrite = {overwrite} }}
    }}
    """


def test_dynamic_overwrite_replaces_only_the_days_in_the_new_load(spark, tmp_path):
    table = tmp_path / "lake/facts"
    run_pipeline(_batch(_csv(tmp_path / "a.csv", ["d1,1", "d2,2"]), table), spark=spark)

    report = run_pipeline(_batch(_csv(tmp_path / "b.csv", ["d2,20", "d3,30"]), table), spark=spark)

    assert report["status"] == "succeeded"
    assert _load(spark, table) == [("d1", 1), ("d2", 20), ("d3", 30)]
    assert len(list((table / "day=d2").glob("*.parquet"))) == 1  # one file per partition


def test_a_write_failing_mid_job_leaves_the_published_table_untouched(spark, tmp_path):
    table = tmp_path / "lake/facts"
    run_pipeline(_batch(_csv(tmp_path / "a.csv", ["d1,1"]), table, "static"), spark=spark)
    bad = _csv(tmp_path / "bad.csv", ["d1,5", "d2,not-a-number"])

    report = run_pipeline(_batch(bad, table, "static", cast="safe = false"), spark=spark)

    assert report["status"] == "failed"
    assert report["steps"][2]["status"] == "failed"
    assert "CAST_INVALID_INPUT" in report["steps"][2]["error"]
    assert _load(spark, table) == [("d1", 1)]
    assert not (tmp_path / "lake/.lakehouse").exists() or not any(
        (tmp_path / "lake/.lakehouse").rglob("*.parquet")
    )


def test_a_stream_run_processes_only_files_that_arrived_since_the_last_run(spark, tmp_path):
    incoming = tmp_path / "incoming"
    table = tmp_path / "lake/events"
    text = f"""
    pipeline.checkpoint_dir = "{tmp_path}/checkpoints"
    steps {{
      events {{ type = stream_file, path = "{incoming}", schema = "day string, value int" }}
      trimmed {{ type = trim }}
      out {{ type = write_parquet, path = "{table}" }}
    }}
    """
    _csv(incoming / "1.csv", ["d1,1", "d1,2"])
    first = run_pipeline(text, spark=spark)
    _csv(incoming / "2.csv", ["d2,3", "d2,4", "d3,5"])

    second = run_pipeline(text, spark=spark)

    assert first["status"] == second["status"] == "succeeded", second["error"]
    assert first["steps"][2]["rows_out"] == 2
    assert second["steps"][2]["rows_out"] == 3
    assert len(_load(spark, table)) == 5
    assert (tmp_path / "checkpoints/out").is_dir()
