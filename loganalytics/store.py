"""The event store: events in (once per application and identity), models out.

Events are the truth: an application's model is aggregated from its stored events by the
Django-free engine and cached per version of those events (``events_token``); the summary
columns and findings rows are refreshed from that model.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson
from django.core.cache import cache
from django.db import connection, transaction

from loganalytics.eventlog import ApplicationModel, Event, aggregate, find_issues, normalise
from loganalytics.models import ApplicationFinding, ApplicationStatus, SparkApplication, SparkEvent

MODEL_CACHE_SECONDS = 3600
# Models are shared through the cache (Redis) up to this size; pickling a bigger one costs more
# memory than aggregating it again in the process that needs it.
SHARED_MODEL_MAX_EVENTS = 200_000
_LOCAL_MODELS: OrderedDict[str, ApplicationModel] = OrderedDict()
_LOCAL_MODELS_KEPT = 4


# ------------------------------------------------------------------------ the aggregate


def application_model(application: SparkApplication) -> ApplicationModel:
    """The aggregated model of an application's stored events (cached per events version)."""
    key = f"loganalytics:model:v1:{application.app_id}:{application.events_token}"
    model = _LOCAL_MODELS.get(key)
    if model is None:
        model = cache.get(key)
    if model is None:
        model = aggregate(
            stored_events(application),
            app_id=application.app_id,
            last_updated=application.source_mtime_ms,
        )
        _remember(key, model, shared=model.event_count <= SHARED_MODEL_MAX_EVENTS)
    else:
        _remember(key, model, shared=False)
    if application.is_stale:
        record_analysis(application, model, token=application.events_token)
    return model


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
    tasks = [task for task in model.tasks() if task.finished]
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
        "task_count": len(tasks),
        "failed_task_count": sum(1 for task in tasks if task.failed),
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


def event_row(application: SparkApplication, event: Event, raw: Any) -> SparkEvent:
    order_time, order_rank, identity = event.order_key
    return SparkEvent(
        application=application,
        identity=identity,
        kind=event.kind,
        time=event.time,
        order_time=order_time,
        order_rank=order_rank,
        raw=orjson.dumps(raw).decode(),
    )


def store_rows(
    application: SparkApplication, rows: list[SparkEvent], *, new_app: bool = False
) -> int:
    """Insert the rows not stored yet; returns how many were new.

    For an application created in this transaction nothing is stored yet, so the lookup is
    skipped (the constraint still drops a repeat from an earlier chunk).
    """
    if not rows:
        return 0
    existing = set()
    if not new_app:
        existing = set(
            SparkEvent.objects.filter(
                application=application, identity__in={row.identity for row in rows}
            ).values_list("identity", flat=True)
        )
    fresh: dict[str, SparkEvent] = {}
    for row in rows:  # the first of two events with one identity wins, as in the engine
        if row.identity not in existing and row.identity not in fresh:
            fresh[row.identity] = row
    if connection.vendor == "postgresql" and len(fresh) > 1:
        _copy_into_events(list(fresh.values()))
    else:
        SparkEvent.objects.bulk_create(fresh.values(), ignore_conflicts=True)
    return len(fresh)


_EVENT_COLUMNS = "application_id, identity, kind, time, order_time, order_rank, raw"


def _copy_into_events(rows: list[SparkEvent]) -> None:
    """PostgreSQL: COPY the rows into a scratch table, then insert the new ones from it.

    COPY streams values without building SQL, several times faster than a multi-row INSERT
    for big logs; the scratch table lives until the transaction ends.
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
                copy.write_row(
                    (
                        row.application_id,
                        row.identity,
                        row.kind,
                        row.time,
                        row.order_time,
                        row.order_rank,
                        row.raw,
                    )
                )
        cursor.execute(
            f"INSERT INTO {table} ({_EVENT_COLUMNS}) SELECT {_EVENT_COLUMNS} "
            "FROM loganalytics_event_load ON CONFLICT (application_id, identity) DO NOTHING"
        )
        cursor.execute("TRUNCATE loganalytics_event_load")
