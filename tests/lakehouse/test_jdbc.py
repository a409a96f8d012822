"""The jdbc source and write_jdbc sink against real databases through Debian's JDBC drivers:
always SQLite (a file, so every machine tests JDBC), and PostgreSQL at 127.0.0.1:5432 when it is
reachable. Credentials come through the secret resolver and never reach a report or a log."""

from __future__ import annotations

import json
import logging
import socket
import sqlite3
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from lakehouse.engine import run_pipeline
from lakehouse.engine.logs import LOGGER_NAME
from sparkhub.spark import DEFAULT_JARS

pytestmark = pytest.mark.spark

USER, PASSWORD = "lake-user-7f3a", "pw-9c1e-never-logged"
ORDERS = [(1, " sku-a ", 10.5), (2, "sku-b", 4.25), (3, "sku-a", 1.0), (4, None, 8.0)]

PIPELINE = '''
pipeline { name = jdbc_round_trip }
steps {
  read_orders {
    type = jdbc
    url = "secret://env/JDBC_TEST_URL"
    query = "SELECT id, sku, amount FROM SOURCE_TABLE WHERE amount > 2"
    user = "secret://env/JDBC_TEST_USER"
    password = "secret://file/PASSWORD_FILE"
    driver = "DRIVER"
  }
  tidy {
    type = sql
    sql = """SELECT id, upper(trim(sku)) AS sku, cast(amount * 2 AS decimal(12,2)) AS doubled
             FROM {read_orders}"""
  }
  write_orders {
    type = write_jdbc
    url = "secret://env/JDBC_TEST_URL"
    table = TARGET_TABLE
    mode = overwrite
    user = "secret://env/JDBC_TEST_USER"
    password = "secret://file/PASSWORD_FILE"
    driver = "DRIVER"
    options { numPartitions = "1" }  # one writer: SQLite takes one at a time
  }
}
'''


def pipeline_text(**names: str) -> str:
    text = PIPELINE
    for name, value in names.items():
        text = text.replace(name, value)
    return text


@pytest.fixture
def secrets(monkeypatch, tmp_path):
    monkeypatch.setenv("JDBC_TEST_USER", USER)
    password_file = tmp_path / "jdbc-password"
    password_file.write_text(PASSWORD + "\n")
    return password_file


@pytest.fixture
def engine_log(caplog):
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    return caplog


def assert_no_secret_leaked(report: dict, engine_log, events: list[dict]) -> None:
    seen = json.dumps(report) + engine_log.text + json.dumps(events)
    assert USER not in seen and PASSWORD not in seen


def test_the_session_loads_debians_jdbc_drivers(spark):
    jars = spark.sparkContext.getConf().get("spark.jars", "")
    missing = [jar for jar in DEFAULT_JARS if not Path(jar).is_file() or jar not in jars]
    assert not missing, f"{missing} not loaded: run `make jdbc-drivers` (Debian packages)"


def run(spark, text: str, events: list | None = None) -> dict:
    return run_pipeline(text, spark=spark, on_progress=None if events is None else events.append)


@pytest.fixture
def sqlite_shop(tmp_path, monkeypatch, secrets) -> tuple[Path, str]:
    """A SQLite database with the orders, and the round-trip pipeline pointed at it."""
    database = tmp_path / "shop.db"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE orders (id INTEGER, sku TEXT, amount REAL)")
        db.executemany("INSERT INTO orders VALUES (?, ?, ?)", ORDERS)
        # Spark 4 tells "no such table" from other errors only through a dialect, which SQLite
        # lacks: the sink writes into an existing table (overwrite drops and recreates it)
        db.execute("CREATE TABLE orders_tidy (id INTEGER)")
    monkeypatch.setenv("JDBC_TEST_URL", f"jdbc:sqlite:{database}")
    text = pipeline_text(
        SOURCE_TABLE="orders",
        TARGET_TABLE="orders_tidy",
        DRIVER="org.sqlite.JDBC",
        PASSWORD_FILE=str(secrets),
    )
    return database, text


