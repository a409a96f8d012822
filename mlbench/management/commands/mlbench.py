"""Upload a file and benchmark it from the command line, in the foreground."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mlbench.forms import parse_option_value
from mlbench.models import BenchmarkJob, Target
from mlbench.services import DatasetError, results_document, start_benchmark, upload_local_file
from sparkhub.runs import RunError, execute_run


class Command(BaseCommand):
    help = (
        "Benchmark ML tasks on a file: mlbench FILE --tasks T[,T] [--workers 1,2] "
        "[--target local|databricks] [--json]"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--tasks", required=True, help="comma-separated task names")
        parser.add_argument("--workers", default="1,2,4,8", help="worker counts (1,2,4,8)")
        parser.add_argument("--repetitions", type=int, default=3)
        parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE")
        parser.add_argument(
            "--target",
            choices=Target.values,
            default=Target.LOCAL,
            help="where Spark runs: local (SPARK_MASTER, the default) or databricks",
        )
        parser.add_argument("--json", action="store_true", help="print the results document")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            workers = [int(n) for n in options["workers"].split(",") if n]
        except ValueError:
            raise CommandError("--workers takes whole numbers, e.g. 1,2,4") from None
        task_options = {}
        for item in options["option"]:
            key, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--option {item!r} must look like key=value")
            task_options[key.strip()] = parse_option_value(value.strip())
        try:
            # Everything runs here, in the foreground: nothing is queued for the workers.
            dataset = upload_local_file(path=path, enqueue=False)
            job = start_benchmark(
                dataset=dataset,
                tasks=[t for t in options["tasks"].split(",") if t],
                worker_counts=workers,
                repetitions=options["repetitions"],
                options=task_options,
                target=options["target"],
                enqueue=False,
            )
        except DatasetError as error:
            raise CommandError(str(error)) from None
        from mlbench.services import execute_benchmark

        try:
            execute_run(BenchmarkJob, job.pk, execute_benchmark)
        except RunError:
            pass  # recorded on the row and printed below
        job.refresh_from_db()
        document = results_document(job)
        if options["json"]:
            self.stdout.write(json.dumps(document, indent=2, default=str))
        else:
            self._print_summary(document)
        if job.status != "succeeded":
            raise CommandError(f"benchmark {job.status}: {job.error}")

    def _print_summary(self, document: dict) -> None:
        for task, by_workers in document.get("summary", {}).items():
            for workers, row in by_workers.items():
                note = " (oversubscribed)" if row.get("oversubscribed") else ""
                self.stdout.write(
                    f"{task:<20} N={workers:<3} median {row['median_seconds']:.3f}s  "
                    f"speedup {row['speedup']:.2f}  efficiency {row['efficiency']:.2f}{note}"
                )
