"""A local stand-in for the Databricks REST endpoints mlbench uses, speaking their JSON.

Paths, payloads, error shapes ({"error_code", "message"}) and run life-cycle follow the
Databricks REST API reference; state lives in memory.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "dapi-test-token"


class StandIn:
    def __init__(self) -> None:
        self.clusters: dict[str, dict] = {}
        self.files: dict[str, bytes] = {}
        self.handles: dict[int, tuple[str, bytearray]] = {}
        self.runs: dict[int, dict] = {}
        self.run_polls: dict[int, int] = {}
        self.outputs: dict[int, str] = {}
        self.requests: list[tuple[str, str]] = []
        self.ids = itertools.count(1001)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

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
                return 400, {
                    "error_code": "INVALID_PARAMETER_VALUE",
                    "message": f"Cluster {query.get('cluster_id')} does not exist",
                }
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
            self.files[f"dbfs:{target}"] = bytes(data)
            return 200, {}
        if method == "PUT" and path.startswith("/api/2.0/fs/files/Volumes/"):
            self.files[urllib.parse.unquote(path.removeprefix("/api/2.0/fs/files"))] = raw
            return 204, {}
        if (method, path) == ("POST", "/api/2.2/jobs/runs/submit"):
            tasks = body.get("tasks") or []
            if not tasks or "spark_python_task" not in tasks[0]:
                return invalid
            run_id = next(self.ids)
            task_runs = [{"run_id": next(self.ids), "task_key": t["task_key"]} for t in tasks]
            self.runs[run_id] = {
                "run_id": run_id,
                "run_name": body.get("run_name"),
                "tasks": task_runs,
                "submitted": body,
            }
            self.run_polls[run_id] = 0
            for task in task_runs:
                self.outputs[task["run_id"]] = '@@mlbench {"event": "finished"}\n'
            return 200, {"run_id": run_id}
        if (method, path) == ("GET", "/api/2.2/jobs/runs/get"):
            run = self.runs.get(int(query["run_id"]))
            if run is None:
                return 400, {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Run not found"}
            polls = self.run_polls[run["run_id"]]
            self.run_polls[run["run_id"]] = polls + 1
            life = ["PENDING", "RUNNING", "TERMINATED"][min(polls, 2)]
            state = {"life_cycle_state": life}
            if life == "TERMINATED":
                state["result_state"] = "SUCCESS"
            return 200, {
                "run_id": run["run_id"],
                "run_name": run["run_name"],
                "state": state,
                "tasks": [{**t, "state": state} for t in run["tasks"]],
            }
        if (method, path) == ("GET", "/api/2.2/jobs/runs/get-output"):
            run_id = int(query["run_id"])
            if run_id in self.runs:
                return 400, {
                    "error_code": "INVALID_PARAMETER_VALUE",
                    "message": "Retrieving the output of runs with multiple tasks is "
                    "not supported. Please retrieve the output of each "
                    "individual task run instead.",
                }
            if run_id not in self.outputs:
                return 400, {"error_code": "INVALID_PARAMETER_VALUE", "message": "no such run"}
            return 200, {
                "metadata": {"run_id": run_id},
                "logs": self.outputs[run_id],
                "logs_truncated": False,
            }
        return 404, {"error_code": "ENDPOINT_NOT_FOUND", "message": f"No API found for {path}"}
