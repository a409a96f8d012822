"""Fixtures shared by the whole suite.

The suite runs against whatever DATABASE_URL / REDIS_URL say (PostgreSQL and Redis in CI, SQLite
and the embedded Redis on a fresh machine). Spark tests share one SparkSession per run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    """One local SparkSession for the whole test run (tests using it are marked ``spark``)."""
    from sparkhub.spark import start_spark_session

    eventlog_dir = tmp_path_factory.mktemp("spark-events")
    started = start_spark_session(
        "sparkhub-tests",
        master="local[2]",
        conf={
            "spark.eventLog.dir": eventlog_dir.as_uri(),
            "spark.sql.shuffle.partitions": "4",
            "spark.default.parallelism": "4",
            "spark.ui.enabled": "false",
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.driver.memory": "1g",
        },
    )
    yield started.session
    started.session.stop()


def pytest_sessionstart(session):
    # Tests talk to Redis directly (cache, queues): start the embedded one if that is in use.
    from sparkhub.queues import ensure_redis

    ensure_redis()


def pytest_collection_modifyitems(items):
    # A test that asks for the shared session is a Spark test, whether or not it says so.
    for item in items:
        if "spark" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.spark)


def database_url_for_subprocesses() -> str:
    """The test database as a DATABASE_URL, so worker processes see what the test wrote."""
    from django.db import connection

    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    auth = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
    return f"postgres://{auth}@{config['HOST']}:{config['PORT'] or 5432}/{config['NAME']}"


@pytest.fixture
def worker_env(transactional_db):
    """Environment for manage.py subprocesses (RQ workers) sharing this test's database."""
    import os

    env = dict(os.environ)
    env["DATABASE_URL"] = database_url_for_subprocesses()
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture
def empty_queues():
    """Start from empty RQ queues; the suite has its own Redis database or embedded server."""
    from sparkhub.queues import QUEUE_NAMES, get_queue

    for name in QUEUE_NAMES:
        get_queue(name).empty()
    yield
    for name in QUEUE_NAMES:
        get_queue(name).empty()


ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page(monkeypatch):
    """A fresh headless Chromium page (Debian's package, never a downloaded browser).

    Playwright's sync API runs an event loop in this thread while the test's own ORM calls stay
    synchronous, so Django's async-safety guard stands down — only while the browser is open,
    so subprocesses started by other tests never inherit that.
    """
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(executable):
        pytest.fail("Chromium is missing: run `make chromium` (Debian's package).")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        context.close()
        browser.close()


def log_in(page, live_server, username: str, password: str = "pw-for-tests") -> None:
    """Log in through the real login form."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