def test_sqlite_rows_go_through_the_jdbc_source_and_sink(spark, sqlite_shop, engine_log):
    database, text = sqlite_shop
    events: list[dict] = []

    report = run(spark, text, events)

    assert report["status"] == "succeeded", report["error"]
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT id, sku, doubled FROM orders_tidy ORDER BY id").fetchall()
    assert [(i, s, Decimal(str(d))) for i, s, d in rows] == [
        (1, "SKU-A", Decimal("21")),
        (2, "SKU-B", Decimal("8.5")),
        (4, None, Decimal("16")),
    ]
    assert_no_secret_leaked(report, engine_log, events)

    again = run(spark, text)  # overwrite: the same rows, not twice as many

    assert again["status"] == "succeeded", again["error"]
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM orders_tidy").fetchone() == (3,)


def test_a_jdbc_error_names_the_step_and_masks_the_secret_in_it(
    spark, tmp_path, monkeypatch, secrets, engine_log
):
    # the secret URL itself appears in the driver's error: the report must not show it
    hidden = f"{tmp_path}/no-such-dir-{PASSWORD}/shop.db"
    monkeypatch.setenv("JDBC_TEST_URL", f"jdbc:sqlite:{hidden}")
    text = pipeline_text(
        SOURCE_TABLE="orders",
        TARGET_TABLE="orders_tidy",
        DRIVER="org.sqlite.JDBC",
        PASSWORD_FILE=str(secrets),
    )
    events: list[dict] = []

    report = run(spark, text, events)

    assert report["status"] == "failed"
    assert report["error"].startswith("step read_orders: ")
    assert "Failed to connect" in report["error"]
    assert [s["status"] for s in report["steps"]] == ["failed", "skipped", "skipped"]
    assert_no_secret_leaked(report, engine_log, events)


def postgres_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
        import psycopg

        psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", connect_timeout=3)
    except Exception:
        return False
    return True


@pytest.fixture
def postgres():
    if not postgres_reachable():
        pytest.skip("no PostgreSQL at 127.0.0.1:5432 (database test, user postgres)")
    import psycopg

    suffix = uuid.uuid4().hex[:8]
    source, target = f"lake_orders_{suffix}", f"lake_orders_tidy_{suffix}"
    with psycopg.connect(
        "host=127.0.0.1 port=5432 dbname=test user=postgres", autocommit=True
    ) as db:
        db.execute(f"CREATE TABLE {source} (id integer, sku text, amount double precision)")
        with db.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {source} VALUES (%s, %s, %s)", ORDERS)
        yield db, source, target
        db.execute(f"DROP TABLE IF EXISTS {source}")
        db.execute(f"DROP TABLE IF EXISTS {target}")


def test_postgresql_rows_go_through_the_jdbc_source_and_sink(
    spark, monkeypatch, secrets, engine_log, postgres
):
    db, source, target = postgres
    monkeypatch.setenv("JDBC_TEST_URL", "jdbc:postgresql://127.0.0.1:5432/test")
    # PostgreSQL takes the user as given: the secret user must exist
    monkeypatch.setenv("JDBC_TEST_USER", "postgres")
    text = pipeline_text(
        SOURCE_TABLE=source,
        TARGET_TABLE=target,
        DRIVER="org.postgresql.Driver",
        PASSWORD_FILE=str(secrets),
    )
    events: list[dict] = []

    report = run(spark, text, events)

    assert report["status"] == "succeeded", report["error"]
    rows = db.execute(f"SELECT id, sku, doubled FROM {target} ORDER BY id").fetchall()
    assert rows == [
        (1, "SKU-A", Decimal("21.00")),
        (2, "SKU-B", Decimal("8.50")),
        (4, None, Decimal("16.00")),
    ]
    column = db.execute(
        "SELECT data_type, numeric_precision, numeric_scale FROM information_schema.columns "
        "WHERE table_name = %s AND column_name = 'doubled'",
        (target,),
    ).fetchone()
    assert column == ("numeric", 12, 2)
    seen = json.dumps(report) + engine_log.text + json.dumps(events)
    assert PASSWORD not in seen


def test_a_jdbc_pipeline_reports_the_rows_it_moved(spark, sqlite_shop):
    _, text = sqlite_shop

    report = run(spark, text)

    assert report["status"] == "succeeded", report["error"]
    assert {s["name"]: s["rows_out"] for s in report["steps"]} == {
        "read_orders": 3,
        "tidy": 3,
        "write_orders": 3,
    }
