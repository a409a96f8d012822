"""`manage.py serve` on the embedded defaults: starts, answers, runs a job, stops cleanly."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest

from tests.sparkhub.helpers import REPO, manage, processes_mentioning, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.redis]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """Just enough of a browser: cookies, CSRF tokens, redirects."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except urllib.error.URLError:
            return 0, ""  # not listening yet

    def post(self, path: str, fields: dict[str, str]) -> tuple[str, str]:
        token = next(c.value for c in self.cookies if c.name == "csrftoken")
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Referer": self.base}
        )
        with self.opener.open(request, timeout=10) as response:
            return response.url, response.read().decode()


def test_serve_starts_everything_runs_a_job_and_stops_without_leftovers(tmp_path):
    var_dir = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(SPARKHUB_VAR_DIR=str(var_dir), SPARKHUB_ADMIN_PASSWORD="serve-smoke-pw")
    for command in (["migrate", "-v0"], ["demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=REPO,
            env=env,
            check=True,
            timeout=120,
            capture_output=True,
        )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = manage("serve", "--port", str(port), "--workers", "1", "--web-workers", "1", env=env)
    browser = Browser(base)
    try:
        assert wait_for(lambda: browser.get("/healthz")[0] == 200, timeout=90, interval=0.5)

        browser.get("/accounts/login/")
        url, _ = browser.post(
            "/accounts/login/", {"username": "admin", "password": "serve-smoke-pw"}
        )
        assert url == base + "/"
        url, _ = browser.post("/system/worker-check", {"queue": "default"})
        run_id = re.search(r"/runs/sparkhub.workercheck/(\d+)/", url).group(1)
        status_path = f"/runs/sparkhub.workercheck/{run_id}/status"
        assert wait_for(lambda: "Succeeded" in browser.get(status_path)[1], timeout=60)
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=60)[0]

    assert server.returncode == 0, output
    assert "sparkhub is running at" in output and "Stopped." in output
    assert processes_mentioning(str(var_dir)) == []
    assert not (var_dir / "redis" / "redis.sock").exists()
    assert (var_dir / "redis" / "appendonly.aof").exists() or any(
        (var_dir / "redis").glob("appendonly*")
    )
