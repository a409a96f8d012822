"""Check the lake against a backup's manifest, file by file (sha256)."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compare every file of the lake with the backup at --against; exit 1 on a difference."

    def add_arguments(self, parser):
        parser.add_argument("--against", required=True, dest="backup")
        parser.add_argument("--lake", default=None, help="lake root (default DATA_ROOT)")

    def handle(self, *args, **options):
        from lakehouse.engine.backup import BackupError, verify_lake

        try:
            report = verify_lake(options["lake"] or settings.DATA_ROOT, options["backup"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(report, indent=2))
        if not report["ok"]:
            raise CommandError("the lake differs from the backup")
