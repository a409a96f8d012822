import json

from django.core.management.base import BaseCommand, CommandError

from loganalytics.eventlog import EventLogError
from loganalytics.services import import_event_log


class Command(BaseCommand):
    help = (
        "Import Spark event logs (plain or compressed files, or rolling eventlog_v2_* "
        "directories); prints one line per application. Importing a log again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print one JSON object per log"
        )

    def handle(self, *args, paths, as_json: bool = False, **options):
        for path in paths:
            try:
                run = import_event_log(path=path)
            except EventLogError as error:
                raise CommandError(str(error)) from None
            application = run.application
            if as_json:
                self.stdout.write(_json_line(run))
            else:
                self.stdout.write(
                    f"{application.app_id}\t{run.outcome}\t{application.name}\t"
                    f"{application.job_count} jobs\t{run.events_added} new events"
                )


def _json_line(run) -> str:
    application = run.application
    return json.dumps(
        {
            "app_id": application.app_id,
            "name": application.name,
            "outcome": run.outcome,
            "status": application.status,
            "jobs": application.job_count,
            "events_read": run.events_read,
            "events_added": run.events_added,
            "path": run.source_path,
        }
    )
