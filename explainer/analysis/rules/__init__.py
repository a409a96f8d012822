"""Anti-pattern findings: every rule of shared/antipatterns.md, with suppression and switches."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Finding
from ..parse import ParsedFile
from .catalogue import RULES, SEVERITY_RANK, Rule
from .operations import (
    check_cache,
    check_driver,
    check_filters,
    check_io,
    check_loops,
    check_rdd,
    check_shuffles,
    check_streaming,
)
from .program import Hit, Program
from .udfs import check_udfs

CHECKS = (
    check_driver,
    check_shuffles,
    check_io,
    check_cache,
    check_rdd,
    check_loops,
    check_streaming,
    check_filters,
    check_udfs,
)

__all__ = ["RULES", "SEVERITY_RANK", "Program", "Rule", "evaluate_findings"]


def evaluate_findings(
    program: Program,
    interpreter_findings: Iterable[Finding],
    files: dict[str, ParsedFile],
    disabled: frozenset[str],
    warnings: list[str],
) -> list[dict]:
    """All findings, minus disabled rules and ``# noqa: AP-XXX`` lines, one per rule and line.
    A check that fails is skipped and noted in ``warnings``; the others still report."""
    hits: list[Hit] = [Hit(f.rule, f.line, f.file, f.detail) for f in interpreter_findings]
    for check in CHECKS:
        try:
            hits.extend(check(program))
        except Exception as exc:  # one broken check must not hide the other findings
            warnings.append(f"{check.__name__} failed ({type(exc).__name__}: {exc})")
    disabled = frozenset(rule.upper() for rule in disabled)
    seen: set[tuple[str, int, str]] = set()
    findings = []
    for hit in sorted(hits, key=lambda h: (h.file, h.line, h.rule)):
        key = (hit.file, hit.line, hit.rule)
        if key in seen or hit.rule in disabled:
            continue
        seen.add(key)
        parsed = files.get(hit.file)
        if parsed is not None and hit.rule in parsed.noqa.get(hit.line, frozenset()):
            continue
        rule = RULES[hit.rule]
        findings.append(
            {
                "rule": hit.rule,
                "line": hit.line,
                "severity": rule.severity,
                "message": rule.message,
                "fix": rule.fix,
                "title": rule.title,
                "file": hit.file,
            }
        )
    return findings
