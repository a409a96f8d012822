"""Platform pages: dashboard, run pages, health and metrics."""

from __future__ import annotations

import hmac

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from sparkhub import services
from sparkhub.metrics import render_metrics
from sparkhub.queues import QUEUE_NAMES, cancel_run
from sparkhub.runs import TrackedRun


def home(request):
    return render(
        request,
        "sparkhub/home.html",
        {"runs": services.recent_runs(), "queue_names": QUEUE_NAMES},
    )


@never_cache
def recent_runs_partial(request):
    # Polled by the dashboard while any run is active.
    return render(request, "_partials/_runs_table.html", {"runs": services.recent_runs()})


def _get_run(label: str, pk: int) -> TrackedRun:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404("No such kind of run") from None
    if not issubclass(model, TrackedRun):
        raise Http404("No such kind of run")
    return get_object_or_404(model, pk=pk)


def run_detail(request, label: str, pk: int):
    run = _get_run(label, pk)
    return render(request, "sparkhub/run_detail.html", {"run": run, "label": label})


@never_cache
def run_status_partial(request, label: str, pk: int):
    run = _get_run(label, pk)
    return render(request, "_partials/_run_status.html", {"run": run, "label": label})


@require_POST
def run_cancel(request, label: str, pk: int):
    run = _get_run(label, pk)
    if cancel_run(run):
        messages.success(request, f"{run} was cancelled.")
    else:
        messages.info(request, f"{run} had already finished ({run.get_status_display()}).")
    return redirect("run-detail", label=label, pk=pk)


@require_POST
def worker_check_start(request):
    queue = request.POST.get("queue", "default")
    if queue not in QUEUE_NAMES:
        messages.error(request, f"Unknown queue {queue!r}.")
        return redirect("home")
    check = services.start_worker_check(
        queue=queue, with_spark=request.POST.get("with_spark") == "on", requested_by=request.user
    )
    return redirect("run-detail", label="sparkhub.workercheck", pk=check.pk)


@login_not_required
@never_cache
@require_GET
def metrics(request):
    """Prometheus metrics: with METRICS_TOKEN set, a bearer token; otherwise loopback only."""
    if settings.METRICS_TOKEN:
        supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(supplied, settings.METRICS_TOKEN):
            return HttpResponse("metrics need the bearer token\n", status=401)
    elif (
        request.META.get("REMOTE_ADDR") not in ("127.0.0.1", "::1")
        or "HTTP_X_FORWARDED_FOR" in request.META  # a proxy on this host: not local at all
        or settings.HTTPS
    ):
        return HttpResponse(
            "metrics are served to localhost only (or set METRICS_TOKEN)\n", status=403
        )
    body, content_type = render_metrics()
    return HttpResponse(body, content_type=content_type)


def error_404(request, exception):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)
