"""Talk to Databricks (DATABRICKS_HOST, DATABRICKS_TOKEN): check, upload, clusters, runs."""

from __future__ import annotations

import json
import os

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "databricks check | upload LOCAL REMOTE | create-cluster | run FILE"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("check", help="prove the host and token work")
        upload = actions.add_parser("upload", help="copy a file to dbfs:/… or /Volumes/…")
        upload.add_argument("local")
        upload.add_argument("remote")
        cluster = actions.add_parser("create-cluster", help="create a cluster and wait for it")
        cluster.add_argument("--name", default="sparkhub-mlbench")
        cluster.add_argument("--spark-version", required=True)
        cluster.add_argument("--node-type", required=True)
        cluster.add_argument("--workers", type=int, default=2)
        run = actions.add_parser("run", help="run a Python file on a cluster and wait")
        run.add_argument("python_file", help="dbfs:/… or /Volumes/… path of the script")
        run.add_argument("--cluster-id", required=True)
        run.add_argument("--param", action="append", default=[])

    def handle(self, *args, **options):
        from mlbench.databricks import DatabricksClient, DatabricksError

        try:
            client = DatabricksClient.from_env(os.environ)
            answer = self._act(client, options)
        except DatabricksError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(answer, indent=2, default=str))

    def _act(self, client, options) -> object:
        action = options["action"]
        if action == "check":
            return {"host": client.host, "spark_versions": client.check()}
        if action == "upload":
            return {"path": client.upload_file(options["local"], options["remote"])}
        if action == "create-cluster":
            cluster_id = client.create_cluster(
                name=options["name"],
                spark_version=options["spark_version"],
                node_type_id=options["node_type"],
                num_workers=options["workers"],
            )
            return client.wait_for_cluster(cluster_id)
        run_id = client.submit_run(
            run_name="sparkhub",
            python_file=options["python_file"],
            parameters=options["param"],
            cluster_id=options["cluster_id"],
        )
        run = client.wait_for_run(run_id)
        return {"run": run, "outputs": client.task_outputs(run)}
