"""The web process never loads the JVM: pyspark is imported only where Spark actually runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.sparkhub.helpers import REPO

PROBE = """
import importlib, json, pkgutil, sys
import django
django.setup()
import sparkhub.wsgi  # the web process, as gunicorn loads it
from django.urls import get_resolver
get_resolver().url_patterns  # every URLconf, views and API modules
imported = []
def visit(package):
    for module in pkgutil.iter_modules(package.__path__, prefix=package.__name__ + "."):
        # Engines run on workers and may import pyspark; walk_packages would import them.
        if module.name.endswith((".engine", ".migrations")):
            continue
        loaded = importlib.import_module(module.name)
        imported.append(module.name)
        if module.ispkg:
            visit(loaded)
for package in ("sparkhub", "explainer", "loganalytics", "mlbench", "lakehouse"):
    visit(importlib.import_module(package))
print(json.dumps({"imported": imported,
                  "jvm": sorted(m for m in sys.modules if m.split(".")[0] in ("pyspark", "py4j"))}))
"""


def test_setting_up_django_and_importing_every_web_module_never_imports_pyspark():
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "sparkhub.settings"},
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])

    assert "sparkhub.views" in result["imported"]
    assert "sparkhub.spark" in result["imported"]
    assert result["jvm"] == []
