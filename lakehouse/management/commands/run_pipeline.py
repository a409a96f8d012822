"""Run a HOCON pipeline in the foreground and print its run report."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from lakehouse.services import PipelineConfigError, run_pipeline_in_foreground
from sparkhub.runs import RunStatus


class Command(BaseCommand):
    help = "Run a pipeline: a shipped name (returns), a .conf file or HOCON text."

    def add_arguments(self, parser):
        parser.add_argument("conf", help="pipeline name, .conf path or HOCON text")
        parser.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            dest="overrides",
            help="override a config value before resolution (repeatable)",
        )
        parser.add_argument("--dry-run", action="store_true", help="print the plan, touch no data")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, **options):
        try:
            run = run_pipeline_in_foreground(
                conf=options["conf"], overrides=options["overrides"], dry_run=options["dry_run"]
            )
        except PipelineConfigError as error:
            raise CommandError("\n".join(error.problems)) from None
        if options["json"]:
            self.stdout.write(json.dumps(run.report, indent=2, default=str))
        else:
            self._print_summary(run)
        if run.status != RunStatus.SUCCEEDED:
            raise CommandError(f"{run} {run.status}: {run.report.get('error') or run.error[:500]}")

    def _print_summary(self, run) -> None:
        report = run.report
        if run.dry_run:
            from lakehouse.engine import format_plan

            self.stdout.write(format_plan(report["plan"]))
            return
        self.stdout.write(f"{run}: {report.get('status')} in {report.get('duration_seconds')}s")
        for step in report.get("steps", []):
            counts = " ".join(
                f"{name}={step[key]}"
                for key, name in (("rows_in", "in"), ("rows_out", "out"), ("rows_rejected", "rej"))
                if step.get(key) is not None
            )
            self.stdout.write(f"  {step['name']:<24} {step['status']:<10} {counts}")
            if step.get("error"):
                self.stdout.write(f"    error: {step['error']}")
