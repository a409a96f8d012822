"""Back up the lake (DATA_ROOT) to a directory or s3:// URI; incremental after the first."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Copy the lake to --to PATH_OR_S3_URI with a checksum manifest (changed partitions only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, dest="destination")
        parser.add_argument("--lake", default=None, help="lake root (default DATA_ROOT)")

    def handle(self, *args, **options):
        from lakehouse.engine.backup import BackupError, backup_lake

        try:
            report = backup_lake(options["lake"] or settings.DATA_ROOT, options["destination"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(report, indent=2))
