"""What /metrics exposes: HTTP counters from this process (or all, in multiprocess mode),
plus queue lengths and runs by status read fresh at scrape time."""

from __future__ import annotations

import importlib
import os

from django.apps import apps
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import REGISTRY, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST


class RunsAndQueuesCollector:
    def collect(self):
        from django.db.models import Count

        from sparkhub.queues import QUEUE_NAMES, get_queue
        from sparkhub.runs import tracked_run_models

        runs = GaugeMetricFamily(
            "sparkhub_runs", "Runs by kind and status", labels=["kind", "status"]
        )
        for model in tracked_run_models():
            for row in model.objects.values("status").annotate(n=Count("pk")):
                runs.add_metric([model._meta.label_lower, row["status"]], row["n"])
        yield runs
        queued = GaugeMetricFamily("sparkhub_queue_length", "Jobs waiting", labels=["queue"])
        for name in QUEUE_NAMES:
            queued.add_metric([name], get_queue(name).count)
        yield queued
        # Apps add their own figures with a metrics.collect() (lakehouse: rows per step).
        for app in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{app.name}.metrics")
            except ModuleNotFoundError as error:
                if error.name != f"{app.name}.metrics":
                    raise
                continue
            if hasattr(module, "collect"):  # sparkhub.metrics itself is this module
                yield from module.collect()


def render_metrics() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        http_registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(http_registry)
    else:
        http_registry = REGISTRY
    state_registry = CollectorRegistry()
    state_registry.register(RunsAndQueuesCollector())
    return generate_latest(http_registry) + generate_latest(state_registry), CONTENT_TYPE_LATEST
