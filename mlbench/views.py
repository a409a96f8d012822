"""mlbench pages: datasets with their profile, the benchmark form, jobs with live results."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from mlbench.forms import BenchmarkForm, UploadForm
from mlbench.models import BenchmarkJob, Dataset
from mlbench.services import DatasetError, start_benchmark, upload_dataset


def index(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            dataset = upload_dataset(
                uploaded=form.cleaned_data["file"],
                name=form.cleaned_data["name"],
                requested_by=request.user,
            )
        except DatasetError as error:
            form.add_error("file", str(error))
        else:
            return redirect(dataset)
    datasets = Paginator(Dataset.objects.select_related("requested_by"), 25)
    return render(
        request,
        "mlbench/dataset_list.html",
        {
            "form": form,
            "page": datasets.get_page(request.GET.get("page")),
            "jobs": BenchmarkJob.objects.select_related("dataset")[:10],
        },
    )


def dataset_detail(request, pk: int):
    dataset = get_object_or_404(Dataset, pk=pk)
    form = BenchmarkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = start_benchmark(
                dataset=dataset,
                tasks=form.cleaned_data["tasks"],
                worker_counts=form.cleaned_data["worker_counts"],
                repetitions=form.cleaned_data["repetitions"],
                options=form.cleaned_data["options"],
                target=form.cleaned_data["target"],
                requested_by=request.user,
            )
        except DatasetError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            return redirect(job)
    return render(
        request,
        "mlbench/dataset_detail.html",
        {"dataset": dataset, "form": form, "jobs": dataset.jobs.all()[:20]},
    )


def job_detail(request, pk: int):
    from mlbench.charts import benchmark_charts

    job = get_object_or_404(BenchmarkJob.objects.select_related("dataset"), pk=pk)
    charts = benchmark_charts(job.document) if job.document.get("results") else {}
    return render(
        request,
        "mlbench/benchmarkjob_detail.html",
        {
            "job": job,
            "document": job.document,
            "chart_list": list(charts.items()),
        },
    )


@never_cache
def status_partial(request, label: str, pk: int):
    model = Dataset if label == "dataset" else BenchmarkJob
    run = get_object_or_404(model, pk=pk)
    return render(request, "_partials/_run_status.html", {"run": run})
