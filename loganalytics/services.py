"""Log analytics workflows: import event logs, ingest HTTP events, and read the analytics back.

Every entry point (command, upload page, admin, directory watch, API) calls these functions.
Events are stored once per (application, identity), so importing or posting the same events
again changes nothing; numbers always come from aggregating the stored events.
"""

from __future__ import annotations

import re
import shutil
import traceback
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from loganalytics.eventlog import (
    DEFAULT_APP_ID,
    ApplicationModel,
    Event,
    EventLogError,
    aggregate,
    compare_runs,
    daily_summary,
    extract_event_log_zip,
    job_result,
    last_modified_millis,
    log_files,
    normalise,
    normalise_batch,
    read_events,
)
from loganalytics.eventlog.background import BackgroundAggregate
from loganalytics.eventlog.readers import app_id_from_name, read_raw_events
from loganalytics.models import (
    EventLogImport,
    EventSource,
    ImportOrigin,
    ImportOutcome,
    IngestBatch,
    SparkApplication,
    SparkEvent,
    new_token,
)
from loganalytics.store import (
    EventWriter,
    application_model,
    event_row,
    record_analysis,
    store_ingest,
    stored_events,
)
from sparkhub.queues import enqueue_run
from sparkhub.runs import RunStatus, tracked_run_models

PROGRESS_EVERY_EVENTS = 50_000
# Logs this big (on disk) are parsed by a second process while this one stores them.
BACKGROUND_PARSE_MIN_BYTES = 4 << 20
# Application ids appear in URLs: Spark's own (local-…, app-…, application_…, spark-…) fit.
APP_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$")
APP_ID_RULE = "an application id must be letters, digits, '.', '_', ':' or '-' (at most 255)"
# Uploads up to this size are imported in the request, so a bad file is reported on the form;
# bigger ones are imported by a worker and reported on the import's run page.
UPLOAD_IN_REQUEST_BYTES = 32 << 20
UPLOAD_MAX_UNPACKED_BYTES = 8 << 30


# ------------------------------------------------------------------------ analysis


def reanalyse_application(*, application: SparkApplication) -> SparkApplication:
    """Aggregate the stored events again and refresh the summary columns and findings."""
    application.refresh_from_db()
    model = aggregate(
        stored_events(application),
        app_id=application.app_id,
        last_updated=application.source_mtime_ms,
    )
    record_analysis(application, model, token=application.events_token)
    return application


def refresh_stale_applications() -> None:
    """Bring summary columns up to date for applications whose events changed (HTTP ingest)."""
    for application in SparkApplication.objects.stale():
        application_model(application)


# ------------------------------------------------------------------------ importing logs


@dataclass
class _LogSnapshot:
    path: Path
    size: int
    mtime_ms: int


def _snapshot(path: Path) -> _LogSnapshot:
    files = log_files(path)
    return _LogSnapshot(
        path, sum(file.stat().st_size for file in files), last_modified_millis(path)
    )


def _application_id(path: Path) -> tuple[str, str]:
    """The application and attempt ids in the log's ApplicationStart (a few lines in), else
    the application id in its name and no attempt."""
    start = next(
        (e for e in islice(read_events(path), 10_000) if e.kind == "ApplicationStart"), None
    )
    app_id = (start and start.app_id) or app_id_from_name(path)
    if not APP_ID.match(app_id):
        raise EventLogError(f"{APP_ID_RULE}, got {app_id[:80]!r}", path=path, field="App ID")
    attempt_id = (start and start.fields["attempt_id"]) or ""
    if not APP_ID.match(attempt_id or "0") or len(attempt_id) > 64:
        raise EventLogError(
            f"an attempt id must be letters, digits, '.', '_', ':' or '-' (at most 64), "
            f"got {attempt_id[:80]!r}",
            path=path,
            field="App Attempt ID",
        )
    return app_id, attempt_id


def import_event_log(
    *, path: str | Path, requested_by=None, origin: str = ImportOrigin.COMMAND, name: str = ""
) -> EventLogImport:
    """Import one event log (file or rolling directory) now; returns the finished import.

    Raises :class:`EventLogError` (naming file and line) for a log that cannot be read; the
    import row records the failure and no event of that log is stored.
    """
    run = EventLogImport.objects.create(
        source_path=str(path), origin=origin, requested_by=requested_by, original_name=name
    )
    run.claim()
    try:
        message = perform_import(run)
    except Exception as error:
        run.mark_failed(f"{type(error).__name__}: {error}\n\n{traceback.format_exc()}")
        raise
    run.refresh_from_db()
    if run.status == RunStatus.FAILED:
        raise EventLogError(run.error)
    run.mark_succeeded(message or "Imported")
    return run


