"""The event store: events in (once per application and identity), models out.

Events are the truth: an application's model is aggregated from its stored events by the
Django-free engine and cached per version of those events (``events_token``); the summary
columns and findings rows are refreshed from that model.
"""

from __future__ import annotations

import struct
from collections import OrderedDict
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson
from django.core.cache import cache
from django.db import IntegrityError, connection, models, transaction

from loganalytics.eventlog import (
    ApplicationModel,
    Event,
    EventLogError,
    aggregate,
    find_issues,
    normalise,
)
from loganalytics.eventlog.identities import IdentitySet
from loganalytics.models import (
    ApplicationFinding,
    ApplicationStatus,
    EventSource,
    IngestBatch,
    SparkApplication,
    SparkEvent,
    new_token,
)

MODEL_CACHE_SECONDS = 3600
# Models are shared through the cache (Redis) up to this size; pickling a bigger one costs more
# memory than aggregating it again in the process that needs it.
SHARED_MODEL_MAX_EVENTS = 200_000
_LOCAL_MODELS: OrderedDict[str, ApplicationModel] = OrderedDict()
_LOCAL_MODELS_KEPT = 4


# ------------------------------------------------------------------------ the aggregate


def application_model(application: SparkApplication) -> ApplicationModel:
    """The aggregated model of an application's stored events (cached per ``events_token``).

    ``application`` must have been read before its events, so its token is no newer than them.
    """
    key = f"loganalytics:model:v1:{application.app_id}:{application.events_token}"
    model = _LOCAL_MODELS.get(key)
    if model is None:
        model = cache.get(key)
    if model is not None:
        _remember(key, model, shared=False)
        if application.is_stale:
            record_analysis(application, model, token=application.events_token)
        return model
    read = [0]
    model = aggregate(
        _counted(stored_events(application), read),
        app_id=application.app_id,
        last_updated=application.source_mtime_ms,
    )
    if application.is_stale:
        record_analysis(application, model, token=application.events_token)
    _remember(key, model, shared=model.event_count <= SHARED_MODEL_MAX_EVENTS)
    # Events committed while this model was built are not in it, and their requests may have
    # left the token alone (see mark_events_changed): if so, retire this token now.
    if SparkEvent.objects.filter(application=application).count() != read[0]:
        SparkApplication.objects.filter(pk=application.pk).update(events_token=new_token())
    return model


def _counted(events: Iterator[Event], read: list[int]) -> Iterator[Event]:
    for event in events:
        read[0] += 1
        yield event


def _remember(key: str, model: ApplicationModel, *, shared: bool) -> None:
    _LOCAL_MODELS[key] = model
    _LOCAL_MODELS.move_to_end(key)
    while len(_LOCAL_MODELS) > _LOCAL_MODELS_KEPT:
        _LOCAL_MODELS.popitem(last=False)
    if shared:
        try:
            cache.set(key, model, MODEL_CACHE_SECONDS)
        except Exception:  # too big for the cache or Redis away: this process still has it
            pass


def stored_events(application: SparkApplication) -> Iterator[Event]:
    rows = (
        SparkEvent.objects.filter(application=application)
        .order_by("order_time", "order_rank", "identity")
        .values_list("raw", flat=True)
    )
    for raw in rows.iterator(chunk_size=5000):
        yield normalise(orjson.loads(raw), app_id=application.app_id)


def _millis_to_datetime(millis: int | None) -> datetime | None:
    return datetime.fromtimestamp(millis / 1000, tz=UTC) if millis is not None else None


