"""Settings are read from the environment, validated, and name the variable that is wrong."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from sparkhub.env import Env, parse_database_url
from sparkhub.spark import SparkSettings, SparkSettingsError
from tests.sparkhub.helpers import REPO

SETTINGS_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "S3_BUCKET",
    "STORAGE_BACKEND",
    "SPARK_MASTER",
    "SPARK_REMOTE",
    "SPARK_EVENTLOG_DIR",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "LOG_FORMAT",
    "TIME_ZONE",
    "SPARKHUB_HTTPS",
    "GEMINI_API_KEY",
    "GEMINI_MODEL",
    "DATABRICKS_HOST",
    "MAX_UPLOAD_SIZE_MB",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DATA_ROOT",
)


def settings_in_subprocess(tmp_path: Path, expression: str, **variables: str):
    """Import sparkhub.settings in a clean process with ``variables``; evaluate ``expression``."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env = {k: v for k, v in env.items() if not k.startswith("SPARK_CONF_")}
    env.update({"SPARKHUB_VAR_DIR": str(tmp_path / "var"), **variables})
    code = f"import json, sparkhub.settings as s\nprint(json.dumps({expression}, default=str))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    return done.returncode, done.stdout, done.stderr


def settings_error(tmp_path: Path, **variables: str) -> str:
    code, _, stderr = settings_in_subprocess(tmp_path, "1", **variables)
    assert code != 0, "settings accepted a bad value"
    assert "ImproperlyConfigured" in stderr
    return stderr.strip().splitlines()[-1]


def test_an_unset_database_url_means_sqlite_under_var_with_wal_and_immediate_transactions(
    tmp_path,
):
    db = parse_database_url("", var_dir=tmp_path)

    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "sparkhub.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert "busy_timeout" in db["OPTIONS"]["init_command"]


def test_a_postgres_url_becomes_a_psycopg_database_with_every_part():
    db = parse_database_url(
        "postgres://spark:s%40cret@db.internal:6543/hub?sslmode=require", var_dir=Path("/x")
    )

    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("hub", "spark", "s@cret")
    assert (db["HOST"], db["PORT"]) == ("db.internal", "6543")
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_a_sqlite_url_needs_an_absolute_path():
    assert parse_database_url("sqlite:///srv/hub.db", var_dir=Path("/x"))["NAME"] == "/srv/hub.db"
    assert parse_database_url("sqlite:////srv/hub.db", var_dir=Path("/x"))["NAME"] == "/srv/hub.db"
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        parse_database_url("sqlite://relative.db", var_dir=Path("/x"))


@pytest.mark.parametrize(
    "url", ["mysql://u@h/db", "postgres://u@h:notaport/db", "postgres://u@h/", "nonsense"]
)
def test_an_unusable_database_url_names_the_variable(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        parse_database_url(url, var_dir=Path("/x"))


@pytest.mark.parametrize(
    ("method", "raw", "message"),
    [
        ("bool", "maybe", "FLAG must be true or false"),
        ("int", "12x", "FLAG must be a whole number"),
        ("int", "-1", "FLAG must be at least 0"),
    ],
)
def test_typed_reads_name_the_variable_they_reject(method, raw, message):
    env = Env({"FLAG": raw})
    reader = getattr(env, method)

    with pytest.raises(ImproperlyConfigured, match=message):
        reader("FLAG", 0, minimum=0) if method == "int" else reader("FLAG")


def test_lists_split_on_commas_and_drop_blanks():
    assert Env({"HOSTS": " a.example, ,b.example "}).list("HOSTS") == ["a.example", "b.example"]


def test_spark_settings_default_to_local_with_event_logs_under_var(tmp_path):
    spark = SparkSettings.from_env({"SPARKHUB_VAR_DIR": str(tmp_path)})

    assert spark.master == "local[*]"
    assert spark.eventlog_dir == tmp_path / "spark-events"
    conf = spark.session_conf()
    assert conf["spark.sql.session.timeZone"] == "UTC"
    assert conf["spark.eventLog.enabled"] == "true"
    assert conf["spark.eventLog.dir"] == (tmp_path / "spark-events").as_uri()


def test_spark_conf_variables_pass_through_and_bad_ones_are_named(tmp_path):
    spark = SparkSettings.from_env(
        {"SPARK_CONF_SHUFFLE": "spark.sql.shuffle.partitions=64", "SPARK_MASTER": "spark://m:7077"}
    )
    assert spark.session_conf()["spark.sql.shuffle.partitions"] == "64"
    assert spark.master == "spark://m:7077"

    with pytest.raises(SparkSettingsError, match="SPARK_CONF_BAD"):
        SparkSettings.from_env({"SPARK_CONF_BAD": "shuffle=64"})
    with pytest.raises(SparkSettingsError, match="SPARK_MASTER"):
        SparkSettings.from_env({"SPARK_MASTER": "localhost"})
    with pytest.raises(SparkSettingsError, match="SPARK_REMOTE"):
        SparkSettings.from_env({"SPARK_REMOTE": "http://connect:15002"})


def test_spark_jars_are_loaded_by_every_session_and_checked(tmp_path):
    driver = tmp_path / "driver.jar"
    driver.write_bytes(b"PK")
    spark = SparkSettings.from_env(
        {
            "SPARK_JARS": f"{driver}, s3a://bucket/udfs.jar",
            "SPARK_CONF_JARS": "spark.jars=/opt/extra.jar",
        }
    )
    assert spark.session_conf()["spark.jars"] == f"/opt/extra.jar,{driver},s3a://bucket/udfs.jar"
    assert "spark.jars" not in SparkSettings.from_env({"SPARK_JARS": ""}).session_conf()

    with pytest.raises(SparkSettingsError, match=r"SPARK_JARS names /nowhere/x\.jar"):
        SparkSettings.from_env({"SPARK_JARS": "/nowhere/x.jar"})


def test_spark_jars_default_to_the_installed_jdbc_drivers(monkeypatch):
    from sparkhub import spark as factory

    monkeypatch.setattr(factory, "DEFAULT_JARS", ("/nowhere/postgresql.jar", __file__))
    assert SparkSettings.from_env({}).jars == (__file__,)


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND"),
        ({"STORAGE_BACKEND": "s3"}, "S3_BUCKET"),
        ({"SPARK_MASTER": "bogus"}, "SPARK_MASTER"),
        ({"SPARK_CONF_X": "nokey"}, "SPARK_CONF_X"),
        ({"DEBUG": "perhaps"}, "DEBUG"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"TIME_ZONE": "Europe/Paris"}, "TIME_ZONE"),
        ({"MAX_UPLOAD_SIZE_MB": "lots"}, "MAX_UPLOAD_SIZE_MB"),
        ({"DATABRICKS_HOST": "adb-123.azuredatabricks.net"}, "DATABRICKS_HOST"),
        ({"API_USER_RATE": "60/month"}, "API_USER_RATE"),
        ({"EXPLAIN_RATE": "lots"}, "EXPLAIN_RATE"),
        ({"RUN_STALE_AFTER_SECONDS": "10", "RUN_HEARTBEAT_SECONDS": "10"}, "RUN_STALE_AFTER"),
        ({"RQ_SPARK_TIMEOUT": "0"}, "RQ_SPARK_TIMEOUT"),
        ({"GEMINI_TIMEOUT_SECONDS": "soon"}, "GEMINI_TIMEOUT_SECONDS"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
        ({"DATABASE_URL": "postgres://u@h/db?conn_max_age=x"}, "DATABASE_URL"),
    ],
)
def test_a_bad_environment_value_stops_start_up_naming_the_variable(tmp_path, variables, named):
    assert named in settings_error(tmp_path, **variables)


