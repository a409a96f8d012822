"""The only module that talks to the Databricks REST API (Django-free, standard library only).

Covers what mlbench needs: clusters (create, get, delete), uploading files (DBFS streaming
upload, or the Files API for Unity Catalog volumes), and one-off job runs (``runs/submit``,
``runs/get``, ``runs/get-output``, ``runs/cancel``). Output is read from the *task* run id,
because Databricks refuses ``get-output`` on the parent run of a multi-task run.

Configured with a host and a token passed in by the caller (``DATABRICKS_HOST`` and
``DATABRICKS_TOKEN`` via :meth:`DatabricksClient.from_env`); never reads Django settings.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CLUSTERS = "/api/2.1/clusters"
JOBS = "/api/2.2/jobs"
DBFS = "/api/2.0/dbfs"
FILES = "/api/2.0/fs/files"
DBFS_BLOCK_BYTES = 1024 * 1024  # add-block accepts at most 1 MB of data per call
FINAL_LIFE_CYCLE_STATES = {"TERMINATED", "SKIPPED", "INTERNAL_ERROR"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class DatabricksError(RuntimeError):
    """A Databricks call failed; ``str()`` is a message for people, with the API's own code."""

    def __init__(
        self, message: str, *, status: int | None = None, error_code: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code


@dataclass
class DatabricksClient:
    host: str
    token: str
    timeout_seconds: float = 30.0

    def __post_init__(self) -> None:
        self.host = (self.host or "").strip().rstrip("/")
        if not self.host or not self.token:
            raise DatabricksError("Set DATABRICKS_HOST and DATABRICKS_TOKEN to use Databricks.")
        if "://" not in self.host:
            self.host = f"https://{self.host}"
        parsed = urllib.parse.urlsplit(self.host)
        # A token must never travel in clear text, except to a stand-in on this machine.
        if parsed.scheme != "https" and parsed.hostname not in LOOPBACK_HOSTS:
            raise DatabricksError(f"DATABRICKS_HOST must use https://, got {self.host!r}.")

    @classmethod
    def from_env(cls, env: Mapping[str, str], **kwargs) -> DatabricksClient:
        return cls(
            host=env.get("DATABRICKS_HOST", ""), token=env.get("DATABRICKS_TOKEN", ""), **kwargs
        )

    # --- workspace ----------------------------------------------------------------------------

    def check(self) -> list[str]:
        """Prove the host and token work; returns the Spark versions the workspace offers."""
        answer = self._call("GET", f"{CLUSTERS}/spark-versions")
        return [version["key"] for version in answer.get("versions", [])]

    # --- clusters -----------------------------------------------------------------------------

    def create_cluster(
        self,
        *,
        name: str,
        spark_version: str,
        node_type_id: str,
        num_workers: int,
        autotermination_minutes: int = 30,
        spark_conf: Mapping[str, str] | None = None,
    ) -> str:
        answer = self._call(
            "POST",
            f"{CLUSTERS}/create",
            body={
                "cluster_name": name,
                "spark_version": spark_version,
                "node_type_id": node_type_id,
                "num_workers": num_workers,
                "autotermination_minutes": autotermination_minutes,
                "spark_conf": dict(spark_conf or {}),
            },
        )
        return answer["cluster_id"]

    def get_cluster(self, cluster_id: str) -> dict:
        return self._call("GET", f"{CLUSTERS}/get", query={"cluster_id": cluster_id})

    def delete_cluster(self, cluster_id: str) -> None:
        """Terminate the cluster (Databricks keeps its configuration for 30 days)."""
        self._call("POST", f"{CLUSTERS}/delete", body={"cluster_id": cluster_id})

    def wait_for_cluster(
        self,
        cluster_id: str,
        *,
        timeout_seconds: float = 1200,
        poll_seconds: float = 10,
        sleep: Callable[[float], None] = time.sleep,
    ) -> dict:
        deadline = time.monotonic() + timeout_seconds
        while True:
            cluster = self.get_cluster(cluster_id)
            state = cluster.get("state")
            if state == "RUNNING":
                return cluster
            if state in ("TERMINATED", "TERMINATING", "ERROR", "UNKNOWN"):
                raise DatabricksError(
                    f"Cluster {cluster_id} is {state}: "
                    f"{cluster.get('state_message') or 'no reason given'}"
                )
            if time.monotonic() > deadline:
                raise DatabricksError(
                    f"Cluster {cluster_id} was still {state} after {timeout_seconds:g} s."
                )
            sleep(poll_seconds)

    # --- files --------------------------------------------------------------------------------

    def upload_file(
        self, local_path: str | Path, remote_path: str, *, overwrite: bool = True
    ) -> str:
        """Upload to ``dbfs:/...`` (streamed in 1 MB blocks) or ``/Volumes/...`` (Files API).

        Returns the path a job on the cluster reads the file from.
        """
        local_path = Path(local_path)
        if remote_path.startswith("dbfs:/"):
            dbfs_path = remote_path.removeprefix("dbfs:")
            handle = self._call(
                "POST", f"{DBFS}/create", body={"path": dbfs_path, "overwrite": overwrite}
            )["handle"]
            with local_path.open("rb") as source:
                while block := source.read(DBFS_BLOCK_BYTES):
                    self._call(
                        "POST",
                        f"{DBFS}/add-block",
                        body={"handle": handle, "data": base64.b64encode(block).decode("ascii")},
                    )
            self._call("POST", f"{DBFS}/close", body={"handle": handle})
            return remote_path
        if remote_path.startswith("/Volumes/"):
            quoted = urllib.parse.quote(remote_path)
            self._call(
                "PUT",
                f"{FILES}{quoted}",
                query={"overwrite": "true" if overwrite else "false"},
                raw=local_path.read_bytes(),
            )
            return remote_path
        raise DatabricksError(f"Upload to dbfs:/... or /Volumes/...; {remote_path!r} is neither.")

    # --- job runs -----------------------------------------------------------------------------

    def submit_run(
        self,
        *,
        run_name: str,
        python_file: str,
        parameters: list[str],
        cluster_id: str | None = None,
        new_cluster: Mapping | None = None,
        timeout_seconds: int = 3600,
        task_key: str = "mlbench",
    ) -> int:
        """Submit a one-time run of a Python file; returns the (parent) run id."""
        task = python_task(
            task_key,
            python_file=python_file,
            parameters=parameters,
            cluster_id=cluster_id,
            new_cluster=new_cluster,
        )
        return self.submit(run_name=run_name, tasks=[task], timeout_seconds=timeout_seconds)

    def submit(self, *, run_name: str, tasks: list[dict], timeout_seconds: int = 3600) -> int:
        """``runs/submit`` with these tasks (see :func:`python_task`); returns the run id.

        Databricks stops the run after ``timeout_seconds`` even if nobody is watching it any
        more (a killed worker must not leave clusters running).
        """
        answer = self._call(
            "POST",
            f"{JOBS}/runs/submit",
            body={"run_name": run_name, "timeout_seconds": timeout_seconds, "tasks": tasks},
        )
        return int(answer["run_id"])

    def cancel_run(self, run_id: int) -> None:
        """Cancel a run and all its tasks (asynchronous: the run ends as CANCELED soon after)."""
        self._call("POST", f"{JOBS}/runs/cancel", body={"run_id": run_id})

    def get_run(self, run_id: int) -> dict:
        return self._call("GET", f"{JOBS}/runs/get", query={"run_id": run_id})

    def get_run_output(self, task_run_id: int) -> dict:
        return self._call("GET", f"{JOBS}/runs/get-output", query={"run_id": task_run_id})

    def wait_for_run(
        self,
        run_id: int,
        *,
        timeout_seconds: float = 3600,
        poll_seconds: float = 10,
        sleep: Callable[[float], None] = time.sleep,
        on_state: Callable[[str], None] | None = None,
    ) -> dict:
        """Poll until the run reaches a final state; returns the final ``runs/get`` answer."""
        deadline = time.monotonic() + timeout_seconds
        while True:
            run = self.get_run(run_id)
            state = run.get("state", {}).get("life_cycle_state", "UNKNOWN")
            if on_state:
                on_state(state)
            if state in FINAL_LIFE_CYCLE_STATES:
                return run
            if time.monotonic() > deadline:
                raise DatabricksError(
                    f"Run {run_id} was still {state} after {timeout_seconds:g} s."
                )
            sleep(poll_seconds)

    def task_outputs(self, run: Mapping) -> dict[str, dict]:
        """``get-output`` of every task of a finished run, keyed by task key."""
        return {
            task["task_key"]: self.get_run_output(task["run_id"]) for task in run.get("tasks", [])
        }

    # --- transport ----------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping | None = None,
        body: Mapping | None = None,
        raw: bytes | None = None,
    ) -> dict:
        url = self.host + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {"Authorization": f"Bearer {self.token}", "User-Agent": "sparkhub-mlbench"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif raw is not None:
            data = raw
            headers["Content-Type"] = "application/octet-stream"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            raise _api_error(method, path, error) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise DatabricksError(f"Could not reach Databricks at {self.host}: {reason}") from None
        return json.loads(payload) if payload.strip() else {}


def python_task(
    task_key: str,
    *,
    python_file: str,
    parameters: list[str],
    cluster_id: str | None = None,
    new_cluster: Mapping | None = None,
    depends_on: Iterable[str] = (),
) -> dict:
    """One ``spark_python_task`` for ``runs/submit``, on an existing or a new cluster."""
    if bool(cluster_id) == bool(new_cluster):
        raise DatabricksError("Give exactly one of cluster_id or new_cluster.")
    task: dict[str, Any] = {
        "task_key": task_key,
        "spark_python_task": {"python_file": python_file, "parameters": list(parameters)},
    }
    if cluster_id:
        task["existing_cluster_id"] = cluster_id
    else:
        task["new_cluster"] = dict(new_cluster)
    if depends_on:
        task["depends_on"] = [{"task_key": key} for key in depends_on]
    return task


def _api_error(method: str, path: str, error: urllib.error.HTTPError) -> DatabricksError:
    text = error.read().decode("utf-8", errors="replace")
    try:
        detail = json.loads(text)
    except json.JSONDecodeError:
        detail = {}
    code = detail.get("error_code")
    message = detail.get("message") or text.strip()[:300] or error.reason
    if error.code in (401, 403):
        hint = " Check DATABRICKS_TOKEN."
    elif error.code == 404 and not code:
        hint = " Check DATABRICKS_HOST."
    else:
        hint = ""
    return DatabricksError(
        f"Databricks {method} {path} failed with HTTP {error.code}"
        f"{f' {code}' if code else ''}: {message}.{hint}",
        status=error.code,
        error_code=code,
    )
