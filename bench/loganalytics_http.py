"""HTTP ingest speed: single-event requests per second and events per second in batches.

Starts gunicorn on 127.0.0.1 against a fresh database and loads ``POST /logs/ingest`` with
``wrk`` (Debian's package; ``scripts/ensure_wrk.sh`` installs it) for a fixed duration per round.
Every request carries seed TaskEnd events never sent before (``bench/ingest.lua`` numbers the
jobs), so every request stores rows; afterwards the stored events are counted and must equal
what the 202 answers acknowledged. Prints the median of ``--rounds`` rounds for each figure.
Goals from the issue: at least 1,000 single-event requests/s and 20,000 events/s in batches on
2 cores with gunicorn and PostgreSQL.

    .venv/bin/python bench/loganalytics_http.py                       # SQLite in a temp dir
    DATABASE_URL=postgres://user@127.0.0.1/bench .venv/bin/python bench/loganalytics_http.py

wrk runs on the same 2 cores and takes some CPU from the server.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "ingest.lua"


def measure(server, port, token, *, seconds, connections, per_request, first_job):
    """(requests/s, server CPU ms per request, non-202 answers) of one wrk run."""
    command = [
        "wrk",
        f"--threads={min(2, connections)}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={LUA}",
        f"http://127.0.0.1:{port}/logs/ingest",
        "--",
        token,
        str(per_request),
        str(first_job),
    ]
    cpu_before = server_cpu_seconds(server.pid)
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    cpu = server_cpu_seconds(server.pid) - cpu_before
    total = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    failed = (int(bad.group(1)) if bad else 0) + (1 if errors else 0)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return rate, cpu * 1000 / max(total, 1), failed, total


def server_cpu_seconds(master: int) -> float:
    """CPU time used so far by gunicorn's master and workers (Linux /proc): a figure that,
    unlike requests/s, does not depend on what else the machine is running."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(entry.name), int(fields[1])
        if pid == master or parent == master:
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(*args: str, env: dict, capture: bool = False) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=capture,
        text=True,
    )
    return done.stdout if capture else ""


def bench_token(env: dict) -> str:
    script = (
        "from django.contrib.auth.models import User;"
        "from rest_framework.authtoken.models import Token;"
        "u, _ = User.objects.get_or_create(username='ingest-bench');"
        "print(Token.objects.get_or_create(user=u)[0].key)"
    )
    return manage("shell", "-c", script, env=env, capture=True).strip().splitlines()[-1]


def stored_events(env: dict) -> int:
    script = (
        "from loganalytics.models import SparkEvent;"
        "print(SparkEvent.objects.filter(application__app_id='bench').count())"
    )
    return int(manage("shell", "-c", script, env=env, capture=True).strip().splitlines()[-1])


def wait_for(port: int) -> None:
    for _ in range(150):  # bounded: 30 s
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def run(options, var: str) -> int:
    from sparkhub.embedded_redis import EmbeddedRedis

    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        SPARKHUB_VAR_DIR=var,
        DJANGO_SETTINGS_MODULE="sparkhub.settings",
        API_USER_RATE="1000000000/hour",  # measure ingest, not the throttle
    )
    database = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    manage("migrate", "-v0", env=env)
    token = bench_token(env)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "sparkhub.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(options.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(options.threads),
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_for(port)
        *_, sent = measure(
            server, port, token, seconds=2, connections=4, per_request=1, first_job=0
        )
        single, batched, single_cpu, batch_cpu, failures = [], [], [], [], 0
        for round_number in range(options.rounds):
            rate, cpu_ms, failed, total = measure(
                server,
                port,
                token,
                seconds=options.seconds,
                connections=options.connections,
                per_request=1,
                first_job=(1 + round_number) * 10**7,
            )
            single.append(rate)
            single_cpu.append(cpu_ms)
            failures += failed
            sent += total
            rate, cpu_ms, failed, total = measure(
                server,
                port,
                token,
                seconds=options.seconds,
                connections=options.connections,
                per_request=options.batch_size,
                first_job=(50 + round_number) * 10**7,
            )
            batched.append(rate * options.batch_size)
            batch_cpu.append(cpu_ms / options.batch_size)
            failures += failed
            sent += total * options.batch_size
        stored = stored_events(env)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if "REDIS_URL" not in os.environ:
            EmbeddedRedis(Path(var)).stop()
    cores = os.cpu_count() or 1
    load = os.getloadavg()[0]
    print(
        f"HTTP ingest on {database}, gunicorn {options.workers} workers x {options.threads} "
        f"threads, wrk with {options.connections} connections, {cores} CPUs, "
        f"load average {load:.1f}"
    )
    cpu = statistics.median(single_cpu)
    print(
        f"  single events  {statistics.median(single):9.0f} requests/s  median of "
        f"{options.rounds} x {options.seconds} s (goal >= 1,000); server CPU "
        f"{cpu:.2f} ms/request = {cores * 1000 / cpu:,.0f} requests/s on {cores} idle cores"
    )
    cpu = statistics.median(batch_cpu)
    print(
        f"  batches of {options.batch_size:<4}{statistics.median(batched):9.0f} events/s    "
        f"median of {options.rounds} x {options.seconds} s (goal >= 20,000); server CPU "
        f"{cpu * 1000:.0f} us/event = {cores * 1000 / cpu:,.0f} events/s on {cores} idle cores"
    )
    # wrk counts requests it completed; a request cut off at the end of a round may still
    # have been stored, so stored >= acknowledged, and never fewer.
    print(f"  events stored {stored:,} for {sent:,} events sent in answered requests")
    if failures:
        print(f"  {failures} request(s) did not get 202")
    lost = stored < sent - failures * options.batch_size
    if lost:
        print("  FEWER EVENTS STORED THAN ACKNOWLEDGED")
    return 1 if failures or lost else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="duration of each wrk run")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    options = parser.parse_args()
    subprocess.run(["bash", str(ROOT / "scripts" / "ensure_wrk.sh")], check=True)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="sparkhub-ingest-bench-") as var:
        return run(options, var)


if __name__ == "__main__":
    sys.exit(main())