def queue_event_log_import(
    *, path: str | Path, requested_by=None, origin: str = ImportOrigin.ADMIN, name: str = ""
) -> EventLogImport:
    """Import a log on a worker (big uploads, admin re-imports); returns the queued row."""
    with transaction.atomic():
        run = EventLogImport.objects.create(
            source_path=str(path), origin=origin, requested_by=requested_by, original_name=name
        )
        enqueue_run(run)
    return run


def perform_import(run: EventLogImport) -> str | None:
    """Run an import row's work. A bad log fails the row with a readable message (no trace)."""
    try:
        application, outcome, read, added = _import(Path(run.source_path), run)
    except EventLogError as error:
        run.mark_failed(str(error))
        return None
    EventLogImport.objects.filter(pk=run.pk).update(
        application=application, outcome=outcome, events_read=read, events_added=added
    )
    run.application, run.outcome, run.events_read, run.events_added = (
        application,
        outcome,
        read,
        added,
    )
    return f"{ImportOutcome(outcome).label}: {application.app_id} ({added} new events)"


def _import(path: Path, run: EventLogImport | None):
    snapshot = _snapshot(path)
    app_id, attempt_id = _application_id(path)
    existing = SparkApplication.objects.filter(app_id=app_id, attempt_id=attempt_id).first()
    if (
        existing is not None
        and existing.source_path == str(path)
        and (existing.source_size, existing.source_mtime_ms) == (snapshot.size, snapshot.mtime_ms)
    ):
        return existing, ImportOutcome.UNCHANGED, 0, 0
    with transaction.atomic():
        application, created = SparkApplication.objects.get_or_create(
            app_id=app_id,
            attempt_id=attempt_id,
            defaults={"source": EventSource.FILE, "name": app_id[:255]},
        )
        counter = {"read": 0, "added": 0}
        model = _store_and_aggregate(application, snapshot, counter, run, new_app=created)
        if counter["added"] == 0 and not created:
            # Same events: only follow the log if it moved (Spark renames x.inprogress to x
            # when the application ends), so the directory watch does not read it again.
            previous = application.source_path
            if previous and (previous == str(path) or not Path(previous).exists()):
                SparkApplication.objects.filter(pk=application.pk).update(
                    source_path=str(path),
                    source_size=snapshot.size,
                    source_mtime_ms=snapshot.mtime_ms,
                )
            return application, ImportOutcome.UNCHANGED, counter["read"], 0
        application.source_path = str(path)
        application.source_size, application.source_mtime_ms = snapshot.size, snapshot.mtime_ms
        application.events_token = new_token()
        application.save(
            update_fields=["source_path", "source_size", "source_mtime_ms", "events_token"]
        )
        # A new application's events can only be the ones just stored (its row is not
        # committed yet); an existing one may have events from elsewhere (HTTP).
        stored = (
            counter["added"]
            if created
            else SparkEvent.objects.filter(application=application).count()
        )
        if stored != model.event_count:  # events from elsewhere too: use them all
            model = aggregate(
                stored_events(application), app_id=app_id, last_updated=snapshot.mtime_ms
            )
        record_analysis(application, model, token=application.events_token)
        _link_run(application)
    outcome = ImportOutcome.CREATED if created else ImportOutcome.UPDATED
    return application, outcome, counter["read"], counter["added"]


def _store_and_aggregate(
    application: SparkApplication,
    snapshot: _LogSnapshot,
    counter: dict,
    run: EventLogImport | None,
    *,
    new_app: bool,
) -> ApplicationModel:
    """Store the log's events and return their model: a big log is parsed and aggregated by a
    second process while this one stores it; a small one here, where starting it costs more."""
    path, app_id = snapshot.path, application.app_id
    if snapshot.size < BACKGROUND_PARSE_MIN_BYTES:
        events = _stream_into(application, path, counter, run, new_app=new_app)
        try:
            return aggregate(events, app_id=app_id, last_updated=snapshot.mtime_ms)
        finally:
            events.close()  # if aggregation failed, end the stream before rolling back
    writer = EventWriter(application.pk, new_app=new_app)
    try:
        with BackgroundAggregate(path, app_id=app_id, last_updated=snapshot.mtime_ms) as job:
            for line, row in job.rows():
                writer.write((application.pk, *row, line))
                counter["read"] += 1
                _report_progress(run, writer, counter)
            model = job.model()
    except BaseException:
        writer.abort()
        raise
    counter["added"] += writer.close()
    return model


def _report_progress(run: EventLogImport | None, writer: EventWriter, counter: dict) -> None:
    if run is not None and counter["read"] % PROGRESS_EVERY_EVENTS == 0:
        writer.flush()  # the run's row is written on the same connection
        run.report_progress(50, f"{counter['read']:,} events read")


