"""Log analytics pages: applications, one application, a job, a stage, the day, a comparison."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import PurePosixPath

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from explainer.models import Submission
from loganalytics import charts, eventlog
from loganalytics.eventlog import EventLogError
from loganalytics.forms import ApplicationFilterForm, UploadForm
from loganalytics.models import EventLogImport, ImportOutcome, SparkApplication
from loganalytics.services import (
    compare_applications,
    find_job,
    import_upload,
    refresh_stale_applications,
    summary_for_day,
)
from loganalytics.store import application_model
from sparkhub.runs import RunStatus

# PySpark names a stage after the call that made it: "count at /jobs/daily.py:152".
CALL_SITE = re.compile(r"^(?P<call>.+?) at (?P<file>[^\s:]+):(?P<line>\d+)$")


def index(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = import_upload(upload=form.cleaned_data["log"], requested_by=request.user)
        except EventLogError as error:
            form.add_error("log", str(error))
        else:
            if run.status != RunStatus.SUCCEEDED:
                messages.info(request, "The log is large: a worker is importing it.")
                return redirect(run)
            if run.outcome == ImportOutcome.UNCHANGED:
                messages.info(request, "This log was imported before: nothing changed.")
            return redirect(run.application)
    filters = ApplicationFilterForm(request.GET or None)
    refresh_stale_applications()
    applications = filters.filter(SparkApplication.objects.all())
    page = Paginator(applications, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "loganalytics/sparkapplication_list.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "imports": EventLogImport.objects.select_related("application")[:8],
            "query": _query_without_page(request),
        },
    )


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _application(app_id: str) -> tuple[SparkApplication, eventlog.ApplicationModel]:
    # Pages show an application's newest attempt; the API answers for every attempt.
    application = SparkApplication.objects.newest_attempt(app_id)
    if application is None:
        raise Http404(f"No application {app_id}")
    return application, application_model(application)


def _call_site(name: str) -> dict | None:
    match = CALL_SITE.match(name or "")
    if match is None:
        return None
    file_name = PurePosixPath(match["file"]).name
    line = int(match["line"])
    submission = (
        Submission.objects.filter(files__has_key=file_name).only("pk").order_by("-pk").first()
    )
    link = ""
    if submission is not None:
        link = f"{reverse('explainer:detail', kwargs={'pk': submission.pk})}#L{file_name}-{line}"
    return {"call": match["call"], "file": file_name, "line": line, "explainer_url": link}


def _stage_rows(model, stages: list[dict]) -> list[dict]:
    sites: dict[str, dict | None] = {}
    for stage in stages:
        name = stage.get("name", "")
        if name not in sites:
            sites[name] = _call_site(name)
        stage["call_site"] = sites[name]
    return stages


def application_detail(request, app_id: str):
    application, model = _application(app_id)
    jobs = eventlog.to_shs_jobs(model)
    scaling = eventlog.scaling(model) if model.stages else []
    others = (
        SparkApplication.objects.filter(name=application.name)
        .exclude(app_id=application.app_id)
        .only("app_id", "started_at", "duration_ms", "name")[:20]
        if application.name
        else []
    )
    return render(
        request,
        "loganalytics/sparkapplication_detail.html",
        {
            "application": application,
            "shs": eventlog.to_shs_application(model)["attempts"][0],
            "timeline": charts.timeline(model),
            "findings": application.findings.all(),
            "jobs": jobs,
            "stages": _stage_rows(model, eventlog.to_shs_stages(model)),
            "executors": eventlog.to_shs_executors(model, include_dead=True),
            "critical_path_ms": eventlog.critical_path_ms(model) if model.stages else None,
            "scaling": scaling,
            "others": others,
            "imports": application.imports.all()[:5],
        },
    )


def job_detail(request, app_id: str, job_id: str):
    application, model = _application(app_id)
    job = find_job(model, job_id)
    if job is None:
        raise Http404("No such job")
    stages = [
        eventlog.to_shs_stage_attempt(model, stage_id, attempt)
        for (stage_id, attempt), stage in sorted(model.stages.items())
        if job.job_id in stage.job_ids
    ]
    for stage in stages:
        stage.pop("tasks", None)
    return render(
        request,
        "loganalytics/job_detail.html",
        {
            "application": application,
            "job": eventlog.to_shs_job(job),
            "result": eventlog.job_result(model, job),
            "stages": _stage_rows(model, stages),
            "chart": charts.job_task_durations(model, job),
            "findings": application.findings.filter(job_id=str(job.job_id)),
        },
    )


def stage_detail(request, app_id: str, stage_id: int, attempt: int):
    application, model = _application(app_id)
    stage = model.stages.get((stage_id, attempt))
    if stage is None:
        raise Http404("No such stage attempt")
    shs_stage = eventlog.to_shs_stage_attempt(model, stage_id, attempt)
    tasks = sorted(shs_stage.pop("tasks", {}).values(), key=lambda t: -t.get("duration", 0))
    return render(
        request,
        "loganalytics/stage_detail.html",
        {
            "application": application,
            "stage": shs_stage,
            "call_site": _call_site(stage.name),
            "chart": charts.task_durations(stage, model.now),
            "summary": eventlog.to_shs_task_summary(model, stage_id, attempt),
            "slowest_tasks": tasks[:20],
            "task_count": len(tasks),
            "jobs": sorted(stage.job_ids, key=str),
            "findings": application.findings.filter(stage_id=stage_id, stage_attempt=attempt),
        },
    )


def daily_summary(request):
    raw = request.GET.get("date") or datetime.now(tz=UTC).date().isoformat()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        messages.error(request, f"{raw!r} is not a date: use YYYY-MM-DD.")
        return redirect("loganalytics:summary")
    return render(
        request,
        "loganalytics/daily_summary.html",
        {"summary": summary_for_day(day), "day": day},
    )


def compare(request):
    base_id, new_id = request.GET.get("base", ""), request.GET.get("new", "")
    if not base_id or not new_id:
        messages.error(request, "Choose two applications to compare.")
        return redirect("loganalytics:index")
    base = SparkApplication.objects.newest_attempt(base_id)
    new = SparkApplication.objects.newest_attempt(new_id)
    if base is None or new is None:
        raise Http404("No such application")
    return render(
        request,
        "loganalytics/compare.html",
        {"base": base, "new": new, "diff": compare_applications(base, new)},
    )
