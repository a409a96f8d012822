"""Run the real Spark History Server from the pyspark package, on 127.0.0.1, for parity tests.

Everything it writes (logs, pid file) goes to a temporary directory; nothing is written into
site-packages. The server reads a *copy* of the event logs, so it never touches the fixtures.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT = 90.0


def spark_home() -> Path:
    import pyspark  # the package directory is a complete SPARK_HOME (sbin, jars, bin)

    return Path(pyspark.__file__).resolve().parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class HistoryServer:
    url: str

    def get(self, path: str, timeout: float = 60.0) -> object:
        with urllib.request.urlopen(f"{self.url}/api/v1/{path}", timeout=timeout) as response:
            return json.loads(response.read())

    def get_or_none(self, path: str) -> object | None:
        """The answer, or ``None`` where SHS answers 404 (e.g. a summary with no tasks)."""
        try:
            return self.get(path)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise

    def status(self, path: str) -> int:
        """The HTTP status SHS answers ``path`` with."""
        try:
            with urllib.request.urlopen(f"{self.url}/api/v1/{path}", timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def wait_for_applications(self, app_ids: set[str], timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        listed: set[str] = set()
        while time.monotonic() < deadline:
            with contextlib.suppress(urllib.error.URLError, ConnectionError, OSError):
                listed = {app["id"] for app in self.get("applications", timeout=5)}
                if app_ids <= listed:
                    return
            time.sleep(0.5)
        raise TimeoutError(f"History Server listed {sorted(listed)}, waiting for {sorted(app_ids)}")


@contextlib.contextmanager
def running_history_server(event_logs: list[Path], work_dir: Path) -> Iterator[HistoryServer]:
    """Start SHS on a copy of ``event_logs`` and stop it afterwards, whatever happens."""
    log_dir = work_dir / "logs-copy"
    log_dir.mkdir(parents=True)
    for source in event_logs:
        target = log_dir / source.name
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    port = _free_port()
    home = spark_home()
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOG_DIR": str(work_dir / "shs-logs"),
        "SPARK_PID_DIR": str(work_dir / "shs-pid"),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_IDENT_STRING": f"sparkhub-test-{port}",
        "SPARK_HISTORY_OPTS": " ".join(
            [
                f"-Dspark.history.fs.logDirectory={log_dir.as_uri()}",
                f"-Dspark.history.ui.port={port}",
                "-Dspark.history.fs.update.interval=1s",
                "-Dspark.ui.timelineEnabled=false",
                "-Duser.timezone=UTC",
            ]
        ),
    }
    scripts = home / "sbin"
    subprocess.run(
        ["bash", str(scripts / "start-history-server.sh")],
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
    )
    try:
        yield HistoryServer(url=f"http://127.0.0.1:{port}")
    finally:
        subprocess.run(
            ["bash", str(scripts / "stop-history-server.sh")],
            env=env,
            check=False,
            timeout=60,
            capture_output=True,
        )
