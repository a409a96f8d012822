"""Print a Databricks Jobs API (2.1 jobs/create) payload that runs a pipeline on a cluster."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from lakehouse.models import Pipeline


class Command(BaseCommand):
    help = (
        "Print the jobs/create payload for pipeline NAME. Put this repository in the workspace "
        "(e.g. a Databricks Git folder) at --workspace-dir and the pipeline's .conf at --conf."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--workspace-dir", default="/Workspace/Repos/sparkhub/sparkhub")
        parser.add_argument(
            "--conf",
            default=None,
            help="conf path on the cluster "
            "(default: <workspace-dir>/lakehouse/pipelines/NAME.conf)",
        )
        parser.add_argument("--set", action="append", default=[], dest="overrides")
        parser.add_argument("--spark-version", default="16.4.x-scala2.13")
        parser.add_argument("--node-type", default="i3.xlarge")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--cron", default=None, help='Quartz cron, e.g. "0 0 2 * * ?"')

    def handle(self, *args, **options):
        pipeline = Pipeline.objects.filter(name=options["name"]).first()
        if pipeline is None:
            raise CommandError(f"No pipeline named {options['name']!r} (see the lakehouse page).")
        root = options["workspace_dir"].rstrip("/")
        conf = options["conf"] or f"{root}/lakehouse/pipelines/{pipeline.name}.conf"
        parameters = [conf]
        for override in options["overrides"]:
            parameters += ["--set", override]
        payload = {
            "name": f"sparkhub-{pipeline.name}",
            "tasks": [
                {
                    "task_key": pipeline.name,
                    "spark_python_task": {
                        "python_file": f"{root}/lakehouse/run_on_cluster.py",
                        "parameters": parameters,
                    },
                    "new_cluster": {
                        "spark_version": options["spark_version"],
                        "node_type_id": options["node_type"],
                        "num_workers": options["workers"],
                        "spark_conf": {"spark.sql.session.timeZone": "UTC"},
                    },
                    "libraries": [{"pypi": {"package": "pyhocon==0.3.63"}}],
                }
            ],
            "max_concurrent_runs": 1,
        }
        if options["cron"]:
            payload["schedule"] = {"quartz_cron_expression": options["cron"], "timezone_id": "UTC"}
        self.stdout.write(json.dumps(payload, indent=2))