def _stream_into(
    application: SparkApplication,
    path: Path,
    counter: dict,
    run: EventLogImport | None,
    *,
    new_app: bool,
) -> Iterator[Event]:
    """Yield the log's events to the aggregator while storing them."""
    writer = EventWriter(application.pk, new_app=new_app)
    try:
        for raw in read_raw_events(path):
            try:
                event = normalise(raw.data, app_id=application.app_id)
            except EventLogError as error:
                raise error.located(path=raw.path, line=raw.line) from None
            writer.write(event_row(application.pk, event, raw.text))
            counter["read"] += 1
            _report_progress(run, writer, counter)
            yield event
    except BaseException:  # a bad line, or the consumer gave up (GeneratorExit)
        writer.abort()
        raise
    counter["added"] += writer.close()


def _link_run(application: SparkApplication) -> None:
    """Link the sparkhub run whose Spark session wrote this log, if one did."""
    if application.run_id is not None:
        return
    for model in tracked_run_models():
        run_pk = (
            model.objects.filter(spark_application_id=application.app_id)
            .values_list("pk", flat=True)
            .first()
        )
        if run_pk is not None:
            application.run_label, application.run_id = model._meta.label_lower, run_pk
            SparkApplication.objects.filter(pk=application.pk).update(
                run_label=application.run_label, run_id=run_pk
            )
            return


def reimport_application(*, application: SparkApplication, requested_by=None) -> EventLogImport:
    """Queue the application's log for import again (it may have grown)."""
    if not application.source_path:
        raise EventLogError(f"{application.app_id} came from HTTP ingest: it has no log file")
    return queue_event_log_import(
        path=application.source_path, requested_by=requested_by, origin=ImportOrigin.ADMIN
    )


def import_upload(*, upload, requested_by=None) -> EventLogImport:
    """Keep an uploaded log (or .zip of a rolling directory) and import it.

    Small uploads are imported in the request (EventLogError reaches the caller); big ones are
    queued. A refused upload leaves nothing behind, on disk or in the database.
    """
    name = PurePosixPath(upload.name or "").name
    if not name or name.startswith("."):
        raise EventLogError("the upload has no usable file name", path=upload.name)
    folder = Path(settings.MEDIA_ROOT) / "eventlogs" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    try:
        stored = folder / name
        with stored.open("wb") as sink:
            for chunk in upload.chunks():
                sink.write(chunk)
        if name.lower().endswith(".zip"):
            log = extract_event_log_zip(
                stored, folder / "unpacked", max_bytes=UPLOAD_MAX_UNPACKED_BYTES
            )
            stored.unlink()
        else:
            log = stored
        if upload.size > UPLOAD_IN_REQUEST_BYTES:
            return queue_event_log_import(
                path=log, requested_by=requested_by, origin=ImportOrigin.UPLOAD, name=name
            )
        run = import_event_log(
            path=log, requested_by=requested_by, origin=ImportOrigin.UPLOAD, name=name
        )
    except EventLogError as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise _named_for_user(error, folder, name) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if run.outcome == ImportOutcome.UNCHANGED:
        shutil.rmtree(folder, ignore_errors=True)  # the stored copy is the earlier one
    return run


def _named_for_user(error: EventLogError, folder: Path, name: str) -> EventLogError:
    """The same error, naming the uploaded file rather than where the server kept it."""
    message = str(error).replace(str(folder / "unpacked") + "/", f"{name}: ")
    return EventLogError(message.replace(str(folder) + "/", ""), field=error.field)


# ------------------------------------------------------------------------ directory watch


