"""A local stand-in for the Databricks REST endpoints mlbench uses, speaking their JSON.

Paths, payloads, error shapes ({"error_code", "message"}) and the run life cycle follow the
Databricks REST API reference. It really executes each submitted ``spark_python_task``: the
uploaded Python file runs with this machine's Python and pyspark on ``local[N]`` (N = the
task's cluster size), one task at a time, in its own process group with a time limit, bound to
127.0.0.1. DBFS and volume paths live in a scratch folder; ``dbfs:/x`` parameters are handed
to the script as ``file://<scratch>/dbfs/x``, which is how a path reads inside that workspace.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TOKEN = "dapi-test-token"
LOGS_LIMIT_BYTES = 5 * 1024 * 1024  # get-output returns the last 5 MB of a task's logs
MAX_TASK_SECONDS = 600
MAX_LOCAL_CORES = 4
FAILED_MESSAGE = "Workload failed, see run output for details"


def _now_ms() -> int:
    return int(time.time() * 1000)


class StandIn:
    def __init__(self, *, python: str = sys.executable, max_task_seconds: float = MAX_TASK_SECONDS):
        self.python = python
        self.max_task_seconds = max_task_seconds
        self.root = Path(tempfile.mkdtemp(prefix="databricks-standin-"))
        self.clusters: dict[str, dict] = {}
        self.files: dict[str, bytes] = {}
        self.handles: dict[int, tuple[str, bytearray]] = {}
        self.runs: dict[int, dict] = {}
        self.task_runs: dict[int, dict] = {}
        self.requests: list[tuple[str, str]] = []
        self.ids = itertools.count(1001)
        self.lock = threading.RLock()
        self.pending: queue.Queue = queue.Queue()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.executor = threading.Thread(target=self._execute_tasks, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> StandIn:
        self.thread.start()
        self.executor.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        with self.lock:
            for task in self.task_runs.values():
                task["cancel"] = True
                _kill(task.get("process"))
        self.pending.put(None)
        self.executor.join(timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)

    def wait_until_idle(self, timeout: float = 60) -> bool:
        """True once no task is pending or running (tests use it after a cancel)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                busy = [t for t in self.task_runs.values() if t["life"] != "TERMINATED"]
            if not busy:
                return True
            time.sleep(0.1)
        return False

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                self._dispatch("GET")

            def do_POST(self) -> None:
                self._dispatch("POST")

            def do_PUT(self) -> None:
                self._dispatch("PUT")

            def _dispatch(self, method: str) -> None:
                parsed = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parsed.query))
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                standin.requests.append((method, parsed.path))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._send(
                        401, {"error_code": "UNAUTHENTICATED", "message": "Invalid access token."}
                    )
                is_json = self.headers.get("Content-Type") == "application/json"
                body = json.loads(raw) if raw and is_json else {}
                with standin.lock:
                    status, answer = standin.route(method, parsed.path, query, body, raw)
                self._send(status, answer)

            def _send(self, status: int, answer: dict) -> None:
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler

    # --- the REST endpoints -------------------------------------------------------------------

    def route(self, method, path, query, body, raw):
        invalid = (400, {"error_code": "INVALID_PARAMETER_VALUE", "message": "bad request"})
        if (method, path) == ("GET", "/api/2.1/clusters/spark-versions"):
            return 200, {"versions": [{"key": "16.4.x-scala2.12", "name": "16.4 LTS"}]}
        if (method, path) == ("POST", "/api/2.1/clusters/create"):
            if not body.get("spark_version") or "num_workers" not in body:
                return invalid
            cluster_id = f"0101-{next(self.ids)}-abc"
            self.clusters[cluster_id] = {"cluster_id": cluster_id, "state": "PENDING", **body}
            return 200, {"cluster_id": cluster_id}
        if (method, path) == ("GET", "/api/2.1/clusters/get"):
            cluster = self.clusters.get(query.get("cluster_id"))
            if cluster is None:
                return 400, _no_cluster(query.get("cluster_id"))
            answer = dict(cluster)
            if cluster["state"] == "PENDING":
                cluster["state"] = "RUNNING"
            return 200, answer
        if (method, path) == ("POST", "/api/2.1/clusters/delete"):
            self.clusters[body["cluster_id"]]["state"] = "TERMINATED"
            return 200, {}
        if (method, path) == ("POST", "/api/2.0/dbfs/create"):
            handle = next(self.ids)
            self.handles[handle] = (body["path"], bytearray())
            return 200, {"handle": handle}
        if (method, path) == ("POST", "/api/2.0/dbfs/add-block"):
            data = base64.b64decode(body["data"])
            if len(data) > 1024 * 1024:
                return 400, {"error_code": "MAX_BLOCK_SIZE_EXCEEDED", "message": "too big"}
            self.handles[body["handle"]][1].extend(data)
            return 200, {}
        if (method, path) == ("POST", "/api/2.0/dbfs/close"):
            target, data = self.handles.pop(body["handle"])
            self._store(f"dbfs:{target}", bytes(data))
            return 200, {}
        if method == "PUT" and path.startswith("/api/2.0/fs/files/Volumes/"):
            self._store(urllib.parse.unquote(path.removeprefix("/api/2.0/fs/files")), raw)
            return 204, {}
        if (method, path) == ("POST", "/api/2.2/jobs/runs/submit"):
            return self._submit(body)
        if (method, path) == ("GET", "/api/2.2/jobs/runs/get"):
            run = self.runs.get(int(query["run_id"]))
            if run is None:
                return 400, {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Run not found"}
            return 200, self._run_view(run)
        if (method, path) == ("POST", "/api/2.2/jobs/runs/cancel"):
            run = self.runs.get(int(body.get("run_id", 0)))
            if run is None:
                return 400, {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Run not found"}
            for task_run_id in run["task_run_ids"]:
                self._cancel_task(self.task_runs[task_run_id])
            return 200, {}
        if (method, path) == ("GET", "/api/2.2/jobs/runs/get-output"):
            return self._output(int(query["run_id"]))
        return 404, {"error_code": "ENDPOINT_NOT_FOUND", "message": f"No API found for {path}"}

    def _store(self, remote: str, data: bytes) -> None:
        self.files[remote] = data
        local = self._local_path(remote)
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_bytes(data)

    def _local_path(self, remote: str) -> Path:
        if remote.startswith("dbfs:/"):
            return self.root / "dbfs" / remote.removeprefix("dbfs:/")
        return self.root / remote.lstrip("/")

    def _as_seen_by_the_task(self, value: str) -> str:
        if value.startswith(("dbfs:/", "/Volumes/")):
            return self._local_path(value).as_uri()
        return value

    def _submit(self, body: dict):
        tasks = body.get("tasks") or []
        if not tasks or any("spark_python_task" not in task for task in tasks):
            return 400, {
                "error_code": "INVALID_PARAMETER_VALUE",
                "message": "Every task needs a spark_python_task (this stand-in runs no others).",
            }
        for task in tasks:
            cluster_id = task.get("existing_cluster_id")
            if cluster_id and cluster_id not in self.clusters:
                return 400, _no_cluster(cluster_id)
            if not cluster_id and "num_workers" not in task.get("new_cluster", {}):
                return 400, {
                    "error_code": "INVALID_PARAMETER_VALUE",
                    "message": f"Task {task.get('task_key')}: give existing_cluster_id or a "
                    "new_cluster with num_workers.",
                }
        run_id = next(self.ids)
        run = {
            "run_id": run_id,
            "run_name": body.get("run_name"),
            "submitted": body,
            "task_run_ids": [],
            "start_time": _now_ms(),
        }
        timeout = min(float(body.get("timeout_seconds") or self.max_task_seconds), MAX_TASK_SECONDS)
        for task in tasks:
            task_run = {
                "run_id": next(self.ids),
                "task_key": task["task_key"],
                "spec": task,
                "parent": run_id,
                "life": "PENDING",
                "result": None,
                "message": "Waiting for cluster",
                "timeout": timeout,
                "start_time": _now_ms(),
                "setup_ms": 0,
                "execution_ms": 0,
                "end_time": 0,
                "stdout": "",
                "stderr": "",
                "cancel": False,
            }
            run["task_run_ids"].append(task_run["run_id"])
            self.task_runs[task_run["run_id"]] = task_run
            self.pending.put(task_run["run_id"])
        self.runs[run_id] = run
        return 200, {"run_id": run_id}

    def _run_view(self, run: dict) -> dict:
        tasks = [self._task_view(self.task_runs[i]) for i in run["task_run_ids"]]
        lives = {task["state"]["life_cycle_state"] for task in tasks}
        if lives == {"TERMINATED"}:
            unsuccessful = [t["state"] for t in tasks if t["state"]["result_state"] != "SUCCESS"]
            state = {
                "life_cycle_state": "TERMINATED",
                "result_state": unsuccessful[0]["result_state"] if unsuccessful else "SUCCESS",
                "state_message": unsuccessful[0]["state_message"] if unsuccessful else "",
            }
        elif lives == {"PENDING"}:
            state = {"life_cycle_state": "PENDING", "state_message": "Waiting for cluster"}
        else:
            state = {"life_cycle_state": "RUNNING", "state_message": "In run"}
        return {
            "run_id": run["run_id"],
            "run_name": run["run_name"],
            "run_type": "SUBMIT_RUN",
            "format": "MULTI_TASK",
            "start_time": run["start_time"],
            "run_page_url": f"{self.url}/?o=0#job/0/run/{run['run_id']}",
            "state": state,
            "tasks": tasks,
        }

    def _task_view(self, task_run: dict) -> dict:
        state = {"life_cycle_state": task_run["life"], "state_message": task_run["message"]}
        if task_run["result"]:
            state["result_state"] = task_run["result"]
        view = {
            "run_id": task_run["run_id"],
            "task_key": task_run["task_key"],
            "state": state,
            "start_time": task_run["start_time"],
            "setup_duration": task_run["setup_ms"],
            "execution_duration": task_run["execution_ms"],
            "end_time": task_run["end_time"],
            "spark_python_task": task_run["spec"]["spark_python_task"],
        }
        for key in ("existing_cluster_id", "new_cluster"):
            if key in task_run["spec"]:
                view[key] = task_run["spec"][key]
        return view

    def _output(self, run_id: int):
        if run_id in self.runs:
            return 400, {
                "error_code": "INVALID_PARAMETER_VALUE",
                "message": "Retrieving the output of runs with multiple tasks is not supported. "
                "Please retrieve the output of each individual task run instead.",
            }
        task_run = self.task_runs.get(run_id)
        if task_run is None:
            return 400, {"error_code": "INVALID_PARAMETER_VALUE", "message": "no such run"}
        answer: dict = {"metadata": self._task_view(task_run)}
        if task_run["life"] != "TERMINATED":
            return 200, answer
        logs = (task_run["stdout"] + task_run["stderr"]).encode()
        answer["logs"] = logs[-LOGS_LIMIT_BYTES:].decode(errors="replace")
        answer["logs_truncated"] = len(logs) > LOGS_LIMIT_BYTES
        if task_run["result"] != "SUCCESS":
            trace = task_run["stderr"].strip()
            last = trace.splitlines()[-1] if trace else task_run["message"]
            answer["error"] = last
            answer["error_trace"] = trace[-20_000:]
        return 200, answer

    # --- execution ----------------------------------------------------------------------------

    def _cancel_task(self, task_run: dict) -> None:
        task_run["cancel"] = True
        if task_run["life"] == "PENDING":
            self._finish(task_run, "CANCELED", "Run cancelled.")
        elif task_run["life"] == "RUNNING":
            task_run["life"] = "TERMINATING"
            _kill(task_run.get("process"))

    def _finish(self, task_run: dict, result: str, message: str) -> None:
        task_run.update(life="TERMINATED", result=result, message=message, end_time=_now_ms())

    def _execute_tasks(self) -> None:
        while (task_run_id := self.pending.get()) is not None:
            with self.lock:
                task_run = self.task_runs[task_run_id]
                if task_run["life"] != "PENDING":
                    continue  # cancelled while queued
                process, scratch, stdout, stderr = self._start(task_run)
            if process is None:
                continue
            started = time.monotonic()
            timed_out = False
            try:
                process.wait(timeout=task_run["timeout"])
            except subprocess.TimeoutExpired:
                timed_out = True
                _kill(process)
                process.wait()
            with self.lock:
                task_run["execution_ms"] = int((time.monotonic() - started) * 1000)
                task_run["stdout"] = stdout.read_text(errors="replace")
                task_run["stderr"] = stderr.read_text(errors="replace")
                if task_run["cancel"]:
                    self._finish(task_run, "CANCELED", "Run cancelled.")
                elif timed_out:
                    self._finish(task_run, "TIMEDOUT", "Run timed out.")
                elif process.returncode != 0:
                    self._finish(task_run, "FAILED", FAILED_MESSAGE)
                else:
                    self._finish(task_run, "SUCCESS", "")
            shutil.rmtree(scratch, ignore_errors=True)

    def _start(self, task_run: dict):
        spec = task_run["spec"]
        python_task = spec["spark_python_task"]
        script = self._local_path(python_task["python_file"])
        if not script.is_file():
            task_run["stderr"] = f"FileNotFoundError: {python_task['python_file']} does not exist\n"
            self._finish(task_run, "FAILED", FAILED_MESSAGE)
            return None, None, None, None
        cluster = spec.get("new_cluster") or self.clusters[spec["existing_cluster_id"]]
        cores = min(max(int(cluster.get("num_workers", 1)), 1), MAX_LOCAL_CORES)
        submit_args = [
            "--master",
            f"local[{cores}]",
            *_conf_args(
                {
                    **cluster.get("spark_conf", {}),
                    "spark.driver.host": "127.0.0.1",
                    "spark.driver.bindAddress": "127.0.0.1",
                    "spark.ui.enabled": "false",
                }
            ),
            "pyspark-shell",
        ]
        scratch = Path(tempfile.mkdtemp(prefix="task-", dir=self.root))
        env = {
            name: os.environ[name]
            for name in ("PATH", "HOME", "LANG", "JAVA_HOME", "TZ")
            if name in os.environ
        }
        env.update(
            PYSPARK_PYTHON=self.python,
            PYSPARK_SUBMIT_ARGS=" ".join(submit_args),
            SPARK_LOCAL_IP="127.0.0.1",
            TMPDIR=str(scratch),
            PYTHONUNBUFFERED="1",
        )
        stdout, stderr = scratch / "stdout", scratch / "stderr"
        parameters = [self._as_seen_by_the_task(p) for p in python_task.get("parameters", [])]
        with stdout.open("wb") as out, stderr.open("wb") as err:
            # A clean environment and a scratch working directory: the script finds nothing
            # of this repository except what was uploaded, as on a real cluster.
            process = subprocess.Popen(
                [self.python, str(script), *parameters],
                cwd=scratch,
                env=env,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        task_run.update(
            life="RUNNING",
            message="In run",
            process=process,
            setup_ms=_now_ms() - task_run["start_time"],
        )
        return process, scratch, stdout, stderr


def _conf_args(conf: dict) -> list[str]:
    args = []
    for key, value in conf.items():
        args += ["--conf", f"{key}={value}"]
    return args


def _kill(process) -> None:
    if process is not None and process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the script, its JVM and Python workers
        except ProcessLookupError:
            pass


def _no_cluster(cluster_id) -> dict:
    return {
        "error_code": "INVALID_PARAMETER_VALUE",
        "message": f"Cluster {cluster_id} does not exist",
    }
