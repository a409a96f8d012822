from django.contrib import admin, messages

from explainer.models import Finding, Submission
from explainer.services import reanalyse_submission, reexplain_submission
from sparkhub.admin import TrackedRunAdmin, confirmed_action


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    can_delete = False
    fields = ("rule", "severity", "file", "line", "message")
    readonly_fields = fields


class RuleFilter(admin.SimpleListFilter):
    title = "rule"
    parameter_name = "rule"

    def lookups(self, request, model_admin):
        rules = Finding.objects.order_by("rule").values_list("rule", flat=True).distinct()
        return [(rule, rule) for rule in rules]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(findings__rule=self.value()).distinct()
        return queryset


class SeverityFilter(admin.SimpleListFilter):
    title = "worst finding"
    parameter_name = "worst"

    def lookups(self, request, model_admin):
        return [("high", "high"), ("medium", "medium"), ("low", "low"), ("none", "none")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "high":
            return queryset.filter(high_findings__gt=0)
        if value == "medium":
            return queryset.filter(high_findings=0, medium_findings__gt=0)
        if value == "low":
            return queryset.filter(high_findings=0, medium_findings=0, low_findings__gt=0)
        if value == "none":
            return queryset.filter(high_findings=0, medium_findings=0, low_findings=0)
        return queryset


@admin.action(description="Re-analyse with the current analyser")
def reanalyse(modeladmin, request, queryset):
    for submission in queryset:
        reanalyse_submission(submission=submission)
    modeladmin.message_user(request, f"Re-analysed {queryset.count()} submission(s).")


@confirmed_action(
    description="Explain again with Gemini",
    question="Each submission is sent to Gemini again, which costs tokens.",
    verb="explain them again",
)
def reexplain(modeladmin, request, queryset):
    queued = sum(reexplain_submission(submission=s) for s in queryset)
    if queued:
        modeladmin.message_user(request, f"Queued {queued} explanation(s).")
    else:
        modeladmin.message_user(request, "GEMINI_API_KEY is not set.", messages.WARNING)


@admin.register(Submission)
class SubmissionAdmin(TrackedRunAdmin):
    list_display = (
        "title",
        "status",
        "high_findings",
        "medium_findings",
        "low_findings",
        "parse_failed",
        "llm_model",
        "prompt_tokens",
        "output_tokens",
        "created_at",
        "requested_by",
    )
    list_filter = ("status", SeverityFilter, RuleFilter, "parse_failed", "llm_model", "created_at")
    search_fields = ("title", "cache_key", "public_id")
    readonly_fields = (
        *TrackedRunAdmin.readonly_fields,
        "public_id",
        "cache_key",
        "analyser_version",
        "files",
        "analysis",
        "llm_explanation",
        "llm_error",
        "prompt_tokens",
        "output_tokens",
    )
    inlines = [FindingInline]
    actions = [*TrackedRunAdmin.actions, reanalyse, reexplain]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ("rule", "severity", "submission", "file", "line")
    list_filter = ("severity", "rule")
    search_fields = ("rule", "message", "submission__title")
    list_select_related = ("submission",)
