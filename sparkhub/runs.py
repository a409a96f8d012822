"""A run is a row: the abstract model every queued piece of work inherits, and its executor.

The row is the truth about a run. Pages and the API read it; RQ only carries its id. A task
claims the row with a conditional UPDATE, so a run executes at most once even if its job is
delivered twice; a heartbeat thread keeps ``heartbeat_at`` fresh so that a run whose worker was
killed is found by :func:`recover_stale_runs` and failed or re-queued.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from sparkhub.observability import bind_correlation_id

log = logging.getLogger(__name__)

LOG_EXCERPT_CHARS = 20_000


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)
FINISHED_STATUSES = (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED)


class RunError(Exception):
    """A failure whose message is written for the user (bad data, bad config): the row shows
    the message alone, without a traceback."""


class RunCancelled(Exception):
    """Raised inside a run's work when someone cancelled it; the row already says so."""


class TrackedRunQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def stale(self, *, older_than: timedelta):
        cutoff = timezone.now() - older_than
        return self.filter(status=RunStatus.RUNNING, heartbeat_at__lt=cutoff)


class TrackedRun(models.Model):
    # Which RQ queue runs this kind of work, and the dotted path of the task; subclasses set both.
    queue_name = "default"
    task = ""
    # Safe to run again from the start after a worker died mid-run (idempotent work)?
    retry_when_orphaned = False
    max_attempts = 3

    status = models.CharField(
        max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    log_excerpt = models.TextField(blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job_id = models.CharField(max_length=64, blank=True, db_index=True)
    # Spark start-up is reported apart from the work itself: it is not the user's job's cost.
    spark_startup_seconds = models.FloatField(null=True, blank=True)
    spark_application_id = models.CharField(max_length=128, blank=True, db_index=True)

    objects = TrackedRunQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def get_absolute_url(self) -> str:
        """The generic run page; apps point their runs at their own pages."""
        from django.urls import reverse

        return reverse("run-detail", kwargs={"label": self._meta.label_lower, "pk": self.pk})

    # --- derived -------------------------------------------------------------------------
    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def duration(self) -> timedelta | None:
        if not self.started_at:
            return None
        return (self.finished_at or timezone.now()) - self.started_at

    @property
    def duration_display(self) -> str:
        seconds = int(self.duration.total_seconds()) if self.duration else 0
        minutes, seconds = divmod(seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {seconds:02d}s"

    def rq_job_id(self) -> str:
        """Stable per row and attempt, so the same row is never queued twice at once."""
        return f"{self._meta.label_lower.replace('.', '_')}-{self.pk}-{self.attempts}"

    # --- transitions: each a conditional UPDATE, so concurrent actors cannot both win ----------
    def _transition(self, from_statuses, **changes) -> bool:
        updated = type(self).objects.filter(pk=self.pk, status__in=from_statuses).update(**changes)
        if updated:
            self.refresh_from_db(fields=list(changes))
        return bool(updated)

    def claim(self) -> bool:
        """Take a QUEUED run for execution; False if another worker or a cancel got there first."""
        now = timezone.now()
        return self._transition(
            [RunStatus.QUEUED],
            status=RunStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=models.F("attempts") + 1,
            error="",
        )

    def mark_succeeded(self, message: str = "Done") -> bool:
        return self._transition(
            [RunStatus.RUNNING],
            status=RunStatus.SUCCEEDED,
            progress=100,
            progress_message=message[:200],
            finished_at=timezone.now(),
        )

    def mark_failed(self, error: str) -> bool:
        return self._transition(
            ACTIVE_STATUSES, status=RunStatus.FAILED, error=error, finished_at=timezone.now()
        )

    def cancel(self) -> bool:
        """Cancel a queued or running run; the worker stops it (see sparkhub.queues.cancel)."""
        return self._transition(
            ACTIVE_STATUSES,
            status=RunStatus.CANCELLED,
            progress_message="Cancelled",
            finished_at=timezone.now(),
        )

    def requeue(self) -> bool:
        return self._transition(
            [RunStatus.RUNNING, RunStatus.FAILED, RunStatus.CANCELLED],
            status=RunStatus.QUEUED,
            progress=0,
            progress_message="Queued again",
            started_at=None,
            finished_at=None,
            heartbeat_at=None,
        )

    def report_progress(self, percent: float, message: str = "") -> None:
        """Record progress; raises RunCancelled when the run was cancelled meanwhile."""
        percent = max(0, min(100, int(percent)))
        changed = self._transition(
            [RunStatus.RUNNING],
            progress=percent,
            progress_message=message[:200],
            heartbeat_at=timezone.now(),
        )
        if not changed:
            raise RunCancelled(f"{self} is no longer running")

    def record_spark_start(self, *, startup_seconds: float, application_id: str) -> None:
        type(self).objects.filter(pk=self.pk).update(
            spark_startup_seconds=startup_seconds, spark_application_id=application_id
        )
        self.spark_startup_seconds = startup_seconds
        self.spark_application_id = application_id

    def note_interruption(self) -> str:
        """Called when the run's worker was found dead: tidy what it left and say where it
        stopped, as a sentence added to the failure message (apps override; "" says nothing)."""
        return ""

    def append_log(self, line: str) -> None:
        """Keep the tail of the run's log on the row (the page shows it live)."""
        self.refresh_from_db(fields=["log_excerpt"])
        text = f"{self.log_excerpt}{line.rstrip()}\n"[-LOG_EXCERPT_CHARS:]
        type(self).objects.filter(pk=self.pk).update(log_excerpt=text)
        self.log_excerpt = text


RunT = TypeVar("RunT", bound=TrackedRun)


def tracked_run_models() -> list[type[TrackedRun]]:
    return [m for m in apps.get_models() if issubclass(m, TrackedRun)]


def execute_run(model: type[RunT], run_id: int, work: Callable[[RunT], str | None]) -> None:
    """Claim the row, run ``work(run)`` with a heartbeat, and record the outcome on the row.

    Safe to call twice for the same id: the second call finds the row claimed and returns.
    ``work`` may return a short success message. Errors are recorded and re-raised so RQ
    keeps its own record too.
    """
    run = model.objects.filter(pk=run_id).first()
    if run is None:
        log.warning("%s %s no longer exists; nothing to run", model.__name__, run_id)
        return
    if not run.claim():
        log.info("%s is %s; not running it again", run, run.status)
        return
    with bind_correlation_id(f"{model._meta.label_lower}:{run_id}"), heartbeat(run):
        try:
            message = work(run)
        except RunCancelled:
            log.info("%s was cancelled", run)
            return
        except RunError as error:
            run.mark_failed(str(error))
            raise
        except Exception as error:
            run.mark_failed(f"{type(error).__name__}: {error}\n\n{traceback.format_exc()}")
            raise
    run.mark_succeeded(message or "Done")


@contextmanager
def heartbeat(run: TrackedRun) -> Iterator[None]:
    """Refresh ``heartbeat_at`` from a background thread while the work runs."""
    stop = threading.Event()
    interval = settings.RUN_HEARTBEAT_SECONDS

    def beat() -> None:
        try:
            while not stop.wait(interval):
                try:
                    type(run).objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # a locked or dropped database: try again next beat
                    log.warning("Heartbeat of %s failed; retrying", run, exc_info=True)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"heartbeat-{run.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 5)


def recover_stale_runs() -> list[str]:
    """Fail (or re-queue, where safe) RUNNING runs whose worker stopped sending heartbeats."""
    from sparkhub.queues import enqueue_run

    older_than = timedelta(seconds=settings.RUN_STALE_AFTER_SECONDS)
    recovered: list[str] = []
    for model in tracked_run_models():
        for run in model.objects.stale(older_than=older_than):
            beat = run.heartbeat_at.isoformat(timespec="seconds") if run.heartbeat_at else "never"
            if run.retry_when_orphaned and run.attempts < run.max_attempts:
                with transaction.atomic():
                    if run.requeue():
                        # before the commit that lets a worker take it again
                        note = _joined(run.note_interruption())
                        run.append_log(f"Worker lost (last heartbeat {beat}); queued again.{note}")
                        enqueue_run(run)
                        recovered.append(f"{run} re-queued")
                continue
            note = _joined(run.note_interruption())
            if run.mark_failed(
                f"The worker running this stopped responding (last heartbeat {beat}). "
                f"It was probably killed or ran out of memory; start the run again.{note}"
            ):
                recovered.append(f"{run} failed")
        recovered += _requeue_lost_jobs(model, older_than)
    for line in recovered:
        log.warning("Recovered orphaned run: %s", line)
    return recovered


def _joined(sentence: str) -> str:
    return f" {sentence}" if sentence else ""


def _requeue_lost_jobs(model: type[TrackedRun], older_than: timedelta) -> list[str]:
    """Queue again QUEUED runs whose RQ job vanished (Redis flushed or unreachable at commit)."""
    from sparkhub.queues import enqueue_run, job_is_known

    requeued = []
    cutoff = timezone.now() - older_than
    for run in model.objects.filter(status=RunStatus.QUEUED, created_at__lt=cutoff):
        if not job_is_known(run.job_id):
            enqueue_run(run)
            requeued.append(f"{run} queued again (its job was lost)")
    return requeued
