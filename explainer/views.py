"""Explainer pages: submit, result, documentation, history, comparison."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from explainer import pictures
from explainer.forms import SubmissionForm
from explainer.models import Submission
from explainer.services import SubmissionError, compare_submissions, submit_code


def index(request):
    form = SubmissionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            submission, cached = submit_code(
                files=form.cleaned_data["files"],
                title=form.cleaned_data["title"],
                requested_by=request.user,
            )
        except SubmissionError as error:
            form.add_error(None, str(error))
        else:
            if cached:
                messages.info(request, "This exact code was analysed before: here is that result.")
            return redirect(submission)
    history = Paginator(
        Submission.objects.select_related("requested_by").defer(*Submission.HEAVY_FIELDS), 25
    )
    page = history.get_page(request.GET.get("page"))
    return render(request, "explainer/submission_form.html", {"form": form, "page": page})


def detail(request, pk: int):
    submission = get_object_or_404(Submission, pk=pk)
    analysis = submission.analysis
    findings_by_line: dict[tuple[str, int], list[dict]] = {}
    for finding in analysis.get("findings", []):
        key = (finding.get("file") or next(iter(submission.files)), finding["line"])
        findings_by_line.setdefault(key, []).append(finding)
    sources = [
        {
            "name": name,
            "lines": [
                {"number": n, "text": text, "findings": findings_by_line.get((name, n), [])}
                for n, text in enumerate(source.split("\n"), start=1)
            ],
        }
        for name, source in submission.files.items()
    ]
    return render(
        request,
        "explainer/submission_detail.html",
        {
            "submission": submission,
            "analysis": analysis,
            "dag": pictures.operation_dag(analysis),
            "lineage": pictures.lineage_graph(analysis),
            "sources": sources,
            "others": Submission.objects.exclude(pk=pk).only("pk", "title", "created_at")[:50],
        },
    )


@never_cache
def explanation_partial(request, pk: int):
    # Polled while Gemini works; shows the explanation once it is there.
    submission = get_object_or_404(Submission, pk=pk)
    return render(request, "explainer/_explanation.html", {"submission": submission})


def documentation(request, pk: int):
    submission = get_object_or_404(Submission, pk=pk)
    response = HttpResponse(submission.documentation, content_type="text/markdown; charset=utf-8")
    filename = f"sparkhub-explainer-{submission.pk}.md"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def compare(request):
    try:
        old = get_object_or_404(Submission, pk=int(request.GET.get("old", "")))
        new = get_object_or_404(Submission, pk=int(request.GET.get("new", "")))
    except ValueError:
        messages.error(request, "Choose two submissions to compare.")
        return redirect("explainer:index")
    return render(
        request,
        "explainer/compare.html",
        {"old": old, "new": new, "diff": compare_submissions(old, new)},
    )