def record_analysis(application: SparkApplication, model: ApplicationModel, *, token: str):
    app = model.app
    failed_jobs = sum(1 for job in model.jobs.values() if job.status == "FAILED")
    finished_tasks, failed_tasks = model.task_counts()
    if not app.completed:
        status = ApplicationStatus.RUNNING
    else:
        status = ApplicationStatus.FAILED_JOBS if failed_jobs else ApplicationStatus.COMPLETED
    findings = find_issues(model)
    severities = [finding.severity for finding in findings]
    changes = {
        "name": (app.name or application.name)[:255],
        "user": (app.user or "")[:150],
        "spark_version": (app.spark_version or "")[:40],
        "status": status,
        "started_at": _millis_to_datetime(app.start_time or _first_job_time(model)),
        "ended_at": _millis_to_datetime(app.end_time),
        "duration_ms": app.duration,
        "event_count": model.event_count,
        "job_count": len(model.jobs),
        "failed_job_count": failed_jobs,
        "stage_count": len({stage_id for stage_id, _ in model.stages}),
        "task_count": finished_tasks,
        "failed_task_count": failed_tasks,
        "executor_count": len(model.executors),
        "critical_findings": severities.count("critical"),
        "warning_findings": severities.count("warning"),
        "info_findings": severities.count("info"),
        "analysed_token": token,
    }
    with transaction.atomic():
        # One writer at a time: two readers refreshing a stale application at once would
        # otherwise both delete the old findings and both insert new ones.
        SparkApplication.objects.select_for_update().filter(pk=application.pk).exists()
        SparkApplication.objects.filter(pk=application.pk).update(**changes)
        application.findings.all().delete()
        ApplicationFinding.objects.bulk_create(
            ApplicationFinding(
                application=application,
                rule=finding.rule,
                severity=finding.severity,
                title=finding.title[:300],
                evidence=orjson.loads(orjson.dumps(finding.evidence, default=str)),
                recommendation=finding.recommendation,
                stage_id=finding.stage_id,
                stage_attempt=finding.stage_attempt,
                job_id="" if finding.job_id is None else str(finding.job_id),
            )
            for finding in findings
        )
    for name, value in changes.items():
        setattr(application, name, value)


def _first_job_time(model: ApplicationModel) -> int | None:
    times = [job.submission_time for job in model.jobs.values() if job.submission_time]
    return min(times, default=None)


# ------------------------------------------------------------------------ storing events


def event_row(application_pk: int, event: Event, raw_text: str | bytes) -> tuple:
    """The row of one event: ``(application_id, identity, kind, time, order_time, order_rank,
    raw)`` in :data:`_EVENT_COLUMNS` order, ``raw`` being the event's JSON text as received
    (or its bytes, from a log)."""
    order_time, order_rank, identity = event.order_key
    return (application_pk, identity, event.kind, event.time, order_time, order_rank, raw_text)


def store_rows(application_pk: int, rows: list[tuple], *, new_app: bool = False) -> int:
    """Insert the rows (see :func:`event_row`) not stored yet; returns how many were new.

    The first of two rows with one identity wins, as in the engine. For an application created
    in this transaction nothing is stored yet, so SQLite skips the lookup.
    """
    fresh: dict[str, tuple] = {}
    for row in rows:
        fresh.setdefault(row[1], row)
    if not fresh:
        return 0
    if connection.vendor == "postgresql":
        return _copy_into_events(fresh.values())
    if not new_app:
        stored = SparkEvent.objects.filter(
            application_id=application_pk, identity__in=list(fresh)
        ).values_list("identity", flat=True)
        for identity in stored:
            del fresh[identity]
    SparkEvent.objects.bulk_create(
        (SparkEvent(**dict(zip(_EVENT_FIELDS, row, strict=True))) for row in fresh.values()),
        ignore_conflicts=True,
    )
    return len(fresh)


class EventWriter:
    """Stores one application's events as a log is read, returning how many were new.

    On PostgreSQL, for an application created in this transaction, rows are COPYed straight
    into the table while the log is still being read, so the database stores them while Python
    parses the next ones; repeats of an identity are dropped here, as the table has none yet.
    The COPY is binary: the event's JSON goes as it is, where the text format escapes it here
    and unescapes it in the database. Otherwise rows go to :func:`store_rows` a chunk at a time.
    Nothing else may use the connection between writes: call :meth:`flush` first.
    """

    CHUNK_ROWS = 1000
    COPY_BUFFER_BYTES = 1 << 20

    def __init__(self, application_pk: int, *, new_app: bool) -> None:
        self.application_pk = application_pk
        self.new_app = new_app
        self.streaming = new_app and connection.vendor == "postgresql"
        self.added = 0
        self._rows: list[tuple] = []
        self._seen = IdentitySet()  # small for the many task events of a big log
        self._copy = None
        self._buffer = bytearray()
        self._row_start = _ROW_START.pack(len(_EVENT_FIELDS), 8, application_pk)

    def write(self, row: tuple) -> None:
        """Store one row (see :func:`event_row`); its ``raw`` may be the line's bytes."""
        if not self.streaming:
            raw = row[6]
            if type(raw) is not str:
                row = (*row[:6], bytes(raw).decode())
            self._rows.append(row)
            if len(self._rows) >= self.CHUNK_ROWS:
                self.flush()
            return
        _, identity, kind, time, order_time, order_rank, raw = row
        if not self._seen.add_identity(kind, identity):
            return
        if type(raw) is str:
            raw = raw.encode()
        name = identity.encode()
        kind_bytes = kind.encode()
        buffer = self._buffer
        buffer += self._row_start
        buffer += _LENGTH.pack(len(name))
        buffer += name
        buffer += _LENGTH.pack(len(kind_bytes))
        buffer += kind_bytes
        buffer += _NULL if time is None else _TIME.pack(8, time)
        buffer += _ROW_END.pack(8, order_time, 2, order_rank, len(raw))
        buffer += raw
        self.added += 1
        if len(buffer) >= self.COPY_BUFFER_BYTES:
            self._send()

    def _send(self) -> None:
        if self._copy is None:
            self._cursor = connection.cursor()
            table = SparkEvent._meta.db_table
            self._copy_context = self._cursor.cursor.copy(
                f"COPY {table} ({_EVENT_COLUMNS}) FROM STDIN (FORMAT BINARY)"
            )
            self._copy = self._copy_context.__enter__()
            self._copy.write(_COPY_HEADER)
        self._copy.write(self._buffer)
        self._buffer.clear()

    def flush(self) -> None:
        if self._buffer:
            self._send()
        if self._copy is not None:
            self._copy.write(_COPY_TRAILER)
            self._copy_context.__exit__(None, None, None)
            self._cursor.close()
            self._copy = None
        if self._rows:
            self.added += store_rows(self.application_pk, self._rows, new_app=self.new_app)
            self._rows = []

    def close(self) -> int:
        self.flush()
        return self.added

    def abort(self) -> None:
        """Give up: end an open COPY with an error, so the transaction can roll back."""
        self._buffer.clear()
        if self._copy is not None:
            error = EventLogError("the import stopped before the end of the log")
            self._copy_context.__exit__(type(error), error, None)
            self._cursor.close()
            self._copy = None


