"""Admin building blocks every app reuses: a TrackedRun admin and confirmed actions."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.template.response import TemplateResponse

from sparkhub.models import WorkerCheck
from sparkhub.queues import cancel_run


def confirmed_action(*, description: str, question: str, verb: str):
    """Decorate an admin action so it shows a confirmation page before doing anything."""

    def decorate(perform: Callable):
        def action(modeladmin, request, queryset):
            if request.POST.get("confirmed") == "yes":
                return perform(modeladmin, request, queryset)
            return TemplateResponse(
                request,
                "admin/confirm_action.html",
                {
                    **modeladmin.admin_site.each_context(request),
                    "title": description,
                    "question": question,
                    "verb": verb,
                    "queryset": queryset,
                    "action": perform.__name__,
                    "opts": modeladmin.model._meta,
                },
            )

        action.__name__ = perform.__name__
        return admin.action(description=description)(action)

    return decorate


@confirmed_action(
    description="Cancel selected runs",
    question="These runs will be stopped. Work in progress is lost.",
    verb="cancel them",
)
def cancel_runs(modeladmin, request, queryset):
    cancelled = sum(1 for run in queryset if cancel_run(run))
    modeladmin.message_user(request, f"Cancelled {cancelled} run(s).", messages.SUCCESS)


class TrackedRunAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "status",
        "progress",
        "created_at",
        "started_at",
        "finished_at",
        "requested_by",
    )
    list_filter = ("status", "created_at")
    date_hierarchy = "created_at"
    readonly_fields = (
        "status",
        "progress",
        "progress_message",
        "log_excerpt",
        "error",
        "created_at",
        "started_at",
        "finished_at",
        "heartbeat_at",
        "attempts",
        "job_id",
    )
    actions = [cancel_runs]


@admin.register(WorkerCheck)
class WorkerCheckAdmin(TrackedRunAdmin):
    list_display = ("__str__", "queue", "with_spark", *TrackedRunAdmin.list_display[1:])
    list_filter = ("queue", "with_spark", *TrackedRunAdmin.list_filter)
    search_fields = ("job_id", "error")
