"""A local Spark standalone cluster (master + N workers) from the pyspark package."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "start|stop|status a standalone Spark cluster bound to 127.0.0.1 with a private work "
        "dir under var/spark-cluster; point SPARK_MASTER at the printed master URL."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "status"])
        parser.add_argument("--workers", type=int, default=2, help="workers to start (2)")
        parser.add_argument("--cores", type=int, default=1, help="cores per worker (1)")
        parser.add_argument("--memory", default="1g", help="memory per worker (1g)")

    def handle(self, *args, **options):
        from mlbench.engine.cluster import ClusterError, cluster_status, start_cluster, stop_cluster

        base = settings.VAR_DIR / "spark-cluster"
        try:
            if options["action"] == "start":
                status = start_cluster(
                    base,
                    workers=options["workers"],
                    cores_per_worker=options["cores"],
                    memory=options["memory"],
                )
            elif options["action"] == "stop":
                status = stop_cluster(base)
            else:
                status = cluster_status(base)
        except ClusterError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(status, indent=2))
        if options["action"] == "start" and status.get("master_url"):
            self.stdout.write(f"export SPARK_MASTER={status['master_url']}")