def _candidate_logs(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    found = []
    for child in sorted(directory.iterdir()):
        if child.name.startswith(".") or child.name.endswith(".crc"):
            continue
        if (child.is_dir() and child.name.startswith("eventlog_v2_")) or child.is_file():
            found.append(child)
    return found


def scan_eventlog_dir(directory: str | Path | None = None) -> list[str]:
    """Import every new or grown log in SPARK_EVENTLOG_DIR; one line per log that changed.

    Unreadable logs are reported and skipped (a log still being created has no complete
    event yet); the next scan tries them again.
    """
    directory = Path(directory or settings.SPARK_EVENTLOG_DIR)
    seen = {
        row["source_path"]: (row["source_size"], row["source_mtime_ms"])
        for row in SparkApplication.objects.filter(source_path__startswith=str(directory)).values(
            "source_path", "source_size", "source_mtime_ms"
        )
    }
    lines = []
    for log in _candidate_logs(directory):
        try:
            snapshot = _snapshot(log)
        except (EventLogError, OSError):
            continue
        if seen.get(str(log)) == (snapshot.size, snapshot.mtime_ms):
            continue
        try:
            run = import_event_log(path=log, origin=ImportOrigin.WATCH, name=log.name)
        except EventLogError as error:
            lines.append(f"skipped {log.name}: {error}")
            continue
        lines.append(f"{run.outcome} {run.application.app_id} ({run.events_added} new events)")
    return lines


# ------------------------------------------------------------------------ HTTP ingest


class IngestRejected(EventLogError):
    """No event of the body could be stored; ``errors`` says why, per event."""

    def __init__(self, message: str, *, errors: list[dict], field: str | None = None):
        super().__init__(message, field=field)
        self.errors = errors


def ingest_events(*, body: bytes, app_id: str | None = None, requested_by=None) -> IngestBatch:
    """Store the valid events of a request body; report the invalid ones by index.

    Raises :class:`IngestRejected` when nothing in the body is a valid event.
    """
    batch = normalise_batch(body, app_id=app_id)
    errors = list(batch.errors)
    by_app: dict[str, list[tuple[Event, Any]]] = {}
    jobs: dict[tuple[str, str], None] = {}
    stages: dict[tuple[str, int], None] = {}
    for index, event, raw in zip(batch.indexes, batch.events, batch.raws, strict=True):
        if not APP_ID.match(event.app_id):
            errors.append({"index": index, "field": "app_id", "message": APP_ID_RULE})
            continue
        by_app.setdefault(event.app_id, []).append((event, raw))
        job_id = event.fields.get("job_id")
        stage_id = event.fields.get("stage_id", (event.fields.get("info") or {}).get("stage_id"))
        if job_id is not None:
            jobs[(event.app_id, str(job_id))] = None
        elif stage_id is not None:
            stages[(event.app_id, stage_id)] = None
    errors.sort(key=lambda error: error["index"])
    if not by_app:
        if not errors:
            raise IngestRejected("the body holds no event", errors=[])
        raise IngestRejected(errors[0]["message"], errors=errors, field=errors[0]["field"])
    receipt = IngestBatch(
        requested_by=requested_by if getattr(requested_by, "pk", None) else None,
        events_received=len(batch.events) + len(batch.errors),
        errors=errors,
        jobs=[list(key) for key in jobs],
        stages=[list(key) for key in stages],
    )
    return store_ingest(by_app, receipt)


def ingest_task_status(task_id: uuid.UUID) -> dict | None:
    """The seed's answer for an ingest ``task_id``: its jobs' results as they stand now."""
    batch = IngestBatch.objects.filter(task_id=task_id).first()
    if batch is None:
        return None
    results = []
    models: dict[str, ApplicationModel | None] = {}

    def model_of(app_id: str) -> ApplicationModel | None:
        if app_id not in models:
            application = SparkApplication.objects.newest_attempt(app_id)
            models[app_id] = application_model(application) if application else None
        return models[app_id]

    job_keys = [tuple(key) for key in batch.jobs]
    for app_id, stage_id in batch.stages:
        model = model_of(app_id)
        for (sid, _), stage in model.stages.items() if model else []:
            if sid == stage_id:
                job_keys += [(app_id, str(job_id)) for job_id in sorted(stage.job_ids)]
    for app_id, job_id in dict.fromkeys(job_keys):
        model = model_of(app_id)
        job = find_job(model, job_id) if model else None
        if job is not None:
            results.append(job_result(model, job))
    body = {
        "task_id": str(batch.task_id),
        "status": "success",
        "result": results[0] if results else None,
        "ingest": {
            "events_received": batch.events_received,
            "events_stored": batch.events_added,
            "duplicates": batch.duplicates,
            "errors": batch.errors,
        },
    }
    if len(results) > 1:
        body["results"] = results
    return body


def find_job(model: ApplicationModel, job_id: str):
    job = model.jobs.get(job_id)
    if job is None and job_id.lstrip("-").isdigit():
        job = model.jobs.get(int(job_id))
    return job


def spark_job_result(*, job_id: str, app_id: str | None = None) -> dict | None:
    """The seed's result for a Spark job id in one application (default: HTTP's default)."""
    application = SparkApplication.objects.newest_attempt(app_id or DEFAULT_APP_ID)
    if application is None:
        return None
    model = application_model(application)
    job = find_job(model, job_id)
    return job_result(model, job) if job is not None else None


def summary_for_day(day: date) -> dict:
    """The seed's daily summary over every application that was running that day."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    end = start + timedelta(days=1)
    running_that_day = SparkApplication.objects.filter(
        Q(started_at__isnull=True) | Q(started_at__lt=end),
        Q(ended_at__isnull=True) | Q(ended_at__gte=start),
    )
    return daily_summary((application_model(app) for app in running_that_day), day)


def compare_applications(base: SparkApplication, new: SparkApplication) -> dict:
    return compare_runs(application_model(base), application_model(new))
