import uuid

from django.db import models
from django.urls import reverse

from sparkhub.runs import RunStatus, TrackedRun


class ExplanationSource(models.TextChoices):
    OFFLINE = "offline", "Offline (from the analysis)"
    GEMINI = "gemini", "Gemini"


class Submission(TrackedRun):
    """PySpark code a user asked about: its analysis, documentation and explanations.

    The analysis runs in the request (it is fast); the row is a run because the Gemini
    explanation runs on the ``llm`` queue.
    """

    queue_name = "llm"
    task = "explainer.tasks.run_llm_explanation"
    retry_when_orphaned = True
    # Lists never need these, and they can be megabytes.
    HEAVY_FIELDS = ("files", "analysis", "documentation", "offline_explanation", "llm_explanation")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    files = models.JSONField(help_text="{file name: source}")
    cache_key = models.CharField(max_length=64, db_index=True)
    analyser_version = models.CharField(max_length=20)
    analysis = models.JSONField(default=dict, blank=True)
    documentation = models.TextField(blank=True)
    offline_explanation = models.TextField(blank=True)
    parse_failed = models.BooleanField(default=False)
    high_findings = models.PositiveIntegerField(default=0)
    medium_findings = models.PositiveIntegerField(default=0)
    low_findings = models.PositiveIntegerField(default=0)
    llm_requested = models.BooleanField(default=False)
    llm_model = models.CharField(max_length=80, blank=True)
    llm_explanation = models.JSONField(default=dict, blank=True)
    llm_error = models.TextField(blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)

    class Meta(TrackedRun.Meta):
        indexes = [models.Index(fields=["cache_key", "status"])]

    def __str__(self) -> str:
        return f"{self.title} (#{self.pk})"

    def get_absolute_url(self) -> str:
        return reverse("explainer:detail", kwargs={"pk": self.pk})

    @property
    def explanation_source(self) -> str:
        return ExplanationSource.GEMINI if self.llm_explanation else ExplanationSource.OFFLINE

    @property
    def seed_status(self) -> str:
        """The public API's words: pending, finished or failed."""
        if self.status in (RunStatus.QUEUED, RunStatus.RUNNING):
            return "pending"
        return "failed" if self.status == RunStatus.FAILED else "finished"

    @property
    def line_count(self) -> int:
        return sum(source.count("\n") + 1 for source in self.files.values())


class Finding(models.Model):
    """One anti-pattern finding, kept as a row so the admin can filter by rule and severity."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField(max_length=12, db_index=True)
    severity = models.CharField(max_length=8, db_index=True)
    file = models.CharField(max_length=255)
    line = models.PositiveIntegerField()
    message = models.TextField()
    fix = models.TextField(blank=True)

    class Meta:
        ordering = ["submission", "file", "line"]

    def __str__(self) -> str:
        return f"{self.rule} at {self.file}:{self.line}"
