"""Write the shipped sample datasets and a synthetic one; optionally load them as datasets."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mlbench.engine.catalog import copy_samples


class Command(BaseCommand):
    help = "Write sample datasets (and a synthetic one of --rows rows) to a folder."

    def add_arguments(self, parser):
        parser.add_argument("--to", default=None, help="folder (default var/samples)")
        parser.add_argument("--rows", type=int, default=10_000, help="synthetic rows (10000)")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--load", action="store_true", help="also upload them as datasets")

    def handle(self, *args, **options):
        if options["rows"] < 0:
            raise CommandError("--rows must be 0 or more")
        target = Path(options["to"] or settings.VAR_DIR / "samples")
        written = copy_samples(target, synthetic_rows=options["rows"], seed=options["seed"])
        for path in written:
            self.stdout.write(f"{path} ({path.stat().st_size:,} bytes)")
        if options["load"]:
            from mlbench.services import upload_local_file

            for path in written:
                dataset = upload_local_file(path=path)
                self.stdout.write(f"loaded {dataset} as dataset #{dataset.pk} (profiling queued)")
