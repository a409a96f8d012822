from django.contrib import admin, messages

from loganalytics.eventlog import EventLogError
from loganalytics.models import (
    ApplicationFinding,
    EventLogImport,
    IngestBatch,
    SparkApplication,
    SparkEvent,
)
from loganalytics.services import (
    queue_event_log_import,
    reanalyse_application,
    reimport_application,
)
from sparkhub.admin import TrackedRunAdmin, confirmed_action


class FindingInline(admin.TabularInline):
    model = ApplicationFinding
    extra = 0
    can_delete = False
    fields = ("severity", "rule", "title", "stage_id", "job_id")
    readonly_fields = fields


class RuleFilter(admin.SimpleListFilter):
    title = "finding rule"
    parameter_name = "rule"

    def lookups(self, request, model_admin):
        rules = ApplicationFinding.objects.order_by("rule").values_list("rule", flat=True)
        return [(rule, rule) for rule in rules.distinct()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(findings__rule=self.value()).distinct()
        return queryset


@confirmed_action(
    description="Re-import from the event-log file",
    question="Each application's log is read again by a worker; events already stored are kept.",
    verb="re-import them",
)
def reimport(modeladmin, request, queryset):
    queued, refused = 0, []
    for application in queryset:
        try:
            reimport_application(application=application, requested_by=request.user)
            queued += 1
        except EventLogError as error:
            refused.append(str(error))
    modeladmin.message_user(request, f"Queued {queued} re-import(s).", messages.SUCCESS)
    for reason in refused:
        modeladmin.message_user(request, reason, messages.WARNING)


@admin.action(description="Re-analyse from stored events")
def reanalyse(modeladmin, request, queryset):
    for application in queryset:
        reanalyse_application(application=application)
    modeladmin.message_user(request, f"Re-analysed {queryset.count()} application(s).")


@admin.register(SparkApplication)
class SparkApplicationAdmin(admin.ModelAdmin):
    list_display = (
        "app_id",
        "attempt_id",
        "name",
        "status",
        "source",
        "started_at",
        "duration_display",
        "job_count",
        "failed_job_count",
        "task_count",
        "critical_findings",
        "warning_findings",
        "event_count",
    )
    list_filter = ("status", "source", "spark_version", RuleFilter, "started_at")
    search_fields = ("app_id", "name", "user", "source_path")
    date_hierarchy = "started_at"
    readonly_fields = (
        "events_token",
        "analysed_token",
        "source_size",
        "source_mtime_ms",
        "created_at",
        "updated_at",
    )
    inlines = [FindingInline]
    actions = [reimport, reanalyse]


@admin.register(SparkEvent)
class SparkEventAdmin(admin.ModelAdmin):
    list_display = ("identity", "kind", "time", "application")
    list_filter = ("kind",)
    search_fields = ("identity", "application__app_id")
    list_select_related = ("application",)
    show_full_result_count = False  # counting millions of events on every page is slow


@admin.register(ApplicationFinding)
class ApplicationFindingAdmin(admin.ModelAdmin):
    list_display = ("rule", "severity", "title", "application", "stage_id", "job_id")
    list_filter = ("severity", "rule")
    search_fields = ("rule", "title", "application__app_id", "application__name")
    list_select_related = ("application",)


@confirmed_action(
    description="Import these logs again",
    question="Each log is read again by a worker; events already stored are kept.",
    verb="import them again",
)
def import_again(modeladmin, request, queryset):
    for run in queryset:
        queue_event_log_import(path=run.source_path, requested_by=request.user)
    modeladmin.message_user(request, f"Queued {queryset.count()} import(s).", messages.SUCCESS)


@admin.register(EventLogImport)
class EventLogImportAdmin(TrackedRunAdmin):
    list_display = (
        "__str__",
        "origin",
        "status",
        "outcome",
        "application",
        "events_read",
        "events_added",
        "created_at",
        "requested_by",
    )
    list_filter = ("status", "origin", "outcome", "created_at")
    search_fields = ("source_path", "original_name", "application__app_id", "error")
    readonly_fields = (
        *TrackedRunAdmin.readonly_fields,
        "outcome",
        "events_read",
        "events_added",
        "application",
    )
    actions = [*TrackedRunAdmin.actions, import_again]


@admin.register(IngestBatch)
class IngestBatchAdmin(admin.ModelAdmin):
    list_display = ("task_id", "received_at", "events_received", "events_added", "requested_by")
    list_filter = ("received_at",)
    search_fields = ("task_id",)
    readonly_fields = ("task_id", "received_at", "events_received", "events_added", "errors")
