from django.contrib import admin, messages

from mlbench.models import BenchmarkJob, Dataset
from mlbench.services import DatasetError, start_benchmark
from sparkhub.admin import TrackedRunAdmin, confirmed_action
from sparkhub.queues import enqueue_run


@confirmed_action(
    description="Run again",
    question="Each benchmark runs again on Spark with the same tasks, workers and options.",
    verb="run them again",
)
def rerun_jobs(modeladmin, request, queryset):
    for job in queryset.select_related("dataset"):
        try:
            start_benchmark(
                dataset=job.dataset,
                tasks=job.tasks,
                worker_counts=job.worker_counts,
                repetitions=job.repetitions,
                options=job.options,
                requested_by=request.user,
            )
        except DatasetError as error:
            modeladmin.message_user(request, f"{job}: {error}", messages.ERROR)
    modeladmin.message_user(request, "Queued again.")


@admin.action(description="Profile again")
def reprofile(modeladmin, request, queryset):
    for dataset in queryset:
        if dataset.requeue():
            enqueue_run(dataset)
    modeladmin.message_user(request, "Queued profiling.")


@admin.register(Dataset)
class DatasetAdmin(TrackedRunAdmin):
    list_display = ("name", "format", "size_bytes", "row_count", *TrackedRunAdmin.list_display[1:])
    list_filter = ("format", "kind", *TrackedRunAdmin.list_filter)
    search_fields = ("name", "original_name")
    readonly_fields = (
        *TrackedRunAdmin.readonly_fields,
        "schema",
        "schema_json",
        "preview",
        "row_count",
        "kind",
        "delimiter",
    )
    actions = [*TrackedRunAdmin.actions, reprofile]


@admin.register(BenchmarkJob)
class BenchmarkJobAdmin(TrackedRunAdmin):
    list_display = ("__str__", "dataset", *TrackedRunAdmin.list_display[1:])
    list_filter = TrackedRunAdmin.list_filter
    search_fields = ("dataset__name", "error")
    readonly_fields = (*TrackedRunAdmin.readonly_fields, "document")
    actions = [*TrackedRunAdmin.actions, rerun_jobs]
