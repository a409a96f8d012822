"""A local Spark standalone cluster (one master, N workers) from the pyspark package.

``manage.py spark_cluster start|stop|status --workers N`` calls these functions. Everything
binds to 127.0.0.1, and all state (work dirs, scratch space, logs, pids) lives under the
directory the caller gives, never inside site-packages. Processes start in their own session so
they outlive the command that started them; :func:`stop_cluster` ends exactly the processes it
recorded.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

STATE_FILE = "cluster.json"
MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"


class ClusterError(RuntimeError):
    """The cluster could not be started, reached or stopped; the message says why."""


def spark_home() -> Path:
    """The pyspark package directory, which ships ``bin/spark-class`` and the jars."""
    spec = importlib.util.find_spec("pyspark")
    if spec is None or not spec.submodule_search_locations:
        raise ClusterError("pyspark is not installed, so there is no Spark to start.")
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def start_cluster(
    base_dir: str | Path,
    *,
    workers: int = 2,
    cores_per_worker: int = 1,
    memory: str = "1g",
    timeout_seconds: float = 120.0,
) -> dict:
    """Start a master and ``workers`` workers unless they already run; returns the status."""
    base = _private_dir(base_dir)
    current = cluster_status(base)
    if current["running"]:
        return current
    if workers < 1:
        raise ClusterError("A cluster needs at least one worker.")
    port, ui_port = _free_port(), _free_port()
    env = _spark_env(base)
    logs = base / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    pids = [
        _launch(
            [
                MASTER_CLASS,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--webui-port",
                str(ui_port),
            ],
            env,
            logs / "master.log",
        )
    ]
    master_url = f"spark://127.0.0.1:{port}"
    state = {
        "master_url": master_url,
        "web_ui": f"http://127.0.0.1:{ui_port}",
        "pids": pids,
        "workers": workers,
    }
    _write_state(base, state)
    try:
        _wait_until(
            lambda: _port_open(port), timeout_seconds, "the master to listen", logs / "master.log"
        )
        for index in range(workers):
            work_dir = base / "work" / f"worker-{index + 1}"
            work_dir.mkdir(parents=True, exist_ok=True)
            pids.append(
                _launch(
                    [
                        WORKER_CLASS,
                        master_url,
                        "--host",
                        "127.0.0.1",
                        "--cores",
                        str(cores_per_worker),
                        "--memory",
                        memory,
                        "--work-dir",
                        str(work_dir),
                        "--webui-port",
                        "0",
                    ],
                    env,
                    logs / f"worker-{index + 1}.log",
                )
            )
            _write_state(base, state)
        _wait_until(
            lambda: _alive_workers(state["web_ui"]) >= workers,
            timeout_seconds,
            f"{workers} workers to register",
            logs / "worker-1.log",
        )
    except ClusterError:
        stop_cluster(base)
        raise
    return cluster_status(base)


def cluster_status(base_dir: str | Path) -> dict:
    base = Path(base_dir)
    state = _read_state(base)
    if not state:
        return {"running": False, "master_url": None, "alive_workers": 0, "pids": []}
    alive = [pid for pid in state["pids"] if _pid_alive(pid)]
    return {
        "running": bool(alive) and alive[0] == state["pids"][0],
        "master_url": state["master_url"],
        "web_ui": state["web_ui"],
        "alive_workers": _alive_workers(state["web_ui"]) if alive else 0,
        "pids": alive,
        "base_dir": str(base),
    }


def stop_cluster(base_dir: str | Path, *, timeout_seconds: float = 20.0) -> dict:
    """Stop the recorded workers, then the master; returns the final status."""
    base = Path(base_dir)
    state = _read_state(base)
    if state:
        for pid in reversed(state["pids"]):  # workers first, so the master sees them leave
            _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_seconds
        while any(_pid_alive(pid) for pid in state["pids"]) and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in state["pids"]:
            if _pid_alive(pid):
                _signal_group(pid, signal.SIGKILL)
        (base / STATE_FILE).unlink(missing_ok=True)
    return cluster_status(base)


def _private_dir(base_dir: str | Path) -> Path:
    base = Path(base_dir).expanduser().resolve()
    home = spark_home()
    if base == home or home in base.parents or "site-packages" in base.parts:
        raise ClusterError(f"Keep the cluster's files out of the Python installation: {base}")
    base.mkdir(parents=True, exist_ok=True)
    return base


def _spark_env(base: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "SPARK_HOME": str(spark_home()),
            "SPARK_LOCAL_IP": "127.0.0.1",
            "SPARK_LOCAL_DIRS": str(base / "local"),
            "SPARK_WORKER_DIR": str(base / "work"),
            "SPARK_LOG_DIR": str(base / "logs"),
            "SPARK_PID_DIR": str(base),
        }
    )
    return env


def _launch(arguments: list[str], env: dict[str, str], log_path: Path) -> int:
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [str(spark_home() / "bin" / "spark-class"), *arguments],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return process.pid


def _wait_until(condition, timeout_seconds: float, what: str, log_path: Path) -> None:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    tail = log_path.read_text(errors="replace").splitlines()[-10:] if log_path.exists() else []
    raise ClusterError(
        f"Timed out after {timeout_seconds:g} s waiting for {what}.\n" + "\n".join(tail)
    )


def _alive_workers(web_ui: str) -> int:
    try:
        with urllib.request.urlopen(f"{web_ui}/json/", timeout=2) as response:
            return int(json.load(response).get("aliveworkers", 0))
    except (OSError, ValueError):
        return 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child has exited even though its pid still answers
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat[stat.rindex(")") + 2] != "Z"
    except OSError:
        return True


def _signal_group(pid: int, sig: signal.Signals) -> None:
    # Each daemon leads its own session (start_new_session), so its group is exactly its JVM
    # and the children it forked.
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _read_state(base: Path) -> dict | None:
    path = base / STATE_FILE
    return json.loads(path.read_text()) if path.exists() else None


def _write_state(base: Path, state: dict) -> None:
    (base / STATE_FILE).write_text(json.dumps(state, indent=2))
