from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from sparkhub.runs import TrackedRun
from sparkhub.tables import ordered_table


class Pipeline(models.Model):
    """A named HOCON pipeline; its text is validated before it is saved."""

    name = models.SlugField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    config = models.TextField(help_text="HOCON: pipeline { … } and steps { … }")
    shipped = models.BooleanField(default=False, help_text="Comes with sparkhub (pipelines/).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("lakehouse:pipeline", kwargs={"name": self.name})

    def clean(self) -> None:
        from lakehouse.engine import validate

        problems = validate(self.config)
        if problems:
            raise ValidationError({"config": [str(problem) for problem in problems]})


class PipelineRun(TrackedRun):
    """One execution (or dry run) of a pipeline; the engine's report is kept whole."""

    queue_name = "spark"
    task = "lakehouse.tasks.run_pipeline_run"
    # Sinks publish atomically and overwrite: running again from the start is safe.
    retry_when_orphaned = True

    pipeline = models.ForeignKey(
        Pipeline, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    pipeline_name = models.CharField(max_length=100)
    config = models.TextField(help_text="The HOCON text this run used.")
    overrides = models.JSONField(default=list, blank=True, help_text='["key=value", …]')
    dry_run = models.BooleanField(default=False)
    report = models.JSONField(default=dict, blank=True)
    quarantine_preview = models.JSONField(default=list, blank=True)

    class Meta(TrackedRun.Meta):
        verbose_name = "pipeline run"

    @property
    def quarantine_tables(self) -> list[dict]:
        """The quarantine previews, each row in the table's column order."""
        return [
            {**preview, **ordered_table(preview.get("rows", []), preview.get("columns"))}
            for preview in self.quarantine_preview
        ]

    def __str__(self) -> str:
        return f"{self.pipeline_name} run #{self.pk}" + (" (dry run)" if self.dry_run else "")

    def get_absolute_url(self) -> str:
        return reverse("lakehouse:run", kwargs={"pk": self.pk})

    def note_interruption(self) -> str:
        from lakehouse.services import recover_interrupted_run

        return recover_interrupted_run(self)


class StepRun(models.Model):
    run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="step_runs")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    type = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    stage = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    rows_in = models.BigIntegerField(null=True, blank=True)
    rows_out = models.BigIntegerField(null=True, blank=True)
    rows_rejected = models.BigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    skipped_because = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "name"], name="lakehouse_step_once_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"


class QualityResult(models.Model):
    run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="quality_results")
    step = models.CharField(max_length=100)
    rule = models.CharField(max_length=200)
    type = models.CharField(max_length=40)
    columns = models.JSONField(default=list, blank=True)
    action = models.CharField(max_length=20)
    reason = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, db_index=True)
    passed = models.BigIntegerField(null=True, blank=True)
    failed = models.BigIntegerField(null=True, blank=True)
    total = models.BigIntegerField(null=True, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["run", "step", "rule"]

    def __str__(self) -> str:
        return f"{self.step}.{self.rule}: {self.status}"
