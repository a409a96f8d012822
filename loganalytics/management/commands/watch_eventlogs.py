import time

from django.conf import settings
from django.core.management.base import BaseCommand

from loganalytics.services import scan_eventlog_dir


class Command(BaseCommand):
    help = (
        "Import new or grown event logs from SPARK_EVENTLOG_DIR: once with --once (for cron "
        "or a scheduler), otherwise every --interval seconds until stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="scan once and exit")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between scans")
        parser.add_argument("--dir", default=None, help="another directory to watch")

    def handle(self, *args, once: bool, interval: float, dir: str | None, **options):
        directory = dir or settings.SPARK_EVENTLOG_DIR
        while True:
            for line in scan_eventlog_dir(directory):
                self.stdout.write(line)
            if once:
                return
            time.sleep(interval)
