"""Explainer workflows: submit code, (re)analyse it, explain it with Gemini, compare versions."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections import Counter
from pathlib import PurePosixPath

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from explainer import llm
from explainer.analysis import ANALYSER_VERSION, analyse, narrate, render_markdown
from explainer.models import Finding, Submission
from sparkhub.queues import enqueue_run
from sparkhub.runs import RunStatus

MAX_FILES = 100
MAX_TOTAL_BYTES = 2_000_000
MAX_ZIP_BYTES = 20_000_000
ANALYSIS_FIELDS = [
    "analysis",
    "analyser_version",
    "documentation",
    "offline_explanation",
    "parse_failed",
    "high_findings",
    "medium_findings",
    "low_findings",
]


class SubmissionError(ValueError):
    """The submitted code cannot be accepted; the message tells the user why."""


def normalise_source(text: str) -> str:
    """Line endings and trailing whitespace do not change what code means (or its cache key)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).rstrip("\n") + "\n"


def files_from_uploads(uploads) -> dict[str, str]:
    """Read uploaded ``.py`` files and ``.zip`` projects into ``{name: source}``."""
    files: dict[str, str] = {}
    for upload in uploads:
        name = PurePosixPath(upload.name).name
        if name.lower().endswith(".zip"):
            if upload.size > MAX_ZIP_BYTES:
                raise SubmissionError(f"{name} is larger than {MAX_ZIP_BYTES // 1_000_000} MB")
            files.update(files_from_zip(upload.read(), archive=name))
        elif name.lower().endswith(".py"):
            files[name] = _decode(upload.read(), name)
        else:
            raise SubmissionError(f"{name}: upload .py files or a .zip of them")
    return files


def files_from_zip(data: bytes, *, archive: str = "upload.zip") -> dict[str, str]:
    """The .py files of a zip, read in memory (never extracted), with size and count caps."""
    try:
        zipped = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SubmissionError(f"{archive} is not a valid zip file") from None
    members = [m for m in zipped.infolist() if not m.is_dir() and m.filename.endswith(".py")]
    if not members:
        raise SubmissionError(f"{archive} holds no .py files")
    if len(members) > MAX_FILES:
        raise SubmissionError(f"{archive} holds {len(members)} .py files; the limit is {MAX_FILES}")
    declared = sum(member.file_size for member in members)
    if declared > MAX_TOTAL_BYTES:
        raise SubmissionError(
            f"{archive} unpacks to {declared:,} bytes of code; the limit is {MAX_TOTAL_BYTES:,}"
        )
    files = {}
    for member in members:
        path = PurePosixPath(member.filename)
        if path.is_absolute() or ".." in path.parts:
            raise SubmissionError(f"{archive}: unsafe path {member.filename!r}")
        with zipped.open(member) as handle:
            # Read one byte past the declared size: a lying header cannot smuggle in more.
            raw = handle.read(member.file_size + 1)
        if len(raw) > member.file_size:
            raise SubmissionError(f"{archive}: {member.filename} is larger than it claims")
        files[str(path)] = _decode(raw, member.filename)
    return files


def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SubmissionError(f"{name} is not UTF-8 text (byte {error.start})") from None


def llm_model_in_use() -> str:
    return settings.GEMINI_MODEL if settings.GEMINI_API_KEY else ""


