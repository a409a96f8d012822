from django.db import models

from sparkhub.runs import TrackedRun


class WorkerCheck(TrackedRun):
    """A self-test an operator queues to prove the workers, and optionally Spark, work."""

    task = "sparkhub.tasks.run_worker_check"
    retry_when_orphaned = True

    queue = models.CharField(
        max_length=16,
        choices=[("default", "default"), ("llm", "llm"), ("spark", "spark")],
        default="default",
    )
    with_spark = models.BooleanField(default=False, help_text="Start Spark and run a tiny job.")
    hold_seconds = models.PositiveIntegerField(
        default=0, help_text="Keep the worker busy this long (to try cancelling or load)."
    )
    result = models.JSONField(default=dict, blank=True)

    class Meta(TrackedRun.Meta):
        verbose_name = "worker check"

    def __str__(self) -> str:
        return f"Worker check #{self.pk} on {self.queue}"

    @property
    def queue_name(self) -> str:  # per row: the check targets the queue the operator chose
        return self.queue
