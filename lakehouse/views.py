"""Lakehouse pages: pipelines with an editor, plan and DAG; runs with steps, quality, metrics."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from lakehouse import charts
from lakehouse.forms import PipelineForm, RunForm
from lakehouse.models import Pipeline, PipelineRun
from lakehouse.services import PipelineConfigError, plan_pipeline, start_pipeline_run
from sparkhub.graphs import Node, layered

KIND_COLOURS = {
    "source": "#dbeafe",
    "transform": "#fef9c3",
    "validator": "#fce7f3",
    "sink": "#dcfce7",
}


def index(request):
    return render(
        request,
        "lakehouse/pipeline_list.html",
        {
            "pipelines": Pipeline.objects.all(),
            "runs": PipelineRun.objects.select_related("requested_by")[:20],
        },
    )


def pipeline_new(request):
    form = PipelineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pipeline = form.save()
        messages.success(request, f"Pipeline {pipeline.name} saved.")
        return redirect(pipeline)
    return render(request, "lakehouse/pipeline_form.html", {"form": form})


def pipeline_detail(request, name: str):
    pipeline = get_object_or_404(Pipeline, name=name)
    form = PipelineForm(instance=pipeline)
    run_form = RunForm()
    if request.method == "POST" and request.POST.get("action") == "save":
        form = PipelineForm(request.POST, instance=pipeline)
        if form.is_valid():
            form.save()
            messages.success(request, "Saved: the configuration is valid.")
            return redirect(pipeline)
    elif request.method == "POST" and request.POST.get("action") == "run":
        run_form = RunForm(request.POST)
        if run_form.is_valid():
            try:
                run = start_pipeline_run(
                    pipeline=pipeline,
                    overrides=run_form.cleaned_data["overrides"],
                    dry_run=run_form.cleaned_data["dry_run"],
                    requested_by=request.user,
                )
            except PipelineConfigError as error:
                for problem in error.problems:
                    run_form.add_error("overrides", problem)
            else:
                return redirect(run)
    plan, problems = None, []
    try:
        plan = plan_pipeline(config=pipeline.config)
    except PipelineConfigError as error:
        problems = error.problems
    for step in plan["steps"] if plan else []:
        step["target"] = step["options"].get("path") or step["options"].get("table") or ""
    return render(
        request,
        "lakehouse/pipeline_detail.html",
        {
            "pipeline": pipeline,
            "form": form,
            "run_form": run_form,
            "plan": plan,
            "problems": problems,
            "dag": step_dag(plan) if plan else None,
            "runs": pipeline.runs.all()[:15],
        },
    )


def step_dag(plan: dict):
    nodes = [
        Node(
            key=step["name"],
            label=step["name"],
            detail=f"{step['kind']} · {step['type'].rsplit('.', 1)[-1]}",
            colour=KIND_COLOURS.get(step["kind"], "#e2e8f0"),
            data={"title": step.get("description") or step["type"]},
        )
        for step in plan["steps"]
    ]
    names = {step["name"] for step in plan["steps"]}
    links = [
        (port.split(".", 1)[0], step["name"], port.endswith(".rejects"))
        for step in plan["steps"]
        for port in step["inputs"]
        if port.split(".", 1)[0] in names
    ]
    return layered(nodes, links)


def run_detail(request, pk: int):
    run = get_object_or_404(PipelineRun.objects.select_related("pipeline"), pk=pk)
    steps = list(run.step_runs.all())
    quality = list(run.quality_results.all())
    return render(
        request,
        "lakehouse/pipelinerun_detail.html",
        {
            "run": run,
            "steps": steps,
            "quality": quality,
            "timeline": charts.step_timeline(steps),
            "rows_chart": charts.rows_per_step(steps),
            "quality_chart": charts.quality_failures(quality),
        },
    )


@never_cache
def run_status_partial(request, pk: int):
    run = get_object_or_404(PipelineRun, pk=pk)
    return render(request, "_partials/_run_status.html", {"run": run})