def submission_cache_key(files: dict[str, str], *, llm_model: str) -> str:
    payload = json.dumps(
        {
            "files": sorted(files.items()),
            "analyser": ANALYSER_VERSION,
            "llm": llm_model,
            "disabled_rules": sorted(settings.EXPLAINER_DISABLED_RULES),
        }
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def submit_code(
    *, files: dict[str, str], title: str = "", requested_by=None
) -> tuple[Submission, bool]:
    """Analyse code now and queue its Gemini explanation; identical code returns the cached row.

    Returns the submission and whether it came from the cache.
    """
    files = _validated(files)
    model = llm_model_in_use()
    key = submission_cache_key(files, llm_model=model)
    # A finished answer, or one still being written (identical code sent twice quickly must
    # not pay Gemini twice); not one where Gemini failed, which deserves another try.
    # Only what the answer needs is loaded: the analysis JSON can be megabytes.
    cached = (
        Submission.objects.filter(
            cache_key=key,
            status__in=[RunStatus.SUCCEEDED, RunStatus.QUEUED, RunStatus.RUNNING],
            llm_error="",
        )
        .only("pk", "public_id", "status")
        .order_by("-created_at")
        .first()
    )
    if cached is not None:
        return cached, True
    with transaction.atomic():
        submission = Submission(
            title=(title or _default_title(files))[:200],
            files=files,
            cache_key=key,
            requested_by=requested_by,
            llm_requested=bool(model),
            llm_model=model,
        )
        _apply_analysis(submission)
        if model:
            submission.progress_message = "Waiting for Gemini"
        else:
            submission.status = RunStatus.SUCCEEDED
            submission.progress, submission.progress_message = 100, "Analysed"
            submission.started_at = submission.finished_at = timezone.now()
        submission.save()
        _store_findings(submission)
        if model:
            enqueue_run(submission)
    return submission, False


def reanalyse_submission(*, submission: Submission) -> Submission:
    """Run the current analyser again (after an upgrade or a settings change)."""
    with transaction.atomic():
        _apply_analysis(submission)
        # Only the analysis: a worker may be writing Gemini's answer to this row right now.
        submission.save(update_fields=ANALYSIS_FIELDS)
        submission.findings.all().delete()
        _store_findings(submission)
    return submission


def reexplain_submission(*, submission: Submission) -> bool:
    """Queue a new Gemini explanation; False when no Gemini key is configured."""
    model = llm_model_in_use()
    if not model:
        return False
    with transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(
            status=RunStatus.QUEUED,
            progress=0,
            progress_message="Waiting for Gemini",
            llm_requested=True,
            llm_model=model,
            llm_error="",
            started_at=None,
            finished_at=None,
        )
        submission.refresh_from_db()
        enqueue_run(submission)
    return True


def explain_with_llm(submission: Submission) -> str:
    """Worker side: ask Gemini; any failure keeps the offline explanation and says why."""
    import django_rq

    submission.report_progress(10, "Asking Gemini")
    config = llm.GeminiConfig(
        api_key=settings.GEMINI_API_KEY,
        model=submission.llm_model or settings.GEMINI_MODEL,
        base_url=settings.GEMINI_BASE_URL or None,
        timeout_seconds=settings.GEMINI_TIMEOUT_SECONDS,
        max_concurrent=settings.GEMINI_MAX_CONCURRENT,
    )
    semaphore = llm.RedisSemaphore(
        django_rq.get_connection("llm"),
        f"gemini:{llm.key_fingerprint(config.api_key)}",
        config.max_concurrent,
        # A slot outlives the longest call (every attempt timing out, plus back-off).
        ttl=int(config.attempts * (config.timeout_seconds + 8) + 30),
    )
    try:
        answer = llm.explain(submission.files, submission.analysis, config, semaphore=semaphore)
    except llm.LLMError as error:
        Submission.objects.filter(pk=submission.pk).update(llm_error=str(error))
        return "Gemini unavailable: showing the offline explanation"
    Submission.objects.filter(pk=submission.pk).update(
        llm_explanation=answer.content,
        llm_error="",
        prompt_tokens=answer.prompt_tokens,
        output_tokens=answer.output_tokens,
    )
    return f"Explained by {answer.model} in {answer.seconds:.1f}s"


def compare_submissions(old: Submission, new: Submission) -> dict:
    """What changed between two versions: findings fixed and introduced, and the DAG."""
    old_findings, new_findings = _finding_keys(old), _finding_keys(new)
    old_ops, new_ops = _operation_signatures(old), _operation_signatures(new)
    return {
        "fixed": [old_findings[k] for k in old_findings.keys() - new_findings.keys()],
        "introduced": [new_findings[k] for k in new_findings.keys() - old_findings.keys()],
        "kept": [new_findings[k] for k in new_findings.keys() & old_findings.keys()],
        "operations_added": sorted((new_ops - old_ops).elements()),
        "operations_removed": sorted((old_ops - new_ops).elements()),
        "shape": {
            name: (_shape(old)[name], _shape(new)[name])
            for name in ("operations", "shuffles", "stages", "jobs_at_least")
        },
    }


def _validated(files: dict[str, str]) -> dict[str, str]:
    if not files:
        raise SubmissionError("Paste some code or upload a .py or .zip file")
    if len(files) > MAX_FILES:
        raise SubmissionError(f"{len(files)} files; the limit is {MAX_FILES}")
    normalised = {name: normalise_source(source) for name, source in files.items()}
    if not any(source.strip() for source in normalised.values()):
        raise SubmissionError("The code is empty")
    size = sum(len(source.encode()) for source in normalised.values())
    if size > MAX_TOTAL_BYTES:
        raise SubmissionError(f"{size:,} bytes of code; the limit is {MAX_TOTAL_BYTES:,}")
    return normalised


def _default_title(files: dict[str, str]) -> str:
    names = list(files)
    return names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more"


def _apply_analysis(submission: Submission) -> None:
    document = analyse(submission.files, disabled_rules=settings.EXPLAINER_DISABLED_RULES)
    counts = Counter(finding["severity"] for finding in document.get("findings", []))
    submission.analysis = document
    submission.analyser_version = ANALYSER_VERSION
    submission.documentation = render_markdown(document, title=submission.title)
    submission.offline_explanation = narrate(document)
    submission.parse_failed = bool(document.get("errors"))
    submission.high_findings = counts["high"]
    submission.medium_findings = counts["medium"]
    submission.low_findings = counts["low"]


def _store_findings(submission: Submission) -> None:
    main_file = next(iter(submission.files))
    Finding.objects.bulk_create(
        Finding(
            submission=submission,
            rule=finding["rule"],
            severity=finding["severity"],
            file=finding.get("file") or main_file,
            line=finding["line"],
            message=finding["message"],
            fix=finding.get("fix", ""),
        )
        for finding in submission.analysis.get("findings", [])
    )


def _finding_keys(submission: Submission) -> dict[tuple, dict]:
    """Findings keyed by rule and the code on their line, so moved lines still match."""
    keyed = {}
    for finding in submission.analysis.get("findings", []):
        source = submission.files.get(finding.get("file") or next(iter(submission.files)), "")
        lines = source.split("\n")
        code = lines[finding["line"] - 1].strip() if 0 < finding["line"] <= len(lines) else ""
        keyed[(finding["rule"], finding.get("file"), code)] = finding
    return keyed


def _operation_signatures(submission: Submission) -> Counter:
    return Counter(
        f"{op['method']} → {op.get('target') or '(unnamed)'}"
        for op in submission.analysis.get("operations", [])
    )


def _shape(submission: Submission) -> dict:
    document = submission.analysis
    operations = document.get("operations", [])
    return {
        "operations": len(operations),
        "shuffles": sum(1 for op in operations if op.get("shuffle")),
        "stages": len(document.get("stages", [])),
        "jobs_at_least": (document.get("jobs") or {}).get("at_least", 0),
    }
