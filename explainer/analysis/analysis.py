"""Assemble the analysis document from parsing, interpretation, rules, DAG and lineage."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping

from .dag import build_jobs, build_stages, stage_index
from .describe import describe
from .interpreter import Interpreter
from .lineage import build_lineage, sources_and_sinks
from .parse import ParsedFile, parse_file
from .rules import SEVERITY_RANK, Program, evaluate_findings

ANALYSER_VERSION = "1.0.0"
DEFAULT_FILE_NAME = "main.py"
MAX_FILES = 200


def analyse(files: Mapping[str, str] | str, *, disabled_rules: Iterable[str] = frozenset()) -> dict:
    """Analyse one source text or a ``{file name: source}`` submission.

    Lines are 1-based and point at the token naming each call. ``disabled_rules`` holds rule
    ids (``AP-D01``...) switched off by configuration.
    """
    # The analysis allocates many small objects and no reference cycles worth collecting
    # mid-way; pausing the cyclic collector roughly halves the time on large files.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _analyse(files, frozenset(disabled_rules))
    finally:
        if collecting:
            gc.enable()


def _analyse(files: Mapping[str, str] | str, disabled_rules: frozenset[str]) -> dict:
    if isinstance(files, str):
        files = {DEFAULT_FILE_NAME: files}
    errors: list[dict] = []
    warnings: list[str] = []
    if len(files) > MAX_FILES:
        errors.append({"line": 1, "file": "", "message": f"more than {MAX_FILES} files"})
        files = dict(list(files.items())[:MAX_FILES])
    parsed: dict[str, ParsedFile] = {name: parse_file(name, text) for name, text in files.items()}
    for name, parsed_file in parsed.items():
        errors.extend({**error, "file": name} for error in parsed_file.errors)

    interpreter = Interpreter(parsed)
    try:
        interpreter.run()
    except RecursionError:
        errors.append(
            {
                "line": 1,
                "file": next(iter(parsed), ""),
                "message": "code is nested too deeply to analyse completely",
            }
        )
    except Exception as exc:  # an analyser bug must not cost the user the partial result
        warnings.append(f"analysis stopped early ({type(exc).__name__}: {exc})")
    ops = interpreter.ops
    program = Program(
        ops=ops,
        udfs=interpreter.udfs,
        window_origins=interpreter.window_origins,
        conf=interpreter.conf,
    )
    findings = evaluate_findings(program, interpreter.findings, parsed, disabled_rules, warnings)
    stages = build_stages(ops)
    stage_of = stage_index(stages)
    jobs = build_jobs(ops, stages)
    sources, sinks, records = sources_and_sinks(ops)
    operations = [
        {
            **op.public(),
            "stage": stage_of[op.id],
            "summary": describe(op, interpreter.source),
            "hidden_jobs": [
                {"reason": reason, "at_least": count} for reason, count in op.hidden_jobs
            ],
        }
        for op in ops
    ]
    return {
        "analyser_version": ANALYSER_VERSION,
        "files": list(parsed),
        "operations": operations,
        "findings": findings,
        "sources": sources,
        "sinks": sinks,
        "lineage": build_lineage(ops, records),
        "stages": stages,
        "jobs": jobs,
        "errors": errors,
        "warnings": warnings,
        "summary": summarise(operations, findings, stages, jobs),
    }


def summarise(operations: list[dict], findings: list[dict], stages: list[dict], jobs: dict) -> dict:
    by_severity = {level: 0 for level in SEVERITY_RANK}
    for finding in findings:
        by_severity[finding["severity"]] += 1
    return {
        "operations": len(operations),
        "actions": sum(1 for op in operations if op["kind"] == "action"),
        "shuffles": sum(1 for op in operations if op["shuffle"]),
        "stages": len(stages),
        "jobs_at_least": jobs["at_least"],
        "findings": by_severity,
    }


def exit_status(document: dict, fail_on: str | None = None) -> int:
    """``explain --fail-on``: 2 when code does not parse, 1 when a finding at or above
    ``fail_on`` (high, medium, low) exists, else 0."""
    if document.get("errors"):
        return 2
    if fail_on is None:
        return 0
    try:
        threshold = SEVERITY_RANK[fail_on.lower()]
    except KeyError:
        raise ValueError(f"fail_on must be one of high, medium, low; got {fail_on!r}") from None
    worst = max((SEVERITY_RANK[f["severity"]] for f in document.get("findings", [])), default=0)
    return 1 if worst >= threshold else 0