# PostgreSQL's binary COPY: a header, then per row its field count and each field as a length
# (-1 for NULL) and big-endian bytes, then a trailer.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\0" + struct.pack(">ii", 0, 0)
_COPY_TRAILER = struct.pack(">h", -1)
_ROW_START = struct.Struct(">hiq")  # field count, application_id
_LENGTH = struct.Struct(">i")
_TIME = struct.Struct(">iq")
_NULL = struct.pack(">i", -1)
_ROW_END = struct.Struct(">iqihi")  # order_time, order_rank, then raw's length

_EVENT_FIELDS = ("application_id", "identity", "kind", "time", "order_time", "order_rank", "raw")
_EVENT_COLUMNS = ", ".join(_EVENT_FIELDS)


def _copy_into_events(rows) -> int:
    """PostgreSQL: COPY the rows into a scratch table, then insert the new ones from it.

    COPY streams values without building SQL, several times faster than a multi-row INSERT
    for big logs; the scratch table lives until the transaction ends. Returns how many rows
    were new.
    """
    table = SparkEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS loganalytics_event_load (application_id bigint, "
            "identity varchar(512), kind varchar(32), time bigint, order_time bigint, "
            "order_rank smallint, raw text) ON COMMIT DROP"
        )
        with cursor.cursor.copy(
            f"COPY loganalytics_event_load ({_EVENT_COLUMNS}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({_EVENT_COLUMNS}) SELECT {_EVENT_COLUMNS} "
            "FROM loganalytics_event_load ON CONFLICT (application_id, identity) DO NOTHING"
        )
        added = cursor.rowcount
        cursor.execute("TRUNCATE loganalytics_event_load")
    return added


# ------------------------------------------------------------------------ HTTP ingest

# Up to this many events, a request is stored by one INSERT statement on PostgreSQL.
SINGLE_STATEMENT_EVENTS = 10_000
# Applications never change their primary key: each process remembers app_id -> pk.
_APPLICATION_PKS: dict[str, int] = {}


def store_ingest(by_app: dict[str, list[tuple[Event, Any]]], receipt: IngestBatch) -> IngestBatch:
    """Store a request's new events and its receipt, then mark the applications changed.

    Events already stored are skipped (ingest is idempotent). Returns the saved receipt with
    ``events_added`` set.
    """
    try:
        added = _store_ingest(by_app, receipt)
    except IntegrityError:
        # An application deleted (by another process) since this one remembered its pk.
        forget_application_pks()
        added = _store_ingest(by_app, receipt)
    mark_events_changed([pk for pk, count in added.items() if count])
    return receipt