def test_every_variable_reaches_the_settings(tmp_path):
    code, out, err = settings_in_subprocess(
        tmp_path,
        "dict(db=s.DATABASES['default']['NAME'], redis=s.REDIS_URL, embedded=s.USE_EMBEDDED_REDIS,"
        " storage=s.STORAGES['default'], master=s.SPARK.master, events=str(s.SPARK_EVENTLOG_DIR),"
        " debug=s.DEBUG, hosts=s.ALLOWED_HOSTS, log=s.LOG_FORMAT, gemini=s.GEMINI_MODEL,"
        " key=s.GEMINI_API_KEY, upload=s.MAX_UPLOAD_SIZE_MB, rq=s.RQ_QUEUES['spark'])",
        DATABASE_URL="sqlite:////tmp/elsewhere/hub.db",
        REDIS_URL="redis://127.0.0.1:6379/3",
        S3_BUCKET="lake",
        AWS_REGION="eu-west-1",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        SPARK_MASTER="local[3]",
        SPARK_EVENTLOG_DIR="/tmp/events",
        DEBUG="true",
        ALLOWED_HOSTS="hub.example,10.0.0.5",
        LOG_FORMAT="json",
        GEMINI_API_KEY="k",
        GEMINI_MODEL="gemini-test",
        MAX_UPLOAD_SIZE_MB="7",
    )
    assert code == 0, err
    loaded = json.loads(out)

    assert loaded["db"] == "/tmp/elsewhere/hub.db"
    assert (loaded["redis"], loaded["embedded"]) == ("redis://127.0.0.1:6379/3", False)
    assert loaded["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert loaded["storage"]["OPTIONS"]["bucket_name"] == "lake"
    assert loaded["storage"]["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
    assert loaded["storage"]["OPTIONS"]["region_name"] == "eu-west-1"
    assert (loaded["master"], loaded["events"]) == ("local[3]", "/tmp/events")
    assert loaded["debug"] is True
    assert loaded["hosts"] == ["hub.example", "10.0.0.5"]
    assert (loaded["log"], loaded["gemini"], loaded["key"]) == ("json", "gemini-test", "k")
    assert loaded["upload"] == 7
    assert loaded["rq"]["URL"] == "redis://127.0.0.1:6379/3"


def test_the_operational_variables_reach_the_settings_too(tmp_path):
    code, out, err = settings_in_subprocess(
        tmp_path,
        "dict(timeouts=s.QUEUE_TIMEOUTS, beat=s.RUN_HEARTBEAT_SECONDS,"
        " stale=s.RUN_STALE_AFTER_SECONDS, maint=s.WORKER_MAINTENANCE_SECONDS,"
        " base=s.GEMINI_BASE_URL, gto=s.GEMINI_TIMEOUT_SECONDS,"
        " cap=s.GEMINI_MAX_CONCURRENT, rates=s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'],"
        " token=s.METRICS_TOKEN, otel=s.OTEL_EXPORTER_OTLP_ENDPOINT, csrf=s.CSRF_TRUSTED_ORIGINS,"
        " hsts=s.SECURE_HSTS_SECONDS, level=s.LOG_LEVEL, lake=str(s.DATA_ROOT),"
        " off=sorted(s.EXPLAINER_DISABLED_RULES),"
        " key=s.STORAGES['default']['OPTIONS']['access_key'],"
        " secret=s.STORAGES['default']['OPTIONS']['secret_key'])",
        RQ_DEFAULT_TIMEOUT="11",
        RQ_LLM_TIMEOUT="22",
        RQ_SPARK_TIMEOUT="33",
        RUN_HEARTBEAT_SECONDS="3",
        RUN_STALE_AFTER_SECONDS="9",
        WORKER_MAINTENANCE_SECONDS="4",
        GEMINI_BASE_URL="http://127.0.0.1:9999",
        GEMINI_TIMEOUT_SECONDS="7",
        GEMINI_MAX_CONCURRENT="2",
        API_USER_RATE="5/min",
        API_ANON_RATE="1/day",
        EXPLAIN_RATE="3/second",
        METRICS_TOKEN="m",
        OTEL_EXPORTER_OTLP_ENDPOINT="http://c:4318",
        CSRF_TRUSTED_ORIGINS="https://hub.example",
        SPARKHUB_HTTPS="true",
        SECURE_HSTS_SECONDS="600",
        LOG_LEVEL="warning",
        DATA_ROOT="/srv/lake",
        EXPLAINER_DISABLED_RULES="ap-d05, AP-IO02",
        S3_BUCKET="b",
        AWS_ACCESS_KEY_ID="AK",
        AWS_SECRET_ACCESS_KEY="SK",
    )
    assert code == 0, err
    loaded = json.loads(out)

    assert loaded["timeouts"] == {"default": 11, "llm": 22, "spark": 33}
    assert (loaded["beat"], loaded["stale"], loaded["maint"]) == (3, 9, 4)
    assert (loaded["base"], loaded["gto"], loaded["cap"]) == ("http://127.0.0.1:9999", 7, 2)
    assert loaded["rates"] == {"user": "5/min", "anon": "1/day", "explain": "3/second"}
    assert (loaded["token"], loaded["otel"]) == ("m", "http://c:4318")
    assert (loaded["csrf"], loaded["hsts"], loaded["level"]) == (
        ["https://hub.example"],
        600,
        "WARNING",
    )
    assert loaded["lake"] == "/srv/lake"
    assert loaded["off"] == ["AP-D05", "AP-IO02"]
    assert (loaded["key"], loaded["secret"]) == ("AK", "SK")


def test_with_no_variables_sparkhub_uses_the_embedded_defaults(tmp_path):
    code, out, err = settings_in_subprocess(
        tmp_path,
        "dict(db=s.DATABASES['default']['ENGINE'], redis=s.REDIS_URL, store=s.STORAGES['default'],"
        " master=s.SPARK.master)",
    )
    assert code == 0, err
    loaded = json.loads(out)

    assert loaded["db"] == "django.db.backends.sqlite3"
    assert loaded["redis"] == f"unix://{tmp_path / 'var' / 'redis' / 'redis.sock'}?db=0"
    assert loaded["store"]["OPTIONS"]["location"] == str(tmp_path / "var" / "media")
    assert loaded["master"] == "local[*]"


def test_production_values_pass_check_deploy_without_a_single_warning(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(
        SPARKHUB_VAR_DIR=str(tmp_path / "var"),
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        REDIS_URL="redis://redis.internal:6379/0",
        DATABASE_URL="postgres://sparkhub@db.internal:5432/sparkhub",
        ALLOWED_HOSTS="sparkhub.example.com",
        SPARKHUB_HTTPS="true",
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def _postgres_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_migrations_apply_on_sqlite_and_on_postgresql(tmp_path, engine):
    if engine == "postgres" and not _postgres_reachable():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432 here")
    url = (
        f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        if engine == "sqlite"
        else "postgres://postgres@127.0.0.1:5432/test"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DATABASE_URL=url, SPARKHUB_VAR_DIR=os.environ.get("SPARKHUB_VAR_DIR", "var/test"))
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check" if engine == "postgres" else "-v0"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if engine == "postgres" and done.returncode != 0:
        # --check fails only when migrations are unapplied; apply them, then it must pass.
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"],
            cwd=REPO,
            env=env,
            check=True,
            timeout=180,
        )
        done = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--check"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )

    assert done.returncode == 0, done.stdout + done.stderr
    if engine == "sqlite":
        import sqlite3

        with sqlite3.connect(tmp_path / "fresh.sqlite3") as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
