from django.db import models, transaction
from django.urls import reverse

from sparkhub.runs import TrackedRun
from sparkhub.tables import ordered_table


class Dataset(TrackedRun):
    """An uploaded file; the run is its profiling (schema, row count, preview) on Spark."""

    queue_name = "spark"
    task = "mlbench.tasks.run_dataset_profile"
    retry_when_orphaned = True

    name = models.CharField(max_length=200)
    file = models.FileField(upload_to="datasets/%Y/%m/", max_length=500)
    original_name = models.CharField(max_length=255)
    format = models.CharField(max_length=8)  # csv | json | txt | pdf
    size_bytes = models.BigIntegerField()
    kind = models.CharField(max_length=20, blank=True)  # table | text, from the profile
    delimiter = models.CharField(max_length=4, blank=True)
    schema = models.JSONField(default=list, blank=True)
    schema_json = models.TextField(blank=True)
    row_count = models.BigIntegerField(null=True, blank=True)
    preview = models.JSONField(default=list, blank=True)

    class Meta(TrackedRun.Meta):
        verbose_name = "dataset"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mlbench:dataset", kwargs={"pk": self.pk})

    @property
    def is_profiled(self) -> bool:
        return self.row_count is not None

    @property
    def preview_table(self) -> dict:
        """The preview in the file's column order (the schema's)."""
        return ordered_table(self.preview, [column["name"] for column in self.schema])


class Target(models.TextChoices):
    LOCAL = "local", "This machine's Spark (SPARK_MASTER)"
    DATABRICKS = "databricks", "Databricks (DATABRICKS_HOST)"


class BenchmarkJob(TrackedRun):
    """Tasks on a dataset across worker counts; ``document`` is the results document."""

    queue_name = "spark"
    task = "mlbench.tasks.run_benchmark_job"
    retry_when_orphaned = True

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="jobs")
    tasks = models.JSONField()
    worker_counts = models.JSONField()
    repetitions = models.PositiveSmallIntegerField(default=3)
    options = models.JSONField(default=dict, blank=True)
    target = models.CharField(max_length=16, choices=Target.choices, default=Target.LOCAL)
    document = models.JSONField(default=dict, blank=True)

    class Meta(TrackedRun.Meta):
        verbose_name = "benchmark job"

    def __str__(self) -> str:
        return f"Benchmark #{self.pk}: {', '.join(self.tasks)} on {self.dataset}"

    def get_absolute_url(self) -> str:
        return reverse("mlbench:job", kwargs={"pk": self.pk})

    def cancel(self) -> bool:
        """Cancel the row; a Databricks run is cancelled there too, once the row says so (the
        worker that follows it is stopped and cannot do it itself)."""
        cancelled = super().cancel()
        if cancelled and self.target == Target.DATABRICKS:
            from mlbench.services import cancel_databricks_job_run

            transaction.on_commit(lambda: cancel_databricks_job_run(self.pk), robust=True)
        return cancelled
