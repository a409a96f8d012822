"""Spark applications, their stored events, diagnoses, imports and HTTP ingest batches.

Events are the truth: every number is aggregated from an application's :class:`SparkEvent`
rows by the Django-free engine in :mod:`loganalytics.eventlog`. The summary columns on
:class:`SparkApplication` are a cache of that aggregation for lists and filters; they are stale
while ``analysed_token`` differs from ``events_token`` (HTTP ingest only changes the latter).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from sparkhub.runs import TrackedRun


def new_token() -> str:
    return uuid.uuid4().hex


class ApplicationStatus(models.TextChoices):
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED_JOBS = "failed_jobs", "Completed with failed jobs"


class EventSource(models.TextChoices):
    FILE = "file", "Event-log file"
    HTTP = "http", "HTTP ingest"


class SparkApplicationQuerySet(models.QuerySet):
    def stale(self):
        return self.exclude(analysed_token=models.F("events_token"))

    def newest_attempt(self, app_id: str) -> SparkApplication | None:
        """The latest attempt of an application (its only row unless the driver was retried)."""
        return self.filter(app_id=app_id).order_by("-started_at", "-attempt_id").first()


class SparkApplication(models.Model):
    """One attempt of a Spark application: the application itself unless the cluster manager
    retried its driver (YARN), which gives each attempt an id and its own event log."""

    app_id = models.CharField(max_length=255, db_index=True)
    # Spark's "App Attempt ID"; empty when there is none (local, standalone, Kubernetes).
    attempt_id = models.CharField(max_length=64, blank=True, default="")
    name = models.CharField(max_length=255, blank=True, db_index=True)
    user = models.CharField(max_length=150, blank=True)
    spark_version = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.RUNNING,
        db_index=True,
    )
    started_at = models.DateTimeField(null=True, blank=True, db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.BigIntegerField(default=0)
    source = models.CharField(max_length=8, choices=EventSource.choices, default=EventSource.FILE)
    # The log this application was last imported from, and what it looked like then: the
    # directory watch and re-imports skip a log whose size and mtime did not change.
    source_path = models.TextField(blank=True)
    source_size = models.BigIntegerField(null=True, blank=True)
    source_mtime_ms = models.BigIntegerField(null=True, blank=True)
    # The sparkhub run (any TrackedRun) whose Spark session wrote this log, if any.
    run_label = models.CharField(max_length=100, blank=True)
    run_id = models.PositiveBigIntegerField(null=True, blank=True)
    event_count = models.PositiveIntegerField(default=0)
    job_count = models.PositiveIntegerField(default=0)
    failed_job_count = models.PositiveIntegerField(default=0)
    stage_count = models.PositiveIntegerField(default=0)
    task_count = models.PositiveIntegerField(default=0)
    failed_task_count = models.PositiveIntegerField(default=0)
    executor_count = models.PositiveIntegerField(default=0)
    critical_findings = models.PositiveIntegerField(default=0)
    warning_findings = models.PositiveIntegerField(default=0)
    info_findings = models.PositiveIntegerField(default=0)
    # A new random token whenever events are added; caches of the aggregate are keyed by it.
    events_token = models.CharField(max_length=32, default=new_token)
    analysed_token = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SparkApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-created_at"]
        indexes = [models.Index(fields=["source_path"])]
        constraints = [
            models.UniqueConstraint(
                fields=["app_id", "attempt_id"], name="loganalytics_one_row_per_attempt"
            )
        ]

    def __str__(self) -> str:
        attempt = f" attempt {self.attempt_id}" if self.attempt_id else ""
        return f"{self.name or 'Spark application'} ({self.app_id}{attempt})"

    def get_absolute_url(self) -> str:
        return reverse("loganalytics:application", kwargs={"app_id": self.app_id})

    @property
    def is_stale(self) -> bool:
        return self.analysed_token != self.events_token

    @property
    def duration_display(self) -> str:
        seconds = self.duration_ms / 1000
        if seconds < 60:
            return f"{seconds:.1f}s"
        minutes, seconds = divmod(int(seconds), 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {seconds:02d}s"

    @property
    def run_url(self) -> str:
        if not self.run_label or self.run_id is None:
            return ""
        return reverse("run-detail", kwargs={"label": self.run_label, "pk": self.run_id})


class EventJSONField(models.TextField):
    """An event's JSON text.

    Declaring a placeholder keeps PostgreSQL's bulk insert off Django's UNNEST path, which
    binds the column as a text array quoted in Python, escaping every '"' of every event
    (about 20x slower than plain multi-row VALUES for JSON text).
    """

    def get_placeholder(self, value, compiler, connection) -> str:
        return "%s"


class SparkEvent(models.Model):
    """One canonical event, stored once per (application, identity): ingest is idempotent.

    ``raw`` is the event exactly as received (native listener JSON or a seed event); it is
    normalised again when read, so the engine, not this table, decides what an event means.
    The order columns let readers hand events to the engine in replay order.
    """

    application = models.ForeignKey(
        SparkApplication, on_delete=models.CASCADE, related_name="events"
    )
    identity = models.CharField(max_length=512)
    kind = models.CharField(max_length=32)
    time = models.BigIntegerField(null=True, blank=True)
    order_time = models.BigIntegerField()
    order_rank = models.SmallIntegerField()
    raw = EventJSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "identity"], name="loganalytics_event_once_per_app"
            )
        ]
        indexes = [
            models.Index(
                fields=["application", "order_time", "order_rank", "identity"],
                name="loganalytics_event_replay",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.identity}"


class ApplicationFinding(models.Model):
    """One diagnosis, kept as a row so the admin can filter applications by rule and severity."""

    application = models.ForeignKey(
        SparkApplication, on_delete=models.CASCADE, related_name="findings"
    )
    rule = models.CharField(max_length=40, db_index=True)
    severity = models.CharField(max_length=10, db_index=True)
    title = models.CharField(max_length=300)
    evidence = models.JSONField(default=dict)
    recommendation = models.TextField(blank=True)
    stage_id = models.IntegerField(null=True, blank=True)
    stage_attempt = models.IntegerField(null=True, blank=True)
    job_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["application", "pk"]

    def __str__(self) -> str:
        return f"{self.rule} ({self.severity}) in {self.application.app_id}"


class ImportOrigin(models.TextChoices):
    COMMAND = "command", "Command line"
    UPLOAD = "upload", "Upload"
    ADMIN = "admin", "Admin re-import"
    WATCH = "watch", "Directory watch"
    DEMO = "demo", "Demo data"


class ImportOutcome(models.TextChoices):
    NONE = "", "—"
    CREATED = "created", "New application"
    UPDATED = "updated", "Application updated"
    UNCHANGED = "unchanged", "Unchanged"


class EventLogImport(TrackedRun):
    """Importing one event log (file or rolling directory) into its application."""

    task = "loganalytics.tasks.run_event_log_import"
    retry_when_orphaned = True  # importing again stores nothing twice

    origin = models.CharField(
        max_length=10, choices=ImportOrigin.choices, default=ImportOrigin.COMMAND
    )
    source_path = models.TextField()
    original_name = models.CharField(max_length=255, blank=True)
    application = models.ForeignKey(
        SparkApplication,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imports",
    )
    outcome = models.CharField(max_length=10, choices=ImportOutcome.choices, blank=True)
    events_read = models.PositiveIntegerField(default=0)
    events_added = models.PositiveIntegerField(default=0)

    class Meta(TrackedRun.Meta):
        pass

    def __str__(self) -> str:
        return f"Import of {self.original_name or self.source_path} (#{self.pk})"


class IngestBatch(models.Model):
    """One ``POST /logs/ingest``: its public ``task_id`` and what became of its events.

    Ingest is processed in the request, so a batch is ``success`` by the time its id is sent.
    """

    task_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    events_received = models.PositiveIntegerField(default=0)
    events_added = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    # [[app_id, job_id], ...] of the jobs the batch's events belong to, in first-seen order.
    jobs = models.JSONField(default=list, blank=True)
    # [[app_id, stage_id], ...] for native task and stage events that name no job.
    stages = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "ingest batches"

    def __str__(self) -> str:
        return f"Ingest {self.task_id}"

    @property
    def duplicates(self) -> int:
        return self.events_received - len(self.errors) - self.events_added
