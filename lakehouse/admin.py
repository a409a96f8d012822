from django.contrib import admin, messages

from lakehouse.models import Pipeline, PipelineRun, QualityResult, StepRun
from lakehouse.services import PipelineConfigError, plan_pipeline, rerun, start_pipeline_run
from sparkhub.admin import TrackedRunAdmin, confirmed_action


@admin.action(description="Validate the configuration")
def validate_pipelines(modeladmin, request, queryset):
    for pipeline in queryset:
        try:
            plan = plan_pipeline(config=pipeline.config)
        except PipelineConfigError as error:
            modeladmin.message_user(request, f"{pipeline}: {error}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{pipeline}: valid, {len(plan['steps'])} steps")


@admin.action(description="Dry-run (plan only)")
def dry_run_pipelines(modeladmin, request, queryset):
    for pipeline in queryset:
        start_pipeline_run(pipeline=pipeline, dry_run=True, requested_by=request.user)
    modeladmin.message_user(request, f"Queued {queryset.count()} dry run(s).")


@confirmed_action(
    description="Run now",
    question="Each pipeline runs on Spark and overwrites its output tables.",
    verb="run them",
)
def run_pipelines(modeladmin, request, queryset):
    for pipeline in queryset:
        start_pipeline_run(pipeline=pipeline, requested_by=request.user)
    modeladmin.message_user(request, f"Queued {queryset.count()} run(s).")


@confirmed_action(
    description="Run again",
    question="Each run's configuration and overrides run again on Spark, as new runs.",
    verb="run them again",
)
def rerun_runs(modeladmin, request, queryset):
    for run in queryset:
        rerun(run=run, requested_by=request.user)
    modeladmin.message_user(request, f"Queued {queryset.count()} run(s).")


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    list_display = ("name", "description", "shipped", "updated_at")
    list_filter = ("shipped",)
    search_fields = ("name", "description", "config")
    actions = [validate_pipelines, dry_run_pipelines, run_pipelines]


class StepRunInline(admin.TabularInline):
    model = StepRun
    extra = 0
    can_delete = False
    fields = (
        "name",
        "kind",
        "status",
        "attempts",
        "rows_in",
        "rows_out",
        "rows_rejected",
        "duration_seconds",
        "error",
    )
    readonly_fields = fields


@admin.register(PipelineRun)
class PipelineRunAdmin(TrackedRunAdmin):
    list_display = ("__str__", "pipeline_name", "dry_run", *TrackedRunAdmin.list_display[1:])
    list_filter = ("pipeline_name", "dry_run", *TrackedRunAdmin.list_filter)
    search_fields = ("pipeline_name", "error", "spark_application_id")
    readonly_fields = (
        *TrackedRunAdmin.readonly_fields,
        "report",
        "quarantine_preview",
        "spark_startup_seconds",
        "spark_application_id",
    )
    inlines = [StepRunInline]
    actions = [*TrackedRunAdmin.actions, rerun_runs]


@admin.register(StepRun)
class StepRunAdmin(admin.ModelAdmin):
    list_display = ("name", "run", "kind", "status", "rows_in", "rows_out", "rows_rejected")
    list_filter = ("status", "kind")
    search_fields = ("name", "error", "run__pipeline_name")


@admin.register(QualityResult)
class QualityResultAdmin(admin.ModelAdmin):
    list_display = ("rule", "step", "run", "action", "status", "passed", "failed")
    list_filter = ("status", "action", "type")
    search_fields = ("rule", "step", "run__pipeline_name")
