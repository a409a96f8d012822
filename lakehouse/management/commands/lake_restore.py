"""Restore the lake from a backup, then prove it byte-identical to the manifest."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Rebuild the lake from --from PATH_OR_S3_URI (into an empty lake unless --overwrite)."

    def add_arguments(self, parser):
        parser.add_argument("--from", required=True, dest="source")
        parser.add_argument("--lake", default=None, help="lake root (default DATA_ROOT)")
        parser.add_argument("--overwrite", action="store_true", help="replace a non-empty lake")

    def handle(self, *args, **options):
        from lakehouse.engine.backup import BackupError, restore_lake

        lake = options["lake"] or settings.DATA_ROOT
        try:
            report = restore_lake(options["source"], lake, overwrite=options["overwrite"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(report, indent=2))
        if not report["ok"]:
            raise CommandError("the restored lake differs from the backup")
