"""Explainer speed: analysis time against ``ast.parse`` of the same source (target: <= 5x),
and a cached resubmission through the HTTP API (target: < 50 ms).

Measures the median of repeated runs on (1) a generated 5,000-line PySpark file and (2) real
code: the labelled test programs concatenated. SQL parse caches are cleared before every run so
each analysis is measured cold. The API figure is measured over real HTTP against gunicorn on
127.0.0.1 with the embedded defaults (SQLite, embedded Redis) in a temporary directory.

    .venv/bin/python bench/explainer.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from explainer.analysis import analyse  # noqa: E402
from explainer.analysis.sql import clear_sql_cache  # noqa: E402

PROGRAMS = ROOT / "tests" / "explainer" / "programs"
TARGET_RATIO = 5.0


def generated_source(lines: int = 5_000) -> str:
    """A realistic long job: reads, filters, derived columns, joins, aggregations, writes."""
    out = [
        "from pyspark.sql import SparkSession, Window",
        "from pyspark.sql import functions as F",
        "spark = SparkSession.builder.appName('generated').getOrCreate()",
        "dims = spark.read.parquet('/lake/dims')",
    ]
    index = 0
    while len(out) < lines:
        out += [
            f"def step_{index}(frame, threshold={index}):",
            "    frame = frame.filter(F.col('amount') > threshold)",
            "    return frame.withColumn('net', F.col('amount') * 0.8)",
            f"raw_{index} = spark.read.schema('id INT, k INT, amount DOUBLE').parquet(",
            f"    '/lake/t{index}')",
            f"clean_{index} = step_{index}(raw_{index}).join(dims, 'k', 'left')",
            f"agg_{index} = clean_{index}.groupBy('k').agg(F.sum('net').alias('total'))",
            f"agg_{index}.write.mode('overwrite').parquet('/mart/t{index}')",
            f"if agg_{index}.count() == 0:",
            f"    print('empty {index}')",
            "",
        ]
        index += 1
    return "\n".join(out[:lines]) + "\n"


def real_source() -> str:
    files = sorted(PROGRAMS.glob("*.py")) + sorted(PROGRAMS.glob("*/*.py"))
    return "\n".join(path.read_text() for path in files)


def median_seconds(function, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        clear_sql_cache()
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def measure(name: str, source: str, repeats: int) -> float:
    parse = median_seconds(lambda: ast.parse(source), repeats)
    analysis = median_seconds(lambda: analyse(source), repeats)
    ratio = analysis / parse
    lines = len(source.splitlines())
    verdict = "ok" if ratio <= TARGET_RATIO else "SLOWER THAN TARGET"
    print(
        f"{name:<22} {lines:>6} lines  ast.parse {parse * 1000:8.1f} ms  "
        f"analyse {analysis * 1000:8.1f} ms  ratio {ratio:4.1f}x  ({verdict})"
    )
    return ratio


def cached_api_milliseconds(repeats: int) -> float:
    """Median time of POST /explain/pyspark for code that was analysed before."""
    import json
    import os
    import socket
    import subprocess
    import tempfile
    import urllib.request

    from sparkhub.embedded_redis import EmbeddedRedis

    with tempfile.TemporaryDirectory(prefix="sparkhub-bench-") as var:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(SPARKHUB_VAR_DIR=var, DJANGO_SETTINGS_MODULE="sparkhub.settings")
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        token = (
            subprocess.run(
                [
                    *manage,
                    "shell",
                    "-c",
                    "from django.contrib.auth.models import User;"
                    "from rest_framework.authtoken.models import Token;"
                    "u = User.objects.create_user('bench');"
                    "print(Token.objects.create(user=u).key)",
                ],
                env=env,
                check=True,
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "sparkhub.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--worker-class",
                "gthread",
                "--threads",
                "4",
                "--no-control-socket",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        body = json.dumps({"code": real_source()}).encode()

        def post() -> float:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/explain/pyspark",
                data=body,
                headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
            )
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
            return time.perf_counter() - started

        try:
            for _ in range(100):  # wait for gunicorn, bounded
                try:
                    first = post()
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                raise RuntimeError("gunicorn did not answer")
            timings = [post() for _ in range(repeats)]
        finally:
            server.terminate()
            server.wait(timeout=30)
            EmbeddedRedis(Path(var)).stop()
    print(f"{'API, first submission':<22} {first * 1000:8.1f} ms (analysed in the request)")
    median = statistics.median(timings)
    verdict = "ok" if median < 0.050 else "SLOWER THAN TARGET"
    print(
        f"{'API, cached resubmit':<22} {median * 1000:8.1f} ms median of {repeats} "
        f"(target < 50 ms: {verdict})"
    )
    return median * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    options = parser.parse_args()
    print(
        f"explainer analysis vs ast.parse, median of {options.repeats} runs "
        f"(target <= {TARGET_RATIO:.0f}x)"
    )
    ratios = [
        measure("generated 5,000 lines", generated_source(), options.repeats),
        measure("labelled programs", real_source(), options.repeats),
    ]
    cached_ms = cached_api_milliseconds(max(options.repeats, 20))
    return 0 if max(ratios) <= TARGET_RATIO and cached_ms < 50 else 1


if __name__ == "__main__":
    sys.exit(main())
