"""Run all of sparkhub on one machine: Redis (embedded when REDIS_URL is unset), RQ workers and
gunicorn, stopped together on Ctrl-C or SIGTERM."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from sparkhub.processes import signal_tree
from sparkhub.queues import QUEUE_NAMES

GRACE_SECONDS = 15


class Command(BaseCommand):
    help = "Migrate, then run the embedded Redis (if needed), RQ workers and the web server."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to bind (127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="Port to serve on (8000)")
        parser.add_argument("--workers", type=int, default=2, help="RQ worker processes (2)")
        parser.add_argument("--web-workers", type=int, default=2, help="gunicorn processes (2)")
        parser.add_argument("--threads", type=int, default=8, help="Threads per web process (8)")

    def handle(self, *args, **options):
        if options["workers"] < 1 or options["web_workers"] < 1:
            raise CommandError("--workers and --web-workers must be at least 1")
        self.stopping = False
        signal.signal(signal.SIGTERM, self._request_stop)
        signal.signal(signal.SIGINT, self._request_stop)

        self.stdout.write("Applying database migrations…")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        # With no REDIS_URL this launcher owns the embedded Redis and stops it on the way out.
        owns_redis = settings.USE_EMBEDDED_REDIS
        if owns_redis:
            settings.EMBEDDED_REDIS.ensure_running()
            self.stdout.write(f"Embedded Redis on {settings.EMBEDDED_REDIS.socket_path}")
        env = self._child_env()
        self.children: dict[str, subprocess.Popen] = {}
        try:
            for number in range(1, options["workers"] + 1):
                self._start(f"worker-{number}", self._worker_command(), env)
            self._start("web", self._web_command(options), env)
            url = f"http://{options['host']}:{options['port']}/"
            self.stdout.write(self.style.SUCCESS(f"sparkhub is running at {url}"))
            self.stdout.write(
                "Log in as 'admin' (create it with `python manage.py demo`; the password is "
                "SPARKHUB_ADMIN_PASSWORD or the one it printed). Ctrl-C stops everything."
            )
            self._supervise(env)
        finally:
            self._stop_children()
            if owns_redis:
                self.stdout.write("Flushing the embedded Redis to disk and stopping it…")
                settings.EMBEDDED_REDIS.stop()
            self.stdout.write("Stopped.")

    def _request_stop(self, signum, frame):
        self.stopping = True

    def _child_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["SPARKHUB_VAR_DIR"] = str(settings.VAR_DIR)
        # gunicorn runs several processes: prometheus_client aggregates them through files.
        metrics_dir = settings.VAR_DIR / "prometheus"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir))
        return env

    def _worker_command(self) -> list[str]:
        return [sys.executable, "manage.py", "rqworker", *QUEUE_NAMES]

    def _web_command(self, options) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "sparkhub.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--worker-class",
            "gthread",
            "--workers",
            str(options["web_workers"]),
            "--threads",
            str(options["threads"]),
            "--graceful-timeout",
            str(GRACE_SECONDS - 5),
            "--access-logfile",
            "-",
            "--no-control-socket",
        ]

    def _start(self, name: str, command: list[str], env: dict[str, str]) -> None:
        # A session of its own per child, so stopping it also stops what it forked (work horses,
        # Spark JVMs) and Ctrl-C in the terminal reaches only this supervisor.
        self.children[name] = subprocess.Popen(
            command, env=env, cwd=settings.BASE_DIR, start_new_session=True
        )

    def _supervise(self, env: dict[str, str]) -> None:
        while not self.stopping:
            time.sleep(0.5)
            for name, process in list(self.children.items()):
                if process.poll() is None:
                    continue
                if name == "web":
                    raise CommandError(f"The web server exited with status {process.returncode}")
                self.stderr.write(f"{name} exited ({process.returncode}); starting it again")
                self._start(name, self._worker_command(), env)

    def _stop_children(self) -> None:
        for process in self.children.values():
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for process in self.children.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for process in self.children.values():
            # Whatever is left (a stuck job in its own session, a JVM) goes now.
            signal_tree(process.pid, signal.SIGKILL)
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass
