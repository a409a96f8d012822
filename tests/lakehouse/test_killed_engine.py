"""The engine in a process of its own, SIGKILLed (Python and its Spark JVM) while a sink writes
and half-way through a publish: the table readers see is never half-written, and the next run
tidies up and publishes the right rows."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from lakehouse.engine import run_pipeline, storage
from lakehouse.engine.datagen import write_returns_csv
from tests.sparkhub.helpers import REPO, kill_tree, processes_mentioning, wait_for

pytestmark = [pytest.mark.spark, pytest.mark.slow]

BIG_ROWS = 60_000
SMALL_ROWS = 300

CONF = """
pipeline { name = killed_sink }
steps {
  read { type = csv, path = ${input} }
  write {
    type = write_parquet
    path = ${table}
    partition_by = [return_date]
    partition_overwrite = ${overwrite}
  }
}
input = ""
table = ""
overwrite = static
"""


def snapshot(table: Path) -> dict[str, str]:
    """Every file of the table (hidden ones too) with its checksum: what readers can see."""
    if not table.exists():
        return {}
    return {
        str(p.relative_to(table)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(table.rglob("*"))
        if p.is_file()
    }


def leftovers(table: Path) -> list[str]:
    """Everything in the hidden work directory next to the table (staging, journal, trash)."""
    work = table.parent / storage.WORK_DIR
    return sorted(str(p.relative_to(work)) for p in work.rglob("*")) if work.exists() else []


@pytest.fixture
def lake(tmp_path):
    conf = tmp_path / "killed_sink.conf"
    conf.write_text(CONF)
    small = tmp_path / "small"
    write_returns_csv(small, SMALL_ROWS, seed=1, days=30)
    big = tmp_path / "big"
    write_returns_csv(big, BIG_ROWS, seed=2, files=2, days=365)
    return {"conf": conf, "small": small, "big": big, "table": tmp_path / "lake" / "returns"}


def overrides(lake, data: str, overwrite: str = "static") -> list[str]:
    return [f"input={lake[data]}/*.csv", f"table={lake['table']}", f"overwrite={overwrite}"]


def run_in_process(spark, lake, data: str, overwrite: str = "static") -> dict:
    report = run_pipeline(lake["conf"], overrides=overrides(lake, data, overwrite), spark=spark)
    assert report["status"] == "succeeded", report["error"]
    return report


def start_child(lake, tmp_path, data: str, overwrite: str = "static", **env) -> tuple:
    marker = uuid.uuid4().hex
    log = open(tmp_path / "child.log", "w")  # noqa: SIM115 - closed by the caller's kill
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.lakehouse.engine_child",
            str(lake["conf"]),
            *overrides(lake, data, overwrite),
        ],
        cwd=REPO,
        env={**os.environ, "KILL_TEST_MARKER": marker, "PYTHONUNBUFFERED": "1", **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return child, marker, log


def kill_and_check_dead(child, marker: str, log) -> None:
    assert child.poll() is None, "the engine finished before it could be killed"
    kill_tree(child)
    log.close()
    assert wait_for(lambda: not processes_mentioning(marker), timeout=20), "a JVM survived"


def count_rows(spark, table: Path) -> int:
    return spark.read.parquet(str(table)).count()


def test_an_engine_killed_while_spark_writes_leaves_the_old_table_untouched(spark, lake, tmp_path):
    run_in_process(spark, lake, "small")
    before = snapshot(lake["table"])
    staging_root = storage.TablePaths(lake["table"]).work

    child, marker, log = start_child(lake, tmp_path, "big")
    try:
        # Spark has started committing partitions into the staging directory: mid-write
        writing = wait_for(
            lambda: any(staging_root.glob("staging-*/return_date=*")), timeout=240, interval=0.05
        )
    finally:
        kill_and_check_dead(child, marker, log)
    assert writing, (tmp_path / "child.log").read_text()[-3000:]

    assert snapshot(lake["table"]) == before, "the published table changed"
    assert count_rows(spark, lake["table"]) == SMALL_ROWS
    assert any("/staging-" in p for p in leftovers(lake["table"])), "killed after publishing"
    assert not storage.TablePaths(lake["table"]).journal.exists(), "killed before publishing"

    report = run_in_process(spark, lake, "big")

    assert leftovers(lake["table"]) == [], "the next run left the killed run's staging behind"
    write = next(s for s in report["steps"] if s["name"] == "write")
    assert write["rows_out"] == BIG_ROWS
    assert count_rows(spark, lake["table"]) == BIG_ROWS


@pytest.mark.parametrize(
    ("overwrite", "renames", "visible"),
    [
        # table -> trash, then staging -> table: killed in between, readers find no table
        ("static", 1, "absent"),
        # partition by partition: killed with the first date new and the second moved away
        ("dynamic", 3, "mixed"),
    ],
)
def test_an_engine_killed_half_way_through_a_publish_is_rolled_forward(
    spark, lake, tmp_path, overwrite, renames, visible
):
    run_in_process(spark, lake, "small", overwrite)
    before = snapshot(lake["table"])
    paused = tmp_path / "paused"

    child, marker, log = start_child(
        lake,
        tmp_path,
        "big",
        overwrite,
        PAUSE_AFTER_RENAMES=str(renames),
        PAUSED_FILE=str(paused),
    )
    try:
        publishing = wait_for(paused.exists, timeout=300, interval=0.05)
    finally:
        kill_and_check_dead(child, marker, log)
    assert publishing, (tmp_path / "child.log").read_text()[-3000:]

    journal = storage.TablePaths(lake["table"]).journal
    assert journal.exists(), "a publish under way must be journalled"
    if visible == "absent":
        assert not lake["table"].exists()
    else:
        assert snapshot(lake["table"]) != before and lake["table"].exists()

    # what recovery does (the next run calls the same before it writes): finish the publish
    assert storage.recover_unless_busy(lake["table"]) == "rolled forward"

    expected = BIG_ROWS + (kept_old_rows(spark, lake) if overwrite == "dynamic" else 0)
    assert leftovers(lake["table"]) == []
    assert count_rows(spark, lake["table"]) == expected
    run_in_process(spark, lake, "big", overwrite)  # and the next run is unaffected
    assert count_rows(spark, lake["table"]) == expected
    assert leftovers(lake["table"]) == []


def kept_old_rows(spark, lake) -> int:
    """Rows of the small run in dates the big run does not have (dynamic overwrite keeps them)."""
    read = spark.read.option("header", True).csv
    small = read(f"{lake['small']}/*.csv")
    dates = read(f"{lake['big']}/*.csv").select("return_date").distinct()
    same = small["return_date"].eqNullSafe(dates["return_date"])  # null dates share a partition
    return small.join(dates, same, "left_anti").count()
