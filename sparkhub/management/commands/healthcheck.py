"""Exit 0 when the database and Redis answer (the container health check of a worker)."""

import json
import sys

from django.core.management.base import BaseCommand

from sparkhub.health import check_health


class Command(BaseCommand):
    help = "Check that the database and Redis answer; exit status 1 when either does not."

    def handle(self, *args, **options):
        checks = check_health()
        self.stdout.write(json.dumps(checks))
        if any(value != "ok" for value in checks.values()):
            sys.exit(1)
