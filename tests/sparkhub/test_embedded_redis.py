"""The embedded Redis: one server per var/ dir, persistent, recovering from crashes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from sparkhub.embedded_redis import MAX_SOCKET_PATH, EmbeddedRedis
from tests.sparkhub.helpers import REPO, wait_for

pytestmark = pytest.mark.redis


@pytest.fixture
def embedded(tmp_path):
    server = EmbeddedRedis(tmp_path / "var")
    yield server
    server.stop()


def test_it_starts_on_a_unix_socket_without_any_tcp_port(embedded):
    assert embedded.ensure_running() is True

    assert embedded.client().ping()
    assert embedded.socket_path.is_socket()
    config = embedded.client().config_get("port")
    assert config["port"] == "0"
    assert embedded.client().config_get("appendonly")["appendonly"] == "yes"


def test_a_second_start_reuses_the_running_server(embedded):
    embedded.ensure_running()
    pid = embedded.server_pid()

    assert embedded.ensure_running() is False
    assert embedded.server_pid() == pid


def test_data_survives_a_clean_stop_and_start(embedded):
    embedded.ensure_running()
    embedded.client().set("kept", "yes")

    embedded.stop()
    assert not embedded.is_running()
    embedded.ensure_running()

    assert embedded.client().get("kept") == b"yes"


def test_after_a_crash_the_stale_socket_is_cleaned_and_appended_data_is_back(embedded):
    embedded.ensure_running()
    embedded.client().set("before-crash", "1")
    time.sleep(1.2)  # appendfsync everysec
    os.kill(embedded.server_pid(), signal.SIGKILL)
    assert wait_for(lambda: not embedded.is_running(), timeout=5)
    assert embedded.socket_path.exists(), "a crashed server leaves its socket file behind"

    assert embedded.ensure_running() is True

    assert embedded.client().get("before-crash") == b"1"


def test_a_deep_var_dir_gets_a_short_socket_path(tmp_path):
    deep = tmp_path.joinpath(*["a-rather-long-directory-name"] * 5)
    server = EmbeddedRedis(deep)

    assert len(str(deep / "redis" / "redis.sock")) > MAX_SOCKET_PATH
    assert len(str(server.socket_path)) <= MAX_SOCKET_PATH
    try:
        server.ensure_running()
        assert server.client().ping()
    finally:
        server.stop()


def test_processes_starting_it_at_the_same_time_get_one_server(tmp_path):
    var = tmp_path / "var"
    code = (
        "import sys; from pathlib import Path; from sparkhub.embedded_redis import EmbeddedRedis;"
        "print(EmbeddedRedis(Path(sys.argv[1])).ensure_running())"
    )
    starters = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(var)], cwd=REPO, stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    answers = [p.communicate(timeout=60)[0].strip() for p in starters]
    server = EmbeddedRedis(var)
    try:
        assert sorted(answers) == ["False", "False", "False", "True"]
        servers = subprocess.run(
            ["pgrep", "-f", f"unixsocket:{server.socket_path}"], capture_output=True, text=True
        ).stdout.split()
        assert len(servers) == 1
    finally:
        server.stop()