def _store_ingest(by_app, receipt: IngestBatch) -> dict[int, int]:
    rows: dict[int, list[tuple]] = {}
    for app_id, pairs in by_app.items():
        pk = application_pk(app_id)
        rows[pk] = [event_row(pk, event, orjson.dumps(raw).decode()) for event, raw in pairs]
    if connection.vendor == "postgresql":
        unique: dict[tuple[int, str], tuple] = {}
        for chunk in rows.values():
            for row in chunk:  # the first of two events with one identity wins
                unique.setdefault((row[0], row[1]), row)
        if len(unique) <= SINGLE_STATEMENT_EVENTS:
            return _insert_in_one_statement(list(unique.values()), receipt)
    with transaction.atomic():
        added = {pk: store_rows(pk, chunk) for pk, chunk in rows.items()}
        receipt.events_added = sum(added.values())
        receipt.save()
    return added


def forget_application_pks(**kwargs) -> None:
    """Forget every remembered pk (also a post_delete receiver for applications)."""
    _APPLICATION_PKS.clear()


def application_pk(app_id: str) -> int:
    """The row events posted for ``app_id`` go to: its newest attempt's, or a new one."""
    pk = _APPLICATION_PKS.get(app_id)
    if pk is None:
        application = SparkApplication.objects.newest_attempt(app_id)
        if application is None:
            application, _ = SparkApplication.objects.get_or_create(
                app_id=app_id,
                attempt_id="",
                defaults={"source": EventSource.HTTP, "name": app_id[:255]},
            )
        pk = _APPLICATION_PKS[app_id] = application.pk
    return pk


def _insert_in_one_statement(rows: list[tuple], receipt: IngestBatch) -> dict[int, int]:
    """PostgreSQL: the events (new ones only) and the receipt in one statement, so one commit.

    The commit is what a single-event request waits for; one statement also means one round
    trip, and the receipt counts exactly the rows this statement inserted. The rows travel as
    one array per column, so the statement's text is the same for any number of events:
    psycopg and PostgreSQL parse and plan it once per connection. Binary (``%b``) arrays carry
    the JSON text as it is, where text arrays would escape every quote in Python.
    """
    events = SparkEvent._meta.db_table
    receipts = IngestBatch._meta.db_table
    sql = f"""
        WITH added AS (
            INSERT INTO {events} ({_EVENT_COLUMNS})
            SELECT * FROM unnest(%b::bigint[], %b::varchar[], %b::varchar[], %b::bigint[],
                                 %b::bigint[], %b::smallint[], %b::text[])
            ON CONFLICT (application_id, identity) DO NOTHING
            RETURNING application_id
        ), receipt AS (
            INSERT INTO {receipts} (task_id, received_at, requested_by_id, events_received,
                                    events_added, errors, jobs, stages)
            SELECT %s, %s, %s, %s, (SELECT count(*) FROM added), %s::jsonb, %s::jsonb, %s::jsonb
            RETURNING id
        )
        SELECT receipt.id, counts.application_id, counts.added
        FROM receipt LEFT JOIN (
            SELECT application_id, count(*) AS added FROM added GROUP BY application_id
        ) AS counts ON true
    """
    params: list = [list(column) for column in zip(*rows, strict=True)]
    params += [
        receipt.task_id,
        receipt.received_at,
        receipt.requested_by_id,
        receipt.events_received,
        orjson.dumps(receipt.errors).decode(),
        orjson.dumps(receipt.jobs).decode(),
        orjson.dumps(receipt.stages).decode(),
    ]
    result = _execute_prepared(sql, params)
    receipt.pk = result[0][0]
    added = {pk: count for _, pk, count in result if pk is not None}
    receipt.events_added = sum(added.values())
    return added


def mark_events_changed(pks: list[int]) -> None:
    """Retire the cached models of these applications, after their new events committed.

    Models are cached per ``events_token``. A reader that builds one marks the token analysed
    (``analysed_token``) before it counts the stored events again, and changes the token itself
    when the count moved on. So a request only has to change the token when it is marked
    analysed: otherwise no model under it lacks this request's events, or its reader will
    notice them. Under steady ingest the token stays unmarked and this writes nothing, so
    requests for one application never queue for its row.
    """
    if not pks:
        return
    if connection.vendor != "postgresql":
        SparkApplication.objects.filter(pk__in=pks, analysed_token=models.F("events_token")).update(
            events_token=new_token()
        )
        return
    table = SparkApplication._meta.db_table
    _execute_prepared(
        f"UPDATE {table} SET events_token = %s "
        "WHERE id = ANY(%s) AND analysed_token = events_token",
        [new_token(), pks],
    )


def _execute_prepared(sql: str, params: list) -> list[tuple]:
    """Run ``sql`` with server-side parameters on Django's PostgreSQL connection.

    psycopg then prepares a statement it sees repeatedly, so PostgreSQL parses and plans the
    ingest statements once per connection, and parameters are sent without being quoted into
    the SQL text in Python (what Django's client-side binding does).
    """
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []
