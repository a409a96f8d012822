"""The only SparkSession factory in sparkhub.

Django-free on purpose: engines (mlbench, lakehouse) import it on a worker or on a cluster
where Django is not installed. Everything is driven by environment variables:

- ``SPARK_MASTER``       master URL, default ``local[*]``
- ``SPARK_REMOTE``       Spark Connect URL (``sc://host:15002``); wins over ``SPARK_MASTER``
- ``SPARK_EVENTLOG_DIR`` where every session writes its event log, default ``<var>/spark-events``
- ``SPARK_CONF_<NAME>``  extra configuration, each value written as ``spark.some.key=value``
- ``SPARK_JARS``         comma-separated jars every session loads (``spark.jars``), default the
  JDBC drivers Debian installs (``scripts/ensure_jdbc_drivers.sh``) that are present; set it
  empty for none

pyspark is imported inside :func:`start_spark_session` only, so importing this module never
starts or loads the JVM.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MASTER = "local[*]"
CONF_PREFIX = "SPARK_CONF_"
# Debian's JDBC drivers (libpostgresql-jdbc-java, libxerial-sqlite-jdbc-java)
DEFAULT_JARS = ("/usr/share/java/postgresql.jar", "/usr/share/java/sqlite-jdbc.jar")
MASTER_PATTERN = re.compile(
    r"^(local(\[[^\]]+\])?|local-cluster\[[^\]]+\]|spark://.+|yarn|k8s://.+)$"
)


class SparkSettingsError(ValueError):
    """A Spark environment variable has a value sparkhub cannot use."""


def var_dir(env: Mapping[str, str] | None = None) -> Path:
    """The directory holding sparkhub's runtime state (SQLite, embedded Redis, media, logs)."""
    env = os.environ if env is None else env
    configured = env.get("SPARKHUB_VAR_DIR", "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    return Path(__file__).resolve().parent.parent / "var"


def eventlog_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    configured = env.get("SPARK_EVENTLOG_DIR", "").strip()
    if configured:
        return Path(configured.removeprefix("file://")).expanduser().resolve()
    return var_dir(env) / "spark-events"


def extra_conf_from_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Collect ``SPARK_CONF_*`` variables; each value must read ``spark.key=value``."""
    env = os.environ if env is None else env
    conf: dict[str, str] = {}
    for name in sorted(env):
        if not name.startswith(CONF_PREFIX):
            continue
        key, sep, value = env[name].partition("=")
        key = key.strip()
        if not sep or not key.startswith("spark."):
            raise SparkSettingsError(
                f"{name} must look like 'spark.some.key=value', got {env[name]!r}"
            )
        conf[key] = value.strip()
    return conf


def jars_from_env(env: Mapping[str, str] | None = None) -> list[str]:
    """``SPARK_JARS`` as a list; unset means the default JDBC drivers that are installed.

    Local paths must exist (a typo would otherwise only show as a missing JDBC driver deep
    inside a run); URLs such as ``hdfs://`` or ``s3a://`` are passed on unchecked.
    """
    env = os.environ if env is None else env
    if "SPARK_JARS" not in env:
        return [jar for jar in DEFAULT_JARS if Path(jar).is_file()]
    jars = [jar.strip() for jar in env["SPARK_JARS"].split(",") if jar.strip()]
    for jar in jars:
        local = jar.removeprefix("file://") if jar.startswith("file://") else jar
        if "://" not in local and not Path(local).expanduser().is_file():
            raise SparkSettingsError(f"SPARK_JARS names {jar}, which is not a file")
    return jars


@dataclass(frozen=True)
class SparkSettings:
    master: str
    remote: str
    eventlog_dir: Path
    extra_conf: dict[str, str]
    jars: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SparkSettings:
        env = os.environ if env is None else env
        master = env.get("SPARK_MASTER", "").strip() or DEFAULT_MASTER
        if not MASTER_PATTERN.match(master):
            raise SparkSettingsError(
                f"SPARK_MASTER must be local[...], spark://..., yarn or k8s://..., got {master!r}"
            )
        remote = env.get("SPARK_REMOTE", "").strip()
        if remote and not remote.startswith("sc://"):
            raise SparkSettingsError(f"SPARK_REMOTE must start with sc://, got {remote!r}")
        return cls(
            master=master,
            remote=remote,
            eventlog_dir=eventlog_dir(env),
            extra_conf=extra_conf_from_env(env),
            jars=tuple(jars_from_env(env)),
        )

    def session_conf(self, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
        """The configuration every sparkhub session starts with."""
        conf = {
            "spark.sql.session.timeZone": "UTC",
            "spark.driver.extraJavaOptions": "-Duser.timezone=UTC",
            "spark.executor.extraJavaOptions": "-Duser.timezone=UTC",
            "spark.eventLog.enabled": "true",
            "spark.eventLog.dir": self.eventlog_dir.as_uri(),
            "spark.ui.showConsoleProgress": "false",
            # toPandas and createDataFrame(pandas) through Arrow: Spark 4's default, stated
            # here because it needs pyarrow (requirements.txt), without which it falls back
            "spark.sql.execution.arrow.pyspark.enabled": "true",
        }
        conf.update(self.extra_conf)
        conf.update(overrides or {})
        # SPARK_JARS adds to a spark.jars given another way rather than replacing it
        jars = [j for j in conf.get("spark.jars", "").split(",") if j] + list(self.jars)
        if jars:
            conf["spark.jars"] = ",".join(dict.fromkeys(jars))
        return conf


@dataclass
class StartedSession:
    session: object  # pyspark.sql.SparkSession; typed loosely to keep pyspark out of imports
    startup_seconds: float


def start_spark_session(
    app_name: str,
    *,
    master: str | None = None,
    conf: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
) -> StartedSession:
    """Start (or reuse) a SparkSession and report how long start-up took.

    ``master`` overrides ``SPARK_MASTER`` (mlbench runs ``local[N]`` per worker count);
    ``conf`` adds or overrides configuration for this session only.
    """
    settings = SparkSettings.from_env(env)
    started = time.perf_counter()
    from pyspark.sql import SparkSession  # the JVM only ever starts here

    builder = SparkSession.builder.appName(app_name)
    if settings.remote:
        builder = builder.remote(settings.remote)
        # Runtime settings still apply over Spark Connect (UTC, SPARK_CONF_*); the event log
        # and master belong to the Connect server.
        runtime = {"spark.sql.session.timeZone": "UTC", **settings.extra_conf, **(conf or {})}
        for key, value in runtime.items():
            builder = builder.config(key, value)
    else:
        settings.eventlog_dir.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        builder = builder.master(master or settings.master)
        for key, value in settings.session_conf(conf).items():
            builder = builder.config(key, value)
    session = builder.getOrCreate()
    return StartedSession(session=session, startup_seconds=time.perf_counter() - started)


def get_spark_session(app_name: str = "sparkhub", **kwargs) -> object:
    """Shorthand for callers that do not need the start-up time."""
    return start_spark_session(app_name, **kwargs).session
