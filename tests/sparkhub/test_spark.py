"""The only SparkSession factory: UTC, event logs where sparkhub reads them, start-up timed."""

from __future__ import annotations

from pathlib import Path

import pytest

from sparkhub.runs import RunStatus
from sparkhub.services import start_worker_check
from tests.sparkhub.helpers import run_burst_worker


def test_the_shared_session_runs_in_utc_and_writes_its_event_log(spark):
    conf = spark.sparkContext.getConf()
    eventlog_dir = conf.get("spark.eventLog.dir").removeprefix("file:")

    spark.range(10).count()

    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    assert conf.get("spark.eventLog.enabled") == "true"
    app_id = spark.sparkContext.applicationId
    assert any(app_id in entry.name for entry in Path(eventlog_dir).iterdir())


def test_to_pandas_goes_through_arrow(spark):
    # With the fallback off, toPandas raises instead of quietly converting row by row.
    assert spark.conf.get("spark.sql.execution.arrow.pyspark.enabled") == "true"
    spark.conf.set("spark.sql.execution.arrow.pyspark.fallback.enabled", "false")
    try:
        frame = spark.range(1000).selectExpr("id", "id * 0.5 AS half", "CAST(id AS STRING) AS s")
        pandas = frame.toPandas()
    finally:
        spark.conf.unset("spark.sql.execution.arrow.pyspark.fallback.enabled")

    assert len(pandas) == 1000 and pandas["half"].sum() == 0.5 * sum(range(1000))
    assert str(pandas["id"].dtype) == "int64"


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.usefixtures("empty_queues")
def test_a_worker_check_on_the_spark_queue_times_spark_start_up_apart_from_work(
    worker_env, tmp_path
):
    env = {**worker_env, "SPARK_MASTER": "local[1]", "SPARK_EVENTLOG_DIR": str(tmp_path)}
    check = start_worker_check(queue="spark", with_spark=True)

    output = run_burst_worker(env, "spark", timeout=240)

    check.refresh_from_db()
    assert check.status == RunStatus.SUCCEEDED, output + check.error
    spark = check.result["spark"]
    assert spark["sum"] == sum(range(100_000))
    assert check.spark_startup_seconds > 0 and spark["work_seconds"] > 0
    assert spark["version"].startswith("4.")
    assert check.spark_application_id.startswith("local-")
    assert any(check.spark_application_id in path.name for path in tmp_path.iterdir())
