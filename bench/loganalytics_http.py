"""HTTP ingest speed: single-event requests per second and events per second in batches.

Starts gunicorn on 127.0.0.1 against a fresh database and posts seed events to
``POST /logs/ingest`` from several client processes, each on one keep-alive connection, with a
bounded number of requests. Every event is new (distinct job and task ids), so every request
stores rows. Prints the median of ``--rounds`` rounds for each figure. Goals from the issue: at
least 1,000 single-event requests/s and 20,000 events/s in batches on 2 cores with PostgreSQL.

    .venv/bin/python bench/loganalytics_http.py                       # SQLite in a temp dir
    DATABASE_URL=postgres://user@127.0.0.1/bench .venv/bin/python bench/loganalytics_http.py

The load generator is Python on the same machine, so it takes CPU from the server: the figures
are a floor for what the server sustains with a separate load generator.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
T0 = 1_767_261_600_000


def seed_events(job: int, count: int) -> list[dict]:
    return [
        {
            "event": "SparkListenerTaskEnd",
            "app_id": "bench",
            "job_id": job,
            "task_id": task,
            "timestamp": T0 + task,
            "duration_ms": 100 + task % 50,
            "successful": task % 20 != 0,
        }
        for task in range(count)
    ]


def client(args: tuple[int, str, int, int, int, int]) -> tuple[int, int, float]:
    """One client process: ``requests`` POSTs of ``per_request`` events; (ok, failed, seconds)."""
    port, token, first_job, requests, per_request, timeout = args
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/x-ndjson"}
    bodies = [
        "\n".join(json.dumps(e) for e in seed_events(first_job + n, per_request)).encode()
        for n in range(requests)
    ]
    ok = failed = 0
    started = time.perf_counter()
    for body in bodies:
        connection.request("POST", "/logs/ingest", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status == 202:
            ok += 1
        else:
            failed += 1
    elapsed = time.perf_counter() - started
    connection.close()
    return ok, failed, elapsed


def measure(server, port, token, *, clients, requests, per_request, first_job):
    """(requests/s over all clients, server CPU ms per request, requests that failed)."""
    each = max(requests // clients, 1)
    work = [(port, token, first_job + n * each, each, per_request, 60) for n in range(clients)]
    with multiprocessing.Pool(clients) as pool:
        cpu_before = server_cpu_seconds(server.pid)
        started = time.perf_counter()
        results = pool.map(client, work)
        wall = time.perf_counter() - started
        cpu = server_cpu_seconds(server.pid) - cpu_before
    ok = sum(r[0] for r in results)
    return ok / wall, cpu * 1000 / max(ok, 1), sum(r[1] for r in results)


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
        measure(server, port, token, clients=2, requests=20, per_request=1, first_job=10**8)
        single, batched, single_cpu, batch_cpu, failures = [], [], [], [], 0
        for round_number in range(options.rounds):
            rate, cpu_ms, failed = measure(
                server,
                port,
                token,
                clients=options.clients,
                requests=options.requests,
                per_request=1,
                first_job=round_number * 10**6,
            )
            single.append(rate)
            single_cpu.append(cpu_ms)
            failures += failed
            rate, cpu_ms, failed = measure(
                server,
                port,
                token,
                clients=options.clients,
                requests=options.batches,
                per_request=options.batch_size,
                first_job=5 * 10**8 + round_number * 10**6,
            )
            batched.append(rate * options.batch_size)
            batch_cpu.append(cpu_ms / options.batch_size)
            failures += failed
    finally:
        server.terminate()
        server.wait(timeout=30)
        if "REDIS_URL" not in os.environ:
            EmbeddedRedis(Path(var)).stop()
    cores = os.cpu_count() or 1
    load = os.getloadavg()[0]
    print(
        f"HTTP ingest on {database}, gunicorn {options.workers} workers x {options.threads} "
        f"threads, {options.clients} client processes, {cores} CPUs, load average {load:.1f}"
    )
    cpu = statistics.median(single_cpu)
    print(
        f"  single events  {statistics.median(single):9.0f} requests/s  median of "
        f"{options.rounds} x {options.requests} requests (goal >= 1,000); server CPU "
        f"{cpu:.2f} ms/request = {cores * 1000 / cpu:,.0f} requests/s on {cores} idle cores"
    )
    cpu = statistics.median(batch_cpu)
    print(
        f"  batches of {options.batch_size:<4}{statistics.median(batched):9.0f} events/s    "
        f"median of {options.rounds} x {options.batches} batches (goal >= 20,000); server CPU "
        f"{cpu * 1000:.0f} us/event = {cores * 1000 / cpu:,.0f} events/s on {cores} idle cores"
    )
    if failures:
        print(f"  {failures} request(s) did not get 202")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="single-event requests/round")
    parser.add_argument("--batches", type=int, default=60, help="batch requests per round")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="sparkhub-ingest-bench-") as var:
        return run(options, var)


if __name__ == "__main__":
    sys.exit(main())
